import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseHprimMedecin } from '../../src/inputs/hprim-medecin.js';
import { detectFormat } from '../../src/inputs/detect.js';
import { parseInput } from '../../src/inputs/index.js';
import { InputError, type ParseResult } from '../../src/inputs/types.js';
import { labReportProblems } from '../../src/model/validate.js';
import type { LabReport, Result } from '../../src/model/labreport.types.js';
import { fixtures } from '../helpers/paths.js';

function parseFixture(name: string): ParseResult {
  const bytes = readFileSync(fixtures('hprim', name));
  assert.equal(detectFormat(bytes), 'hprim-medecin', `${name} detected`);
  const r = parseInput(bytes, { file: name });
  for (const rep of r.reports) assert.deepEqual(labReportProblems(rep), [], `${name}: valid report`);
  return r;
}

const HEADER = ['C1', 'DUVAL', 'Marc', '1 rue A', '', '35000 RENNES', '03/04/1970', '1700435000111 22', 'F77', '05/06/2024', 'LAB1      Labo Ouest', 'DOC1      DR HIBOU'];
function parseLines(lines: string[], eol = '\r\n'): ParseResult {
  const r = parseHprimMedecin(Buffer.from(lines.join(eol) + eol, 'latin1'), { file: 'inline.hpm' });
  for (const rep of r.reports) assert.deepEqual(labReportProblems(rep), [], 'valid report');
  return r;
}
const results = (r: LabReport): Result[] => r.chapters.flatMap((c) => c.batteries.flatMap((b) => b.results));
const result = (r: LabReport, code: string) => results(r).find((x) => x.code === code)!;

test('12-line header: identity, NIR (never an INS), file number and date, sender and receiver', () => {
  const { reports, warnings } = parseFixture('medecin-lab-two-units-crlf.hpm');
  assert.equal(reports.length, 1);
  const r = reports[0]!;
  assert.deepEqual(r.patient, {
    ids: { ipp: 'P000777', nir: '2620775111222 33' }, familyName: 'LEFÈVRE', givenNames: ['Françoise'],
    address: { postalCode: '75011', city: 'PARIS', lines: ["3 place de l'Église"] }, birthDate: '1962-07-05',
  });
  assert.deepEqual(r.request, { fillerId: 'D240315', reportedAt: '2024-03-15' });
  assert.deepEqual(r.lab, { name: 'Laboratoire des Écoles', code: 'LBM01' });
  assert.deepEqual(r.prescriber, { code: 'MED12', name: 'DR BERNARD Paul' });
  assert.deepEqual(warnings, []);
});

test('free text kept exactly (padding and µ included), up to ****LAB****', () => {
  const r = parseFixture('medecin-lab-two-units-crlf.hpm').reports[0]!;
  assert.equal(r.text, '                 BIOCHIMIE\nCréatinine          9,5 mg/l    (6,0 à 11,0)\n                    84 µmol/l   (53 à 97)\nCRP                 < 5 mg/l');
});

test('RES with both units (fields 11–14), one-sided ranges, alphanumeric results, statuses', () => {
  const r = parseFixture('medecin-lab-two-units-crlf.hpm').reports[0]!;
  assert.deepEqual(result(r, 'CREA'), {
    code: 'CREA', label: 'Créatinine', value: { kind: 'numeric', value: '9.5' }, unit: 'mg/l', range: { low: '6.0', high: '11.0', text: '6.0 - 11.0' },
    flag: 'N', status: 'final', second: { value: { kind: 'numeric', value: '84' }, unit: 'µmol/l', range: { low: '53', high: '97', text: '53 - 97' } },
  });
  assert.deepEqual(result(r, 'HDL').range, { low: '0.40', text: '> 0.40' });
  assert.deepEqual(result(r, 'HDL').second, { value: { kind: 'numeric', value: '1.63' }, unit: 'mmol/l', range: { low: '1.03', text: '> 1.03' } });
  assert.deepEqual(result(r, 'FERR').range, { high: '300', text: '< 300' });
  assert.equal(result(r, 'FERR').second, undefined);
  assert.deepEqual(result(r, 'CRP').value, { kind: 'numeric', value: '5', comparator: '<' });
  assert.deepEqual(result(r, 'ASP').value, { kind: 'text', text: 'Trouble' });
  assert.equal(result(r, 'GLU').status, 'preliminary');
  assert.equal(r.status, 'partial');
});

