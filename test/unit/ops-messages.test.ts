import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { emptySummary } from '../../src/summary.js';
import { summaryLines } from '../../src/cli/summary.js';
import { parseAddressBook } from '../../src/routing/address-book.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDist, runCli } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { exampleLab } from '../helpers/lab.js';
import { catalogs, formatTime, localeLanguage, useLocale, type Catalog } from '../../src/i18n/index.js';

test('a re-dropped file says nothing was sent and how to send it anyway, even with --quiet', () => {
  useLocale({ language: 'en' });
  const s = { ...emptySummary(), claimed: 1, duplicates: [{ file: 'a.hpr', reason: 'same bytes as file F1 (a.hpr): not sent again (use `labmss send --force FILE` to send anyway)' }] };
  for (const quiet of [false, true]) {
    const lines = summaryLines(s, quiet).join('\n');
    assert.match(lines, /not sent: same bytes as file F1/);
    assert.match(lines, /labmss send FILE --force/);
  }
});

test('the outbox transport never says "sent"', () => {
  useLocale({ language: 'en' });
  const s = { ...emptySummary(), claimed: 1, reports: 1, sent: 2 };
  assert.match(summaryLines(s, false, false)[0]!, /2 message\(s\) written to the outbox \(not sent/);
  assert.match(summaryLines(s, false, true)[0]!, /2 message\(s\) sent$/);
  useLocale({ language: 'fr' });
  assert.match(summaryLines(s, false, false)[0]!, /^1 fichier\(s\) pris en charge, 1 compte\(s\) rendu\(s\), 2 message\(s\) écrits dans l’outbox/);
  useLocale({ language: 'en' });
});

test('address book CSV: spreadsheet quotes are not part of the values (`,` or `;`, separators inside quotes)', () => {
  const book = parseAddressBook('code;rpps;adeli;address;name\r\n"MART01";"10000000001";;"dr.martin@mss.test";"MARTIN; Jean"\r\n', 'book.csv');
  assert.deepEqual(book.entries, [{ code: 'MART01', rpps: '10000000001', address: 'dr.martin@mss.test', name: 'MARTIN; Jean' }]);
  const comma = parseAddressBook('code,rpps,adeli,address,name\nDUR01,,,"dr.durand@mss.test","DURAND, Paul ""Polo"""\n', 'b.csv');
  assert.equal(comma.find({ code: 'dur01' })?.address, 'dr.durand@mss.test');
  assert.equal(comma.entries[0]!.name, 'DURAND, Paul "Polo"');
  assert.throws(() => parseAddressBook('code,address\nX,dr"x@mss.test\n', 'c.csv'), /c\.csv:2: "address" must be one email address/);
});

before(() => ensureDist());

/** Every key path of a catalog, with the kind of value (string or function). */
function shape(node: unknown, path = ''): string[] {
  if (typeof node === 'string') return [`${path}: string`];
  if (typeof node === 'function') return [`${path}: function/${node.length}`];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => shape(v, path ? `${path}.${k}` : k));
}

test('the French and English catalogs have the same keys, none empty, and French is not English', () => {
  assert.deepEqual(shape(catalogs.fr), shape(catalogs.en));
  const sample = (c: Catalog) => [c.help.program, c.purge.nothing, c.summary.duplicateHint];
  for (const s of [...sample(catalogs.fr), ...sample(catalogs.en)]) assert.ok(s.trim().length > 0);
  assert.notDeepEqual(sample(catalogs.fr), sample(catalogs.en));
});

test('language from ui.language, else the locale; times in the lab\'s time zone', () => {
  assert.equal(localeLanguage({ LANG: 'fr_FR.UTF-8' }), 'fr');
  assert.equal(localeLanguage({ LC_ALL: 'C', LANG: 'fr_FR.UTF-8' }), 'en');
  assert.equal(localeLanguage({ LC_MESSAGES: 'fr_CA.UTF-8', LANG: 'en_US.UTF-8' }), 'fr');
  assert.equal(localeLanguage({}), 'en');
  assert.equal(formatTime('2026-11-22T09:03:12.000Z', 'fr', 'Europe/Paris'), '22/11/2026 10:03:12');
  assert.equal(formatTime('2026-07-01T22:30:00Z', 'en', 'Europe/Paris'), '2026-07-02 00:30:00');
  assert.equal(formatTime(null), '-');
});

test('the quick start speaks French (the example sets ui.language "fr"); --json stays English', async () => {
  const { cli } = exampleLab('fr');
  const run = await cli('run');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^4 fichier\(s\) pris en charge, 4 compte\(s\) rendu\(s\), 7 message\(s\)/);
  assert.match((await cli('status')).stdout, /^accepté 7\ndisque : [\d,]+ Ko dans le dossier d’état/);
  assert.match((await cli('log', '-n', '1')).stdout, /^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d /);
  assert.deepEqual(JSON.parse((await cli('--json', 'status')).stdout).counts, { accepted: 7 });
  assert.match((await cli('--json', 'log', '-n', '1')).stdout, /"at": "\d{4}-\d\d-\d\dT[\d:.]+Z"/);
  assert.match((await cli('run', '--help')).stdout, /^Utilisation : labmss run/);
});

test('every command\'s --help is in French from the catalog, each option described', async () => {
  const dir = tmpDir('labmss-help-');
  const config = join(dir, 'labmss.json');
  writeFileSync(config, JSON.stringify({ lab: { name: 'L', mailbox: 'l@mss.test' }, paths: { export: 'e', state: 's' }, ui: { language: 'fr' } }));
  for (const [path, description] of Object.entries(catalogs.fr.help.commands)) {
    const help = await runCli(['--config', config, ...path.split(' '), '--help'], { LANG: 'C' });
    assert.equal(help.code, 0, `${path}: ${help.stderr}`);
    assert.ok(help.stdout.replace(/\s+/g, ' ').includes(description.replace(/\s+/g, ' ')), `${path}: ${help.stdout}`);
    assert.match(help.stdout, /^Utilisation : labmss /);
    // An option line with no description ends right after its flags.
    const bare = help.stdout.split('\n').filter((l) => /^ {2}-/.test(l) && !/^ {2}\S.*? {2,}\S/.test(l));
    assert.deepEqual(bare, [], `${path}: options without a description`);
  }
});
