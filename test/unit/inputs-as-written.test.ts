import assert from 'node:assert/strict';
import test from 'node:test';
import { InputError, parseInput } from '../../src/inputs/index.js';
import type { Result } from '../../src/model/labreport.types.js';
import { writeHl7 } from '../helpers/hl7-writer.js';
import { writeHprimSante } from '../helpers/hprim-writer.js';
import { sampleReport } from '../helpers/lab.js';

/** Issue 14 item 3: units, ranges, people and identifiers exactly as the lab wrote them. */

function hl7Results(results: Parameters<typeof writeHl7>[0][number]['results']): { results: Result[]; warnings: string[] } {
  const parsed = parseInput(writeHl7([{ familyName: 'DURAND', ipp: 'P1', fillerId: 'F1', results }]), { file: 'u.hl7' });
  return { results: parsed.reports[0]!.chapters.flatMap((c) => c.batteries.flatMap((b) => b.results)), warnings: parsed.warnings.map((w) => `${w.field} ${w.message}`) };
}

test('OBX-6: the unit is the text (or the UCUM code), never a local code', () => {
  const { results, warnings } = hl7Results([
    { code: 'GLY', label: 'Glucose', value: '62', unitField: 'CD:289^mg/dL^99LAB' },
    { code: 'NA', label: 'Sodium', value: '140', unitField: 'mmol/L^millimoles par litre^UCUM' },
    { code: 'K', label: 'Potassium', value: '4.1', unitField: 'X12^^L^mmol/L^^UCUM' },
    { code: 'CL', label: 'Chlore', value: '101', unitField: 'mmol/l' },
    { code: 'CA', label: 'Calcium', value: '2.3', unitField: 'CD:291^^99LAB' },
  ]);
  assert.deepEqual(results.map((r) => r.unit), ['mg/dL', 'mmol/L', 'mmol/L', 'mmol/l', undefined]);
  assert.ok(warnings.some((w) => w.startsWith('OBX-6 ') && w.includes('99LAB')), warnings.join('\n'));
});

test('OBX-7: text^low^high is read into text, low and high', () => {
  const { results } = hl7Results([
    { code: 'CHOL', label: 'Cholestérol', value: '120', rangeField: '35-150^35^150' },
    { code: 'TG', label: 'Triglycérides', value: '1', rangeField: '^0.5^1.7' },
    { code: 'CRP', label: 'CRP', value: '3', rangeField: '< 5' },
  ]);
  assert.deepEqual(results.map((r) => r.range), [
    { text: '35-150', low: '35', high: '150' },
    { text: '0.5 - 1.7', low: '0.5', high: '1.7' },
    { text: '< 5', high: '5' },
  ]);
});

const MEDECIN = ['C1', 'DUVAL', 'Marc', '1 rue A', '', '35000 RENNES', '03/04/1970', '1700435000111 22', 'F77', '05/06/2024', 'LAB1      Labo Ouest', 'DOC1      DR HIBOU', 'Texte du compte rendu', '****FINFICHIER****'];
const medecin = (lines: string[]) => parseInput(Buffer.from(lines.join('\r\n') + '\r\n', 'latin1'), { file: 'm.hpm' });

test('identifiers: a 265-character routing line, spaces or control bytes are refused as identifiers, with a warning', () => {
  const routing = `${'ROUTAGE'.padEnd(40)}${'LAB1'.padEnd(225)}`;
  const m = medecin([routing, ...MEDECIN.slice(1)]);
  assert.equal(m.reports[0]!.patient.ids.ipp, undefined);
  assert.ok(m.warnings.some((w) => w.line === 1 && /routing record/.test(w.message)), JSON.stringify(m.warnings));
  assert.equal(m.reports[0]!.request.fillerId, 'F77');

  const hl7 = parseInput(writeHl7([{ familyName: 'DURAND', ipp: 'IPP 12', fillerId: 'F'.repeat(70), results: [{ code: 'A', label: 'A', value: '1' }] }]), { file: 'i.hl7' });
  assert.equal(hl7.reports[0]!.patient.ids.ipp, undefined);
  assert.equal(hl7.reports[0]!.request.fillerId, undefined);
  assert.ok(hl7.warnings.some((w) => w.field === 'PID-3.1' && /spaces/.test(w.message)));
  assert.ok(hl7.warnings.some((w) => w.field === 'OBR-3' && /70 characters/.test(w.message)));

  const hprim = parseInput(Buffer.from(writeHprimSante([{ patient: { familyName: 'DURAND', givenName: 'Luc', ipp: 'X'.repeat(65), birthDate: '19800101' }, fillerId: 'D1', results: [{ code: 'A', label: 'A', value: '1', unit: '', range: '', flag: '' }] }]), 'latin1'), { file: 'i.hpr' });
  assert.equal(hprim.reports[0]!.patient.ids.ipp, undefined);
  assert.ok(hprim.warnings.some((w) => w.field === 'P 8.4' && /65 characters/.test(w.message)));
});

