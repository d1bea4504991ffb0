import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { Journal } from '../../src/queue/journal.js';
import { chooseMailbox, classifyQuery, extractionDateFromName, mapHeader, nationalIdsOf, parseLine } from '../../src/routing/directory.js';
import { directoryView, importDirectory, lookupDirectory } from '../../src/queue/store/directory.js';
import { lastImport } from '../../src/queue/store/imports.js';
import { fixtures } from '../helpers/paths.js';

const FIRST = fixtures('routing', 'Extraction_Correspondance_MSSante_202501140312.txt');
const LATER = fixtures('routing', 'Extraction_Correspondance_MSSante_202502010400.txt');

function journal(): Journal {
  return Journal.open(mkdtempSync(join(tmpdir(), 'labmss-dir-')), { actor: 'test' });
}

test('the header maps by name, whatever the accents and case; a file without the key columns is refused', () => {
  const header = readFileSync(FIRST, 'utf8').split('\n')[0]!.replace(/\r$/, '');
  assert.equal(header.split('|').length, 31);
  const map = mapHeader(header);
  assert.equal(map.at.address, 1);
  assert.equal(map.at.nationalId, 4);
  assert.equal(map.at.givenName, 10);
  assert.equal(map.at.city, 27);
  assert.throws(() => mapHeader('nom|prenom|email'), /not an Annuaire Santé MSSanté extraction.*adresse bal/);
});

test('a line with the wrong number of columns is reported, not guessed', () => {
  const map = mapHeader(readFileSync(FIRST, 'utf8').split('\n')[0]!);
  assert.equal(parseLine("PER|x@y.mssante.fr|8|1", map), '4 columns instead of 31');
});

test('the extraction date comes from the name …_AAAAMMJJhhmm', () => {
  assert.equal(extractionDateFromName('/tmp/Extraction_Correspondance_MSSante_202501140312.zip'), '2025-01-14T03:12');
  assert.equal(extractionDateFromName('Extraction_Correspondance_MSSante.txt'), undefined);
  assert.equal(extractionDateFromName('Extraction_Correspondance_MSSante_202513140312.txt'), undefined);
});

test('identification nationale: 8+RPPS, 0+ADELI, already prefixed numbers kept', () => {
  assert.deepEqual(nationalIdsOf({ rpps: '10001234567' }), ['810001234567']);
  assert.deepEqual(nationalIdsOf({ rpps: '810001234567', adeli: '751234567' }), ['810001234567', '0751234567']);
  assert.deepEqual(classifyQuery('10001234567'), { kind: 'nationalId', value: '810001234567', label: 'RPPS 10001234567' });
  assert.equal(classifyQuery('751234567').value, '0751234567');
  assert.equal(classifyQuery('2A1234567').value, '02A1234567');
  assert.deepEqual(classifyQuery('Hélène  Léger'), { kind: 'name', value: 'HELENE LEGER', label: 'name "Hélène Léger"' });
  assert.equal(classifyQuery('Jean.Martin@medecin.mssante.fr').kind, 'address');
});

test('import: duplicates merged, unusable lines counted, the date and the counts recorded', () => {
  const j = journal();
  const r = importDirectory(j.db, FIRST, () => new Date('2025-01-15T08:00:00Z'));
  assert.equal(r.rows, 8);
  assert.equal(r.duplicates, 1);
  assert.equal(r.skipped, 1);
  assert.deepEqual(r.problems, [{ line: 7, reason: '5 columns instead of 31' }]);
  assert.equal(r.fileDate, '2025-01-14T03:12');
  const last = lastImport(j.db, 'directory')!;
  assert.equal(last.rows, 8);
  assert.equal(last.importedAt, '2025-01-15T08:00:00.000Z');
  assert.match(last.sha256, /^[0-9a-f]{64}$/);
  j.close();
});

test('lookup by RPPS, ADELI, identification nationale, address and name (accents and case ignored)', () => {
  const j = journal();
  importDirectory(j.db, FIRST);
  const byRpps = lookupDirectory(j.db, classifyQuery('10009876543'));
  assert.deepEqual(byRpps.map((e) => [e.mailboxType, e.address]).sort(),
    [['ORG', 'cardiologie@ch-exemple.mssante.fr'], ['PER', 'claire.durand@ch-exemple.mssante.fr']]);
  const byAdeli = lookupDirectory(j.db, classifyQuery('751234567'));
  assert.equal(byAdeli.length, 1);
  assert.equal(byAdeli[0]!.familyName, 'BERNARD');
  assert.equal(byAdeli[0]!.profession, 'Infirmier');
  assert.equal(lookupDirectory(j.db, classifyQuery('0751234567'))[0]!.address, 's.bernard@infirmier.mssante.fr');
  assert.equal(lookupDirectory(j.db, classifyQuery('S.Bernard@Infirmier.mssante.fr'))[0]!.ppId, '751234567');
  const byName = lookupDirectory(j.db, classifyQuery('leger'));
  assert.deepEqual(byName.map((e) => `${e.givenName} ${e.familyName} ${e.city}`), ['Hélène LÉGER 13001 MARSEILLE']);
  assert.equal(lookupDirectory(j.db, classifyQuery('paul leroy')).length, 2);
  assert.equal(lookupDirectory(j.db, classifyQuery('laboratoire exemple'))[0]!.address, 'secretariat@labo-exemple.mssante.fr');
  assert.deepEqual(lookupDirectory(j.db, classifyQuery('10000000000')), []);
  j.close();
});

