import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { Journal } from '../../src/queue/journal.js';
import { sampleReport, tempLab, allowTestDomain } from '../helpers/lab.js';
import { ensureDist, runCli } from '../helpers/spawn-cli.js';

before(() => ensureDist());

const messageIdOf = (eml: string) => /^Message-ID:\s*(\S+)/im.exec(readFileSync(eml, 'latin1'))?.[1];

test('resend R and D: new deliveries with new Message-IDs, recorded with the OS user; off-list addresses refused', async () => {
  const lab = tempLab();
  const state = lab.config.paths.state;
  writeFileSync(join(lab.exportDir, 'r1.json'), JSON.stringify(sampleReport(1)));
  const run = await runCli(['run', '--quiet', '--config', lab.configFile]);
  assert.equal(run.code, 0, run.stderr);

  const again = await runCli(['resend', 'R1', '--json', '--config', lab.configFile]);
  assert.equal(again.code, 0, again.stderr);
  const r = JSON.parse(again.stdout) as { created: Array<{ delivery: string; recipient: string; messageId: string }>; sent: number };
  assert.deepEqual(r.created.map((c) => [c.delivery, c.recipient]), [['D2', 'dr.martin@mss.test']]);
  assert.equal(r.sent, 1);

  const elsewhere = await runCli(['resend', 'D1', '--to', 'dr.autre@mss.test', '--config', lab.configFile]);
  assert.equal(elsewhere.code, 0, elsewhere.stderr);
  assert.match(elsewhere.stdout, /^D3 → dr\.autre@mss\.test <labmss\.D3\./m);

  const j = Journal.open(state, { readonly: true });
  try {
    const [d1, d2, d3] = [1, 2, 3].map((id) => j.delivery(id)!);
    assert.equal(new Set([d1!.message_id, d2!.message_id, d3!.message_id]).size, 3, 'each resend is a new message');
    for (const d of [d2!, d3!]) {
      assert.equal(d.state, 'accepted');
      assert.equal(d.report_id, 1);
      assert.equal(messageIdOf(join(state, 'outbox', `D${d.id}.eml`)), d.message_id);
    }
    assert.equal(d2!.role, 'prescriber');
    assert.equal(d3!.role, 'other');
    const resends = j.events({ report: 1 }).filter((e) => e.kind === 'resend');
    assert.deepEqual(resends.map((e) => [e.delivery_id, e.detail]), [[2, 'resend of R1'], [3, 'resend of D1 to another address']]);
    for (const e of resends) assert.equal(e.actor, `${userInfo().username} (labmss resend)`);
  } finally {
    j.close();
  }

  // With an allow-list imported, an address outside MSSanté is refused and nothing is recorded.
  allowTestDomain(lab.config, lab.dir);
  const refused = await runCli(['resend', 'D1', '--to', 'someone@gmail.com', '--config', lab.configFile]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /gmail\.com is not on the MSSanté allow-list/);
  assert.match(refused.stderr, /nothing was sent/);
  const after = Journal.open(state, { readonly: true });
  try { assert.equal(after.deliveriesOfReport(1).length, 3); } finally { after.close(); }

  const unknown = await runCli(['resend', 'D99', '--config', lab.configFile]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no delivery D99/);
});

test('a report held for want of an address asks for --to', async () => {
  const lab = tempLab();
  writeFileSync(join(lab.exportDir, 'r1.json'), JSON.stringify(sampleReport(1, { prescriber: { code: 'NOBODY', familyName: 'INCONNU' } })));
  const run = await runCli(['run', '--quiet', '--config', lab.configFile]);
  assert.equal(run.code, 1);
  const resend = await runCli(['resend', 'R1', '--config', lab.configFile]);
  assert.equal(resend.code, 2);
  assert.match(resend.stderr, /R1 has no MSSanté address to resend to .*: give one with --to ADDRESS/);
});
