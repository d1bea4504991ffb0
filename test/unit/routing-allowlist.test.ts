import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../../src/queue/journal.js';
import { allowlistChecker, decodeAllowlist, normalizeDomain, parseAllowlist } from '../../src/routing/allowlist.js';
import { allowlistDomains, allowlistPolicy, importAllowlist, NO_ALLOWLIST } from '../../src/queue/store/allowlist.js';
import { lastImport } from '../../src/queue/store/imports.js';
import { fixtures } from '../helpers/paths.js';

const LIST = fixtures('routing', 'listeblanchemssante.xml');
const HOPITAL = 'xn--hpital-cte-rbbh.mssante.fr';

function journal(): Journal {
  return Journal.open(mkdtempSync(join(tmpdir(), 'labmss-al-')), { actor: 'test' });
}

test('domains compare in IDNA ASCII form, lower case, without a trailing dot', () => {
  assert.equal(normalizeDomain('Hôpital-Côte.MSSante.fr.'), HOPITAL);
  assert.equal(normalizeDomain(HOPITAL.toUpperCase()), HOPITAL);
  assert.equal(normalizeDomain('pas un domaine'), undefined);
});

test('the list: //Domaine/Nom under the ANS namespace, duplicates once, invalid names set aside, its date', () => {
  const parsed = parseAllowlist(decodeAllowlist(readFileSync(LIST)));
  assert.deepEqual(parsed.domains, ['medecin.mssante.fr', 'ch-exemple.mssante.fr', 'infirmier.mssante.fr', 'patient.mssante.fr', HOPITAL]);
  assert.equal(parsed.written.get(HOPITAL), 'hôpital-côte.mssante.fr');
  assert.deepEqual(parsed.invalid, ['pas un domaine']);
  assert.equal(parsed.date, '2025-01-13T22:00:00');
  assert.throws(() => parseAllowlist('<Liste><Autre>x</Autre></Liste>'), /no \/\/Domaine\/Nom/);
});

test('exact-domain matching: neither subdomains nor parents of a listed domain pass', () => {
  const check = allowlistChecker(new Set(parseAllowlist(readFileSync(LIST, 'utf8')).domains), 'test list');
  assert.equal(check('jean.martin@medecin.mssante.fr'), undefined);
  assert.equal(check('Jean.Martin@MEDECIN.mssante.FR'), undefined);
  assert.equal(check(`accueil@${HOPITAL}`), undefined);
  assert.equal(check('accueil@hôpital-côte.mssante.fr'), undefined);
  assert.match(check('x@cardio.medecin.mssante.fr')!, /domain cardio\.medecin\.mssante\.fr is not on the MSSanté allow-list \(test list\)/);
  assert.match(check('x@mssante.fr')!, /not on the MSSanté allow-list/);
  assert.match(check('x@gmail.com')!, /never sent outside the MSSanté trust space/);
  assert.match(check('pas-une-adresse')!, /not a single valid address/);
  // The smuggled second address of issue 11: the domain after the last @ is on the list, the first is not.
  assert.match(check('evil@evil.example, jean.martin@medecin.mssante.fr')!, /not a single valid address/);
  assert.match(check('Evil <evil@evil.example> jean.martin@medecin.mssante.fr')!, /not a single valid address/);
});

test('import into the journal, then the policy checks every address against it', () => {
  const j = journal();
  const r = importAllowlist(j.db, LIST, () => new Date('2025-01-14T06:00:00Z'));
  assert.equal(r.rows, 5);
  assert.equal(r.skipped, 1);
  assert.equal(r.fileDate, '2025-01-13T22:00:00');
  assert.equal(lastImport(j.db, 'allowlist')!.importedAt, '2025-01-14T06:00:00.000Z');
  for (const transport of ['smtp', 'outbox'] as const) {
    const policy = allowlistPolicy(j.db, transport === 'smtp');
    assert.equal(policy.warning, undefined);
    assert.equal(policy.check('a@ch-exemple.mssante.fr'), undefined);
    assert.match(policy.check('a@evil.example')!, /not on the MSSanté allow-list \(list of 2025-01-13T22:00:00\)/);
  }
  j.close();
});

test('without an imported list: SMTP holds everything, the outbox lets it through with a warning', () => {
  const j = journal();
  const smtp = allowlistPolicy(j.db, true);
  assert.equal(smtp.check('jean.martin@medecin.mssante.fr'), NO_ALLOWLIST);
  assert.match(NO_ALLOWLIST, /labmss allowlist import FILE/);
  const outbox = allowlistPolicy(j.db, false);
  assert.equal(outbox.check('jean.martin@medecin.mssante.fr'), undefined);
  assert.match(outbox.warning!, /no MSSanté allow-list imported/);
  j.close();
});

test('a file that is not the list leaves the imported one in place; a re-import replaces it', () => {
  const j = journal();
  importAllowlist(j.db, LIST);
  const dir = mkdtempSync(join(tmpdir(), 'labmss-al-bad-'));
  const bad = join(dir, 'bad.xml');
  writeFileSync(bad, '<?xml version="1.0"?><html><body>Maintenance</body></html>');
  assert.throws(() => importAllowlist(j.db, bad), /bad\.xml: no \/\/Domaine\/Nom/);
  writeFileSync(bad, '<ListeBlanche><Domaine><Nom>');
  assert.throws(() => importAllowlist(j.db, bad), /bad\.xml/);
  assert.equal(allowlistDomains(j.db).length, 5);
  const latin = join(dir, 'latin.xml');
  writeFileSync(latin, Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><ListeBlanche><Domaine><Nom>clinique-\xe9toile.mssante.fr</Nom></Domaine></ListeBlanche>', 'latin1'));
  importAllowlist(j.db, latin);
  assert.deepEqual(allowlistDomains(j.db), [normalizeDomain('clinique-étoile.mssante.fr')]);
  assert.equal(allowlistPolicy(j.db, true).check('a@clinique-étoile.mssante.fr'), undefined);
  assert.ok(allowlistPolicy(j.db, true).check('a@medecin.mssante.fr'));
  j.close();
});
