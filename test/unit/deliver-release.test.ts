/**
 * Held and resend that behave: a held delivery goes out once its cause is gone (by itself at the next run,
 * or by `labmss release`); a resend of a delivery still waiting supersedes it, so the doctor gets one message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Journal } from '../../src/queue/journal.js';
import { labMessageId } from '../../src/mail/message-id.js';
import { sampleReport, tempLab } from '../helpers/lab.js';
import { ensureDist, runCli } from '../helpers/spawn-cli.js';

ensureDist();

const emls = (lab: ReturnType<typeof tempLab>) => readdirSync(join(lab.config.paths.state, 'outbox')).sort();

test('a delivery held for want of an address goes out by itself once the address book has it, once', async () => {
  const lab = tempLab();
  writeFileSync(join(lab.exportDir, 'r.json'), JSON.stringify(sampleReport(1, { copiesTo: [{ code: 'PETI03', familyName: 'PETIT', givenName: 'Anne' }] })));
  const first = await runCli(['--config', lab.configFile, '--json', 'run']);
  assert.equal(first.code, 1, 'a held delivery is reported');
  const held = JSON.parse(first.stdout).held;
  assert.equal(held.length, 1);
  assert.match(held[0].reason, /no MSSanté address/);
  assert.deepEqual(emls(lab), ['D1.eml']);

  appendFileSync(join(lab.dir, 'address-book.csv'), 'PETI03,,,dr.petit@mss.test,Dr Anne PETIT\n');
  const second = await runCli(['--config', lab.configFile, '--json', 'run']);
  assert.equal(second.code, 0, second.stdout + second.stderr);
  const s = JSON.parse(second.stdout);
  assert.equal(s.released, 1);
  assert.equal(s.sent, 1);
  assert.deepEqual(emls(lab), ['D1.eml', 'D2.eml']);
  const third = await runCli(['--config', lab.configFile, '--json', 'run']);
  assert.equal(JSON.parse(third.stdout).sent, 0, 'once');
  const j = Journal.open(lab.config.paths.state, { readonly: true });
  try {
    const d2 = j.delivery(2)!;
    assert.deepEqual([d2.state, d2.recipient, d2.label, d2.hold_code], ['accepted', 'dr.petit@mss.test', 'PETIT Anne (code PETI03)', null]);
  } finally { j.close(); }
});

test('labmss release: a hold about the report itself is lifted only by a person, delivery by delivery', async () => {
  const lab = tempLab();
  writeFileSync(join(lab.exportDir, 'r.json'), JSON.stringify(sampleReport(2, { copiesTo: [{ code: 'DURA02', familyName: 'DURAND' }] })));
  // A report held by the gate (here: a file that would send more messages than allowed) with its addresses known.
  writeFileSync(lab.configFile, JSON.stringify({ ...JSON.parse(readFileSync(lab.configFile, 'utf8')), intake: { settleSeconds: 0, maxMessagesPerFile: 1 } }));
  assert.equal((await runCli(['--config', lab.configFile, 'run'])).code, 1);
  const again = await runCli(['--config', lab.configFile, '--json', 'run']);
  assert.equal(JSON.parse(again.stdout).released, 0, 'not released by itself: a person must look');
  assert.equal((await runCli(['--config', lab.configFile, 'release', 'D7'])).code, 2, 'an unknown delivery');
  const released = await runCli(['--config', lab.configFile, '--json', 'release', 'D1']);
  assert.equal(released.code, 0, released.stderr);
  assert.deepEqual(JSON.parse(released.stdout).released, [{ delivery: 1, recipient: 'dr.martin@mss.test' }]);
  assert.equal((await runCli(['--config', lab.configFile, 'release', 'D1'])).code, 1, 'no longer held');
  const sent = await runCli(['--config', lab.configFile, '--json', 'run']);
  assert.equal(JSON.parse(sent.stdout).sent, 1, 'D1 only: D2 stays held until a person releases it too');
});

test('resend of a delivery still waiting supersedes it: the old one is cancelled, one message goes out', async () => {
  const lab = tempLab();
  writeFileSync(join(lab.exportDir, 'r.json'), JSON.stringify(sampleReport(3)));
  assert.equal((await runCli(['--config', lab.configFile, 'run'])).code, 0);
  // A delivery of the report waiting for its turn (as after a 4xx).
  const j = Journal.open(lab.config.paths.state, { actor: 'test' });
  const waiting = j.addDelivery({ reportId: 1, recipient: 'dr.durand@mss.test', role: 'copy', stage: 1, state: 'pending',
    messageIdFor: (n) => labMessageId(lab.config.lab.mailbox, j.instanceId, n) });
  j.close();
  const resend = await runCli(['--config', lab.configFile, '--json', 'resend', `D${waiting}`]);
  assert.equal(resend.code, 0, resend.stderr);
  const out = JSON.parse(resend.stdout);
  assert.deepEqual(out.created.map((c: { supersedes?: string }) => c.supersedes), [`D${waiting}`]);
  const after = Journal.open(lab.config.paths.state, { readonly: true });
  try {
    assert.equal(after.delivery(waiting)!.state, 'cancelled');
    assert.match(after.delivery(waiting)!.reason!, /superseded by D\d+/);
  } finally { after.close(); }
  const run = await runCli(['--config', lab.configFile, '--json', 'run']);
  assert.equal(JSON.parse(run.stdout).sent, 0, 'the cancelled delivery never goes out');
  assert.deepEqual(emls(lab).filter((n) => n === `D${waiting}.eml`), []);
});