test('a ZIP extraction is read through its .txt member; a later import replaces the earlier one', () => {
  const j = journal();
  importDirectory(j.db, FIRST);
  const dir = mkdtempSync(join(tmpdir(), 'labmss-zip-'));
  const zip = join(dir, 'extraction.zip');
  writeFileSync(zip, zipSync({ 'Extraction_Correspondance_MSSante_202502010400.txt': readFileSync(LATER) }));
  const r = importDirectory(j.db, zip);
  assert.equal(r.rows, 1);
  assert.equal(r.fileDate, '2025-02-01T04:00');
  const view = directoryView(j.db)!;
  assert.deepEqual(view.candidates('810001234567').map((c) => c.address), ['jean.martin@nouvel-operateur.mssante.fr']);
  assert.deepEqual(view.candidates('810009876543'), []);
  assert.match(view.label, /2025-02-01T04:00/);
  j.close();
});

test('a failed import leaves the previous directory as it was', () => {
  const j = journal();
  importDirectory(j.db, FIRST);
  const dir = mkdtempSync(join(tmpdir(), 'labmss-bad-'));
  const notExtraction = join(dir, 'Extraction_Correspondance_MSSante_202503010000.txt');
  writeFileSync(notExtraction, 'a|b|c\n1|2|3\n');
  assert.throws(() => importDirectory(j.db, notExtraction), /not an Annuaire Santé MSSanté extraction/);
  const latin1 = join(dir, 'latin1.txt');
  writeFileSync(latin1, Buffer.concat([readFileSync(FIRST).subarray(0, readFileSync(FIRST).indexOf('\n') + 1), Buffer.from('PER|l\xe9ger@x.mssante.fr\n', 'latin1')]));
  assert.throws(() => importDirectory(j.db, latin1), /not UTF-8/);
  const headerOnly = join(dir, 'header-only.txt');
  writeFileSync(headerOnly, readFileSync(FIRST, 'utf8').split('\n')[0]! + '\n');
  assert.throws(() => importDirectory(j.db, headerOnly), /no usable mailbox line/);
  const emptyZip = join(dir, 'empty.zip');
  writeFileSync(emptyZip, zipSync({ 'lisezmoi.pdf': new Uint8Array([1, 2, 3]) }));
  assert.throws(() => importDirectory(j.db, emptyZip), /holds no \.txt/);
  assert.equal(lastImport(j.db, 'directory')!.rows, 8);
  assert.equal(directoryView(j.db)!.candidates('810001234567').length, 1);
  assert.equal(j.db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'directory_staging'`).pluck().get(), 0);
  j.close();
});

test('the directory lives beside the journal: deliveries and events are untouched by an import', () => {
  const j = journal();
  j.event('test', {}, 'before');
  importDirectory(j.db, FIRST);
  importDirectory(j.db, LATER);
  assert.equal(j.events({}).filter((e) => e.kind === 'test').length, 1);
  j.close();
});

test('several candidates: the preferred type when exactly one has it, else a person chooses', () => {
  const per = { address: 'a@medecin.mssante.fr', type: 'PER' };
  const org = { address: 'b@ch.mssante.fr', type: 'ORG' };
  assert.deepEqual(chooseMailbox([per, { ...per, address: 'A@medecin.mssante.fr' }], 'hold'), { address: per.address, candidate: per });
  assert.deepEqual(chooseMailbox([per, org], 'PER'), { address: per.address, candidate: per });
  assert.deepEqual(chooseMailbox([per, org], 'ORG'), { address: org.address, candidate: org });
  assert.ok('ambiguous' in chooseMailbox([per, org], 'hold'));
  assert.ok('ambiguous' in chooseMailbox([per, { address: 'c@x.mssante.fr', type: 'PER' }, org], 'PER'));
  assert.ok('none' in chooseMailbox([], 'PER'));
});

test('a 31-column header with renamed columns falls back to the documented positions; a garbled file still fails', () => {
  const header = readFileSync(FIRST, 'utf8').split('\n')[0]!.replace(/\r$/, '').replace('Identification nationale PP', 'Identifiant national PP').replace('Adresse BAL', 'Adresse de messagerie');
  const map = mapHeader(header);
  assert.equal(map.at.nationalId, 4);
  assert.equal(map.at.address, 1);
  assert.equal(map.at.familyName, 9);
  assert.throws(() => mapHeader(Array.from({ length: 30 }, (_, i) => `c${i}`).join('|')), /not an Annuaire Santé MSSanté extraction/);
  const dir = mkdtempSync(join(tmpdir(), 'labmss-garbled-'));
  const garbled = join(dir, 'garbled.txt');
  writeFileSync(garbled, `${Array.from({ length: 31 }, (_, i) => `c${i}`).join('|')}\n${Array.from({ length: 31 }, () => 'x').join('|')}\n`);
  const j = journal();
  assert.throws(() => importDirectory(j.db, garbled), /no usable mailbox line \(line 2: no mailbox address\)/);
  j.close();
});
