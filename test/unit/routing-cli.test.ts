import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../../src/queue/journal.js';
import { ensureDist, runCli } from '../helpers/spawn-cli.js';
import { fixtures } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'labmss-routing-cli-'));
const config = join(dir, 'labmss.json');
writeFileSync(config, JSON.stringify({
  lab: { name: 'Laboratoire Exemple', mailbox: 'labo@labo-exemple.mssante.fr' },
  paths: { export: 'export', state: 'state' },
  routing: { patients: { enabled: true } },
}));
const cli = (...args: string[]) => runCli(['--config', config, ...args]);

before(() => ensureDist());

test('labmss directory import / lookup, allowlist import / check, then a report routed through both', async () => {
  const imported = await cli('directory', 'import', fixtures('routing', 'Extraction_Correspondance_MSSante_202501140312.txt'));
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /imported 8 mailboxes .*\(extraction of 2025-01-14T03:12\)/);
  assert.match(imported.stdout, /1 duplicate line\(s\) merged, 1 unusable line\(s\)/);

  const byRpps = await cli('--json', 'directory', 'lookup', '10009876543');
  assert.equal(byRpps.code, 0, byRpps.stderr);
  assert.deepEqual(JSON.parse(byRpps.stdout).entries.map((e: { address: string }) => e.address).sort(),
    ['cardiologie@ch-exemple.mssante.fr', 'claire.durand@ch-exemple.mssante.fr']);
  const byName = await cli('directory', 'lookup', 'Hélène', 'Léger');
  assert.match(byName.stdout, /^PER helene\.leger@medecin\.mssante\.fr — DR Hélène LÉGER \(RPPS 10007777777\)/);
  const none = await cli('directory', 'lookup', '19999999999');
  assert.equal(none.code, 1);
  assert.match(none.stdout, /nothing for RPPS 19999999999/);

  const list = await cli('allowlist', 'import', fixtures('routing', 'listeblanchemssante.xml'));
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /imported 5 MSSanté domains/);
  const check = await cli('allowlist', 'check', 'a@medecin.mssante.fr', 'b@gmail.com');
  assert.equal(check.code, 1);
  assert.match(check.stdout, /^ok {4}a@medecin\.mssante\.fr$/m);
  assert.match(check.stdout, /^held {2}b@gmail\.com: domain gmail\.com is not on the MSSanté allow-list/m);

  const input = join(dir, 'report.json');
  writeFileSync(input, JSON.stringify({
    patient: { ids: { ipp: 'P9', ins: { value: '2690549588157', oid: '1.2.250.1.213.1.4.8', qualified: true } }, familyName: 'DUPONT', givenNames: ['Marie'], birthDate: '1969-05-12', sex: 'F' },
    prescriber: { rpps: '10001234567', familyName: 'MARTIN' },
    copiesTo: [{ rpps: '10009876543', familyName: 'DURAND' }, { rpps: '10000000000', familyName: 'INCONNU' }],
    recipients: [{ address: 'someone@gmail.com', role: 'copy' }],
    request: { fillerId: 'D-CLI-1' }, status: 'final',
    chapters: [{ label: 'Biochimie', batteries: [{ label: 'Glycémie', results: [{ code: 'GLY', label: 'Glycémie', value: { kind: 'numeric', value: '5.40' }, unit: 'mmol/L' }] }] }],
  }));
  const sent = await cli('send', input);
  assert.equal(sent.code, 1, sent.stderr);
  const j = Journal.open(join(dir, 'state'), { readonly: true });
  const rows = j.db.prepare('SELECT recipient, role, state, reason FROM deliveries ORDER BY id').all() as Array<{ recipient: string; role: string; state: string; reason: string | null }>;
  j.close();
  const byState = (s: string) => rows.filter((r) => r.state === s).map((r) => r.recipient).sort();
  assert.deepEqual(byState('accepted'), ['269054958815780@patient.mssante.fr', 'jean.martin@medecin.mssante.fr']);
  const held = rows.filter((r) => r.state === 'held');
  assert.equal(held.length, 3);
  assert.ok(held.some((r) => /several MSSanté addresses: claire\.durand@ch-exemple\.mssante\.fr \(PER\), cardiologie@ch-exemple\.mssante\.fr \(ORG\)/.test(r.reason!)));
  assert.ok(held.some((r) => /no MSSanté mailbox in the Annuaire Santé extraction of 2025-01-14T03:12/.test(r.reason!)));
  assert.ok(held.some((r) => /domain gmail\.com is not on the MSSanté allow-list/.test(r.reason!)));
  const outbox = readdirSync(join(dir, 'state', 'outbox'));
  assert.equal(outbox.length, 2);
});
