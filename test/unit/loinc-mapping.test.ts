import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadMapping, mappingFromConfig, resolveLoinc, convertValue } from '../../src/loinc/mapping.js';
import { fixtures } from '../helpers/paths.js';

/** Catalog aliases on, as with config loinc.catalogAliases: true and no mapping file. */
const ALIASES = mappingFromConfig({ catalogAliases: true }, () => { throw new Error('no file to read'); });
const labMapping = () => loadMapping(readFileSync(fixtures('loinc', 'lab-mapping.csv'), 'utf8'), 'lab-mapping.csv');

test('loadMapping: rows, header and comments, optional conversion', () => {
  const m = labMapping();
  assert.equal(m.byCode.size, 4);
  assert.deepEqual(m.byCode.get('GLYX'), { localCode: 'GLYX', loinc: '14749-6', line: 3 });
  assert.deepEqual(m.byCode.get('HBX')?.conversion, { factor: '10', ucum: 'g/L' });
  assert.equal(m.byCode.get('CREAX')?.conversion, undefined);
});

test('loadMapping: errors name the file, line and field', () => {
  const bad: Array<[string, RegExp]> = [
    ['A,2345-7\nB,2345-8\n', /^Error: m\.csv:2: loinc "2345-8" is not a valid LOINC code/],
    ['A,2345-7\n\nA,14749-6\n', /m\.csv:3: local_code "A" is already mapped on line 1/],
    ['A,2345-7,g/L\n', /m\.csv:1: row has 3 fields/],
    ['A,2345-7,g/L,1,5\n', /m\.csv:1: row has 5 fields/],
    ['A,2345-7,g/L,1\nB,2345-7,mmol/L,5,55\n', /m\.csv:2: row has 5 fields/],
    ['A,2345-7,g/L,abc\n', /m\.csv:1: factor "abc" is not a positive decimal/],
    ['A,2345-7,g/L,0\n', /m\.csv:1: factor "0"/],
    ['A,2345-7,g/L,-1\n', /m\.csv:1: factor "-1"/],
    ['A,2345-7,,2\n', /m\.csv:1: unit is empty/],
    ['A,2345-7,bidule,2\n', /m\.csv:1: unit "bidule" is not a UCUM unit/],
    [',2345-7\n', /m\.csv:1: local_code is empty/],
    ['A,"2345-7\n', /m\.csv:1: unterminated/],
  ];
  for (const [text, re] of bad) assert.throws(() => loadMapping(text, 'm.csv'), (e: Error) => re.test(String(e)), text);
});

test('resolveLoinc: LOINC in the input wins, looked up in the catalog', () => {
  const m = labMapping();
  const match = resolveLoinc({ code: 'GLYX', label: 'Glycémie', loinc: '2345-7', unit: 'g/l' }, m);
  assert.deepEqual(match, {
    loinc: '2345-7',
    label: 'Glucose [Masse/Volume] Sérum/Plasma ; Numérique',
    ucum: 'g/L',
    chapter: { loinc: '18719-5', label: 'Biochimie' },
    source: 'input',
  });
});

test('resolveLoinc: an input LOINC unknown to the catalog keeps the local label and the section chapter', () => {
  const match = resolveLoinc({ code: 'X1', label: 'Examen rare', loinc: '12345-5' }, undefined, { section: 'HEMATO' });
  assert.deepEqual(match, { loinc: '12345-5', label: 'Examen rare', chapter: { loinc: '18723-7', label: 'Hématologie' }, source: 'input' });
  assert.equal(resolveLoinc({ code: 'X1', label: 'Examen rare', loinc: '12345-5' })?.chapter.loinc, '26436-6');
});

test('resolveLoinc: an input LOINC with a wrong check digit is ignored, the mapping answers', () => {
  const match = resolveLoinc({ code: 'glyx', label: 'Glycémie', loinc: '2345-8', unit: 'mmol/l' }, labMapping());
  assert.equal(match?.loinc, '14749-6');
  assert.equal(match?.source, 'lab-mapping');
});