test('impossible dates quarantine the file, naming the field', () => {
  const hl7 = writeHl7([{ familyName: 'DURAND', ipp: 'P1', fillerId: 'F1', results: [{ code: 'A', label: 'A', value: '1' }] }]).toString('utf8').replace('||19800101|U', '||20261345|U');
  assert.throws(() => parseInput(Buffer.from(hl7), { file: 'd.hl7' }), (e: unknown) => e instanceof InputError && e.where.field === 'PID-7' && /calendar/.test(e.message));

  const hprim = Buffer.from(writeHprimSante([{ patient: { familyName: 'DURAND', givenName: 'Luc', ipp: 'P1', birthDate: '20240230' }, fillerId: 'D1', results: [{ code: 'A', label: 'A', value: '1', unit: '', range: '', flag: '' }] }]), 'latin1');
  assert.throws(() => parseInput(hprim, { file: 'd.hpr' }), (e: unknown) => e instanceof InputError && e.where.field === 'P 8.8');

  assert.throws(() => medecin([...MEDECIN.slice(0, 6), '45/13/2026', ...MEDECIN.slice(7)]), (e: unknown) => e instanceof InputError && /date de naissance/.test(e.where.field ?? ''));

  const json = Buffer.from(JSON.stringify(sampleReport(1, { patient: { ids: { ipp: 'P1' }, familyName: 'DURAND', birthDate: '2026-13-45' } })));
  assert.throws(() => parseInput(json, { file: 'd.json' }), (e: unknown) => e instanceof InputError && e.where.field === '/patient/birthDate');

  // Zeros are an unknown month or day, not a damaged date: left out with a warning, as before.
  const zeros = Buffer.from(writeHprimSante([{ patient: { familyName: 'DURAND', givenName: 'Luc', ipp: 'P1', birthDate: '19800000' }, fillerId: 'D1', results: [{ code: 'A', label: 'A', value: '1', unit: '', range: '', flag: '' }] }]), 'latin1');
  assert.equal(parseInput(zeros, { file: 'z.hpr' }).reports[0]!.patient.birthDate, undefined);
});

const RES = { code: 'A', label: 'A', value: '1', unit: '', range: '', flag: '' };
const PAT = (n: number) => ({ familyName: `NOM${n}`, givenName: 'Luc', ipp: `P${n}`, birthDate: '19800101' });

