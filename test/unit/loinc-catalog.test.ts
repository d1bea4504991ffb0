import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isValidLoinc, loincCheckDigit } from '../../src/loinc/check-digit.js';
import { loadCatalog, parseCatalog } from '../../src/loinc/catalog.js';
import { CHAPTERS, chapterFor } from '../../src/loinc/chapters.js';
import { isAnsUcum } from '../../src/loinc/ucum.js';
import { repoRoot } from '../helpers/paths.js';
import { join } from 'node:path';

test('check digit: known codes pass, a changed digit fails', () => {
  for (const code of ['2345-7', '718-7', '6690-2', '14682-9', '18719-5', '20-8', '28-1', '58410-2', '11502-2']) {
    assert.ok(isValidLoinc(code), code);
  }
  assert.equal(loincCheckDigit('2345'), 7);
  for (const code of ['2345-8', '718-1', '14682-6', '2345', '02345-7', 'ABC-1', '2345-77']) assert.equal(isValidLoinc(code), false, code);
});

test('catalog: every row has a valid LOINC and chapter check digit, 150+ rows, no duplicates', () => {
  const catalog = loadCatalog();
  assert.ok(catalog.entries.length >= 150, `${catalog.entries.length} rows`);
  for (const e of catalog.entries) {
    assert.ok(isValidLoinc(e.loinc), e.loinc);
    assert.ok(isValidLoinc(e.chapter.loinc), `${e.loinc} chapter ${e.chapter.loinc}`);
  }
  assert.equal(new Set(catalog.entries.map((e) => e.loinc)).size, catalog.entries.length);
});

test('catalog: chapters are the LOINC specialty codes with their labels (or the antibiogram)', () => {
  const known = new Map<string, string>(Object.values(CHAPTERS).map((c) => [c.loinc, c.label]));
  known.set('18769-0', 'Antibiogramme');
  for (const e of loadCatalog().entries) assert.equal(known.get(e.chapter.loinc), e.chapter.label, e.loinc);
});

// eGFR per 1.73 m² has no UCUM form in the ANS list (documented in loinc/README.md).
const ANS_GAPS = new Set(['mL/min/{1.73_m2}']);

test('catalog: every UCUM unit is accepted by the ANS list', () => {
  for (const e of loadCatalog().entries) {
    if (e.ucum && !ANS_GAPS.has(e.ucum)) assert.ok(isAnsUcum(e.ucum), `${e.loinc} ${e.ucum}`);
  }
  for (const gap of ANS_GAPS) assert.equal(isAnsUcum(gap), false, `${gap} is now in the ANS list: drop it from ANS_GAPS`);
});

test('catalog: labels of codes used in the official CR-BIO examples', () => {
  const byLoinc = loadCatalog().byLoinc;
  assert.equal(byLoinc.get('22664-7')?.label, 'Urée [Moles/Volume] Sérum/Plasma ; Numérique');
  assert.equal(byLoinc.get('3016-3')?.ucum, 'm[IU]/L');
  assert.equal(byLoinc.get('6690-2')?.chapter.loinc, '18723-7');
});

test('catalog: parse errors name the file and line', () => {
  const head = 'loinc,label_fr,ucum,chapter_loinc,chapter_label,local_aliases\n';
  assert.throws(() => parseCatalog(`${head}2345-7,Glucose,g/L,18719-5,Biochimie,GLY\n2345-8,X,,18719-5,Biochimie,\n`, 'c.csv'), /c\.csv:3: loinc "2345-8"/);
  assert.throws(() => parseCatalog('loinc,label\n', 'c.csv'), /c\.csv:1: header/);
  assert.throws(() => parseCatalog(`${head}2345-7,Glucose,g/L,18719-5\n`, 'c.csv'), /c\.csv:2: 4 fields/);
});

test('catalog: the shipped CSV is what loadCatalog reads', () => {
  const text = readFileSync(join(repoRoot, 'loinc', 'catalog.csv'), 'utf8');
  assert.equal(parseCatalog(text, 'catalog.csv').entries.length, loadCatalog().entries.length);
});

test('chapterFor: LIS section codes and titles', () => {
  assert.equal(chapterFor('BIOCH')?.loinc, '18719-5');
  assert.equal(chapterFor('Biochimie')?.loinc, '18719-5');
  assert.equal(chapterFor('HEMATO')?.loinc, '18723-7');
  assert.equal(chapterFor('Hématologie')?.loinc, '18723-7');
  assert.equal(chapterFor('HEMOST')?.label, 'Hémostase, coagulation');
  assert.equal(chapterFor('SERO')?.loinc, '18727-8');
  assert.equal(chapterFor('BACTE')?.loinc, '18725-2');
  assert.equal(chapterFor('MICRO')?.loinc, '18725-2');
  assert.equal(chapterFor('HORMO')?.loinc, '18719-5');
  assert.equal(chapterFor('IMMUNO')?.loinc, '18727-8');
  assert.equal(chapterFor('URINE')?.loinc, '18729-4');
  assert.equal(chapterFor('Gaz du sang')?.loinc, '18767-4');
  assert.equal(chapterFor('18720-3')?.loinc, '18720-3');
  assert.equal(chapterFor('Divers'), undefined);
  assert.equal(chapterFor('BIOCHIMIE DIVERSE'), undefined);
});
