import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureDist, runCli } from '../helpers/spawn-cli.js';
import { fixtures } from '../helpers/paths.js';
import { exampleLab } from '../helpers/lab.js';
import { findQuery, fold } from '../../src/find/query.js';

before(() => ensureDist());

test('find query: names folded (accents, case, punctuation), dates and INS in groups recognised', () => {
  assert.equal(fold('Élodie-Marie d’Aubigné ŒUVRE'), 'elodie marie d aubigne oeuvre');
  assert.deepEqual(findQuery(['Lègrand', '15/09/1988']), { terms: [{ name: 'legrand', id: 'Lègrand' }], birthDate: '1988-09-15' });
  assert.deepEqual(findQuery([], { birthDate: '09/1988' }), { terms: [], birthDate: '1988-09' });
  assert.deepEqual(findQuery(['2 80 01 75 112 233 45']), { terms: [{ name: '280017511223345', id: '280017511223345' }], birthDate: undefined });
  assert.throws(() => findQuery([], { birthDate: 'yesterday' }), RangeError);
});

test('labmss find: a patient by a misspelt-accent name, birth date, IPP or dossier, with the deliveries and their states', async () => {
  const { cli, config } = exampleLab();
  assert.equal((await cli('run')).code, 0);

  const byName = await cli('find', 'lègrand', 'SOPHIE');
  assert.equal(byName.code, 0, byName.stderr);
  assert.match(byName.stdout, /^R3 {2}dossier 2611220031, version 1 \(final\), \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/m);
  assert.match(byName.stdout, /LEGRAND Sophie \(MOREAU\), born 1988-09-15, IPP IPP000456/);
  assert.match(byName.stdout, /D4 accepted +dr\.martin@mss\.test \(prescriber\)/);
  assert.match(byName.stdout, /D5 accepted +dr\.durand@mss\.test \(copy\)/);

  const json = JSON.parse((await cli('--json', 'find', '--birth-date', '15/09/1988')).stdout);
  assert.deepEqual(json.reports.map((r: { id: number }) => r.id), [3]);
  assert.deepEqual(json.reports[0].deliveries.map((d: { state: string }) => d.state), ['accepted', 'accepted']);
  assert.equal(JSON.parse((await cli('--json', 'find', 'IPP000456')).stdout).reports[0].dossier, '2611220031');
  assert.equal(JSON.parse((await cli('--json', 'find', '2611220031')).stdout).reports[0].id, 3);

  const fr = await cli('find', 'moreau', '--birth-date', '1988');
  assert.match(fr.stdout, /LEGRAND/);
  // The same lab with the example's own setting, ui.language "fr".
  const frConfig = join(dirname(config), 'labmss-fr.json');
  writeFileSync(frConfig, JSON.stringify({ ...JSON.parse(readFileSync(config, 'utf8')), ui: { language: 'fr' } }));
  const french = await runCli(['--config', frConfig, 'find', 'LEGRAND']);
  assert.match(french.stdout, /^R3 {2}dossier 2611220031, version 1 \(final\), \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/m);
  assert.match(french.stdout, /né\(e\) le 15\/09\/1988/);
  assert.match(french.stdout, /D4 accepté +dr\.martin@mss\.test/);
  const byLocale = await runCli(['--config', config, 'find', 'LEGRAND'], { LANG: 'fr_FR.UTF-8', LC_ALL: '' });
  assert.match(byLocale.stdout, /born 1988-09-15/, 'ui.language wins over the locale');

  const none = await cli('find', 'Nobody');
  assert.equal(none.code, 1);
  assert.match(none.stdout, /no report for Nobody/);
  assert.equal((await cli('find')).code, 2, 'nothing asked');

  const truncated = await cli('--json', 'find', '--limit', '1', 'e');
  const cut = JSON.parse(truncated.stdout);
  assert.equal(cut.reports.length, 1);
  assert.equal(cut.truncated, true);
  assert.ok(cut.total > 1);
  assert.match((await cli('find', '--limit', '1', 'e')).stdout, /first 1 of \d+ shown/);
});

test('show takes a dossier number; log and show of what does not exist both exit 2', async () => {
  const { cli } = exampleLab();
  assert.equal((await cli('run')).code, 0);
  const dossier = await cli('show', '2611220031');
  assert.equal(dossier.code, 0, dossier.stderr);
  assert.match(dossier.stdout, /^report R3 from file F3: dossier 2611220031/);
  assert.equal(JSON.parse((await cli('--json', 'show', '2611220031')).stdout).reports[0].report.id, 3);
  assert.equal((await cli('show', 'R3')).code, 0);

  const unknown = await cli('show', 'ABC-12');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no delivery, report or dossier "ABC-12": try `labmss find ABC-12`/);
  const logMissing = await cli('log', '--report', 'R9');
  assert.equal(logMissing.code, 2);
  assert.match(logMissing.stderr, /no report R9/);
  assert.equal((await cli('log', '--delivery', 'D99')).code, 2);
  assert.equal((await cli('show', 'D99')).code, 2);
});

test('directory lookup says when it cuts the list', async () => {
  const { cli } = exampleLab();
  assert.equal((await cli('directory', 'import', fixtures('routing', 'Extraction_Correspondance_MSSante_202501140312.txt'))).code, 0);
  const cut = await cli('directory', 'lookup', '--limit', '1', '10009876543');
  assert.equal(cut.stdout.trim().split('\n').length, 2);
  assert.match(cut.stdout, /first 1 of 1\+ shown: narrow the search or raise --limit/);
  assert.equal(JSON.parse((await cli('--json', 'directory', 'lookup', '--limit', '1', '10009876543')).stdout).truncated, true);
  assert.equal(JSON.parse((await cli('--json', 'directory', 'lookup', '10009876543')).stdout).truncated, false);
});