test('resolveLoinc: lab mapping beats the catalog alias', () => {
  const m = labMapping();
  assert.equal(resolveLoinc({ code: 'TSH', label: 'TSH', unit: 'mUI/L' }, m)?.source, 'lab-mapping');
  assert.equal(resolveLoinc({ code: 'TSH', label: 'TSH', unit: 'mUI/L' }, ALIASES)?.source, 'catalog-alias');
  const hb = resolveLoinc({ code: 'HBX', label: 'Hémoglobine', unit: 'g/dl' }, m)!;
  assert.deepEqual(hb.conversion, { factor: '10', ucum: 'g/L' });
  assert.equal(hb.ucum, 'g/L');
  assert.equal(convertValue('13.5', hb.conversion!), '135.0');
});

test('resolveLoinc: catalog alias is exact and case-insensitive, and the unit must agree', () => {
  const gly = (unit?: string) => resolveLoinc({ code: 'gly', label: 'Glycémie', ...(unit ? { unit } : {}) }, ALIASES);
  assert.equal(gly('g/l')?.loinc, '2345-7');
  assert.equal(gly('mmol/l')?.loinc, '14749-6');
  assert.equal(gly('mg/dL'), undefined, 'no catalog row in mg/dL');
  assert.equal(gly(), undefined, 'no unit: cannot tell g/L from mmol/L');
  const crea = resolveLoinc({ code: 'CREA', label: 'Créatinine', unit: 'µmol/l' }, ALIASES);
  assert.deepEqual([crea?.loinc, crea?.ucum, crea?.source], ['14682-9', 'umol/L', 'catalog-alias']);
  assert.equal(resolveLoinc({ code: 'GB', label: 'Leucocytes', unit: 'G/L' }, ALIASES)?.loinc, '6690-2');
  assert.equal(resolveLoinc({ code: 'ABO', label: 'Groupe sanguin' }, ALIASES)?.loinc, '883-9');
});

test('resolveLoinc: catalog aliases only when the lab turns loinc.catalogAliases on (issue 14)', () => {
  // "Glycémie à jeun" under GLY: the alias would say 2345-7, the non-fasting code; no biologist validated that.
  const fasting = { code: 'GLY', label: 'Glycémie à jeun', unit: 'g/L' };
  assert.equal(resolveLoinc(fasting), undefined);
  assert.equal(resolveLoinc(fasting, labMapping()), undefined, 'a mapping file alone does not turn aliases on');
  assert.equal(resolveLoinc(fasting, mappingFromConfig({ catalogAliases: false }, () => '')), undefined);
  assert.equal(resolveLoinc(fasting, ALIASES)?.loinc, '2345-7');
  const both = mappingFromConfig({ mapping: 'lab-mapping.csv', catalogAliases: true }, () => 'TSH,3016-3\n');
  assert.deepEqual([both?.byCode.size, resolveLoinc(fasting, both)?.source], [1, 'catalog-alias']);
});

test('resolveLoinc: never on the label, never on part of a code', () => {
  assert.equal(resolveLoinc({ code: 'Z999', label: 'Glycémie', unit: 'g/L' }, ALIASES), undefined);
  assert.equal(resolveLoinc({ code: 'Z999', label: 'Glucose [Masse/Volume] Sérum/Plasma ; Numérique', unit: 'g/L' }, ALIASES), undefined);
  assert.equal(resolveLoinc({ code: 'GLYC2', label: 'Glycémie', unit: 'g/L' }, ALIASES), undefined);
  assert.equal(resolveLoinc({ code: 'GL', label: 'Glycémie', unit: 'g/L' }, ALIASES), undefined);
  assert.equal(resolveLoinc({ code: 'TSH ', label: 'TSH', unit: 'mUI/L' }, ALIASES)?.loinc, '3016-3', 'surrounding spaces are not part of a code');
});