test('13-line header, CR only, HTML entities, marker after a space, missing ****FIN**** (warnings)', () => {
  const { reports, warnings } = parseFixture('medecin-variants-cr.hpm');
  const r = reports[0]!;
  assert.deepEqual(r.patient.address, { postalCode: '13001', city: 'MARSEILLE', lines: ['Résidence Les Pins', 'Bâtiment C', 'Appartement 12'] });
  assert.equal(r.patient.birthDate, '1990-02-01');
  assert.equal(r.patient.ids.nir, undefined);
  assert.deepEqual(r.patient.givenNames, ['Aurélie']);
  assert.equal(r.request.fillerId, 'F0099');
  assert.deepEqual(r.prescriber, { code: 'DOC77', name: 'DR CHÉNE' });
  assert.equal(r.text, 'Compte rendu du Médecin biologiste');
  assert.deepEqual(result(r, 'HB').value, { kind: 'numeric', value: '12.1' });
  assert.ok(warnings.some((w) => /HTML entities/.test(w.message)));
  assert.ok(warnings.some((w) => w.line === 15 && /spaces around/.test(w.message)));
  assert.ok(warnings.some((w) => w.line === 17 && w.field === '****FIN****'));
});

test('text-only file in double-encoded UTF-8: a valid report, text repaired, with warnings', () => {
  const { reports, warnings, charset } = parseFixture('medecin-text-only-double-utf8.hpm');
  const r = reports[0]!;
  assert.equal(charset, 'utf-8');
  assert.deepEqual(r.chapters, []);
  assert.equal(r.text, 'Résultat: sérologie négative, à contrôler.');
  assert.deepEqual(r.patient.givenNames, ['Hélène']);
  assert.ok(warnings.some((w) => /encoded twice/.test(w.message)));
});

test('only a LAB block: the TEX lines become the text; bare TEX is an empty line', () => {
  const r = parseLines([...HEADER, '****LAB****', 'TEX|Ligne 1', 'TEX', 'TEX|Ligne 3', 'RES|Sodium|NA|N|140|mmol/l|135|145|N|F', '****FIN****', '****FINFICHIER****']).reports[0]!;
  assert.equal(r.text, 'Ligne 1\n\nLigne 3');
  assert.deepEqual(result(r, 'NA').value, { kind: 'numeric', value: '140' });
});

test('text after ****FIN**** is kept with a warning; two messages in one file give two reports', () => {
  const second = ['C2', 'MARTIN', 'Zoé', '', '', '44000 NANTES', '01/01/2000', '', 'F78', '06/06/2024', 'LAB1      Labo Ouest', 'DOC2      DR DEUX', 'Texte deux'];
  const { reports, warnings } = parseLines([...HEADER, 'Texte un', '****FIN****', 'ajout', '****FINFICHIER****', ...second, '****FIN****', '****FINFICHIER****']);
  assert.equal(reports.length, 2);
  assert.equal(reports[0]!.text, 'Texte un\najout');
  assert.ok(warnings.some((w) => /after \*\*\*\*FIN/.test(w.message)));
  assert.equal(reports[1]!.patient.familyName, 'MARTIN');
  assert.equal(reports[1]!.text, 'Texte deux');
  assert.equal(reports[1]!.source?.line, 17);
});

test('sender and receiver: 10-character code only when the padding says so', () => {
  const h = [...HEADER];
  h[10] = '     LABOXY NAME';
  h[11] = 'DOC9';
  const r = parseLines([...h, 'x']).reports[0]!;
  assert.deepEqual(r.lab, { name: 'LABOXY NAME' });
  assert.deepEqual(r.prescriber, { code: 'DOC9' });
});

test('unrecoverable: no family name, not a header, RES not splittable, cut inside LAB', () => {
  const noName = [...HEADER];
  noName[1] = '   ';
  const cases: [string[], number, string][] = [
    [noName, 2, 'header line 2 (nom)'],
    [['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm'], 7, 'header line 7'],
    [[...HEADER, '****LAB****', 'RES Sodium 140'], 14, 'RES'],
    [[...HEADER, '****LAB****', 'RES|Sodium'], 14, 'RES'],
  ];
  for (const [lines, line, field] of cases) {
    assert.throws(() => parseLines(lines), (e: unknown) => e instanceof InputError && e.where.line === line && e.where.field === field, lines.join('/'));
  }
  const cut = Buffer.from([...HEADER, '****LAB****', 'RES|Sodium|NA|N|14'].join('\n'), 'latin1');
  assert.throws(() => parseHprimMedecin(cut, { file: 'cut.hpm' }), (e: unknown) => e instanceof InputError && e.where.line === 14 && /cut short/.test(e.reason));
});

test('LAB block without FIN but complete last line: warning only', () => {
  const { reports, warnings } = parseLines([...HEADER, '****LAB****', 'RES|Sodium|NA|N|140|mmol/l|135|145|N|F']);
  assert.equal(results(reports[0]!).length, 1);
  assert.ok(warnings.some((w) => /without \*\*\*\*FIN/.test(w.message)));
});

test('binary garbage → InputError', () => {
  const bytes = Buffer.concat([Buffer.from(HEADER.join('\n') + '\n', 'latin1'), Buffer.from([0x00, 0x9f, 0x01])]);
  assert.throws(() => parseHprimMedecin(bytes, { file: 'g.hpm' }), (e: unknown) => e instanceof InputError && e.where.line === 13);
});