test('HPRIM Santé: an L count that disagrees, or no L, holds the file as incomplete', () => {
  const good = writeHprimSante([{ patient: PAT(1), fillerId: 'D1', results: [RES] }, { patient: PAT(2), fillerId: 'D2', results: [RES, RES] }], { maxLength: 60 });
  assert.deepEqual(parseInput(Buffer.from(good, 'latin1'), { file: 'ok.hpr' }).holds, []);
  // A patient lost in transfer: the L record still counts two.
  const lostPatient = good.split('\r').filter((l) => !l.startsWith('P|2')).join('\r');
  const held = parseInput(Buffer.from(lostPatient, 'latin1'), { file: 'lost.hpr' });
  assert.deepEqual(held.holds.map((h) => [h.code, h.where?.field]), [['incomplete', 'L 14.4'], ['incomplete', 'L 14.5']]);
  // A result line lost: only the line count says so.
  const lines = good.split('\r');
  const lastObx = lines.map((l) => l.startsWith('OBX')).lastIndexOf(true);
  const lostLine = lines.filter((_, i) => i !== lastObx).join('\r');
  assert.deepEqual(parseInput(Buffer.from(lostLine, 'latin1'), { file: 'line.hpr' }).holds.map((h) => h.where?.field), ['L 14.5']);
  // Counting logical records (A continuations joined) is also accepted.
  const records = good.split('\r').filter((l) => l && !l.startsWith('A|')).length;
  const byRecords = good.replace(/L\|1\|\|2\|\d+/, `L|1||2|${records}`);
  assert.deepEqual(parseInput(Buffer.from(byRecords, 'latin1'), { file: 'rec.hpr' }).holds, []);
  const noL = good.split('\r').filter((l) => !l.startsWith('L|')).join('\r');
  assert.deepEqual(parseInput(Buffer.from(noL, 'latin1'), { file: 'nol.hpr' }).holds.map((h) => [h.code, h.where?.field]), [['incomplete', 'L']]);
});

test('HL7: an OBX with an empty OBX-3 right after a TX observation continues its text (warning), not a rejection', () => {
  const written = writeHl7([{ familyName: 'DURAND', ipp: 'P1', fillerId: 'F1', results: [{ code: 'CONC', label: 'Conclusion', value: 'Première ligne' }, { code: 'K', label: 'Potassium', value: '4.1' }] }])
    .toString('utf8').replace('|ST|CONC^', '|TX|CONC^')
    .replace(/(OBX\|1\|[^\r]*\r)/, '$1OBX|2|TX|||deuxième ligne||||||F\rOBX|3||||troisième ligne||||||F\r');
  const parsed = parseInput(Buffer.from(written), { file: 'tx.hl7' });
  const results = parsed.reports[0]!.chapters.flatMap((c) => c.batteries.flatMap((b) => b.results));
  assert.deepEqual(results.map((r) => [r.code, r.value]), [
    ['CONC', { kind: 'text', text: 'Première ligne\ndeuxième ligne\ntroisième ligne' }],
    ['K', { kind: 'numeric', value: '4.1' }],
  ]);
  assert.deepEqual(parsed.warnings.filter((w) => w.field === 'OBX-3').map((w) => w.line), [6, 7]);
  // Not after a text: still an observation without an identifier.
  const orphan = written.replace('|TX|CONC^', '|ST|CONC^');
  assert.throws(() => parseInput(Buffer.from(orphan), { file: 'st.hl7' }), (e: unknown) => e instanceof InputError && e.where.field === 'OBX-3');
});

test('identical reports inside one file collapse to one, with a warning; a report that differs stays', () => {
  const one = { familyName: 'DURAND', ipp: 'P1', fillerId: 'F1', results: [{ code: 'K', label: 'Potassium', value: '4.1' }] };
  const hl7 = parseInput(writeHl7(Array.from({ length: 1000 }, () => one)), { file: 'rep.hl7' });
  assert.equal(hl7.reports.length, 1);
  assert.ok(hl7.warnings.some((w) => /repeated 999 more time/.test(w.message)), JSON.stringify(hl7.warnings.slice(-2)));
  const differs = parseInput(writeHl7([one, one, { ...one, results: [{ code: 'K', label: 'Potassium', value: '4.2' }] }]), { file: 'diff.hl7' });
  assert.deepEqual(differs.reports.map((r) => r.chapters[0]!.batteries[0]!.results[0]!.value), [{ kind: 'numeric', value: '4.1' }, { kind: 'numeric', value: '4.2' }]);

  const written = { patient: PAT(1), fillerId: 'D1', results: [RES] };
  const hprim = parseInput(Buffer.from(writeHprimSante([written, written, written]), 'latin1'), { file: 'rep.hpr' });
  assert.equal(hprim.reports.length, 1);
  assert.ok(hprim.warnings.some((w) => w.line === 2 && /repeated 2 more time/.test(w.message)));
  assert.deepEqual(hprim.holds, []);
});
