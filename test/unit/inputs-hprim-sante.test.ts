import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { parseHprimSante } from '../../src/inputs/hprim-sante.js';
import { parseInput } from '../../src/inputs/index.js';
import { InputError, type ParseOptions, type ParseResult } from '../../src/inputs/types.js';
import { labReportProblems } from '../../src/model/validate.js';
import type { LabReport, Result } from '../../src/model/labreport.types.js';
import { fixtures } from '../helpers/paths.js';

const companionDir = fixtures('hprim');
const opts = (file: string, extra: Partial<ParseOptions> = {}): ParseOptions => ({
  file,
  companion: (name) => (existsSync(fixtures('hprim', name)) ? readFileSync(fixtures('hprim', name)) : undefined),
  ...extra,
});

function parseFixture(name: string, extra: Partial<ParseOptions> = {}): ParseResult {
  const r = parseInput(readFileSync(fixtures('hprim', name)), opts(name, extra));
  for (const rep of r.reports) assert.deepEqual(labReportProblems(rep), [], `${name}: report valid against the schema`);
  return r;
}

/** Parses HPRIM Santé text written here (latin1 bytes), checking every report against the schema. */
function parseText(text: string, extra: Partial<ParseOptions> = {}): ParseResult {
  const r = parseHprimSante(Buffer.from(text, 'latin1'), { file: 'inline.hpr', ...extra });
  for (const rep of r.reports) assert.deepEqual(labReportProblems(rep), [], 'report valid against the schema');
  return r;
}

const results = (r: LabReport): Result[] => r.chapters.flatMap((c) => c.batteries.flatMap((b) => b.results));
const result = (r: LabReport, code: string): Result => {
  const x = results(r).find((y) => y.code === code);
  assert.ok(x, `result ${code}`);
  return x;
};

function throwsInput(fn: () => unknown, check: (e: InputError) => void): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, `InputError expected, got ${String(e)}`);
    check(e);
    return true;
  });
}

const H = 'H|~^\\&|T.HPR||LB~Labo||ORU|||||P|H2.2~C|20240101';
/** An OBR record with the given HPRIM fields (9.n → value). */
const obr = (f: Record<number, string>): string => {
  const fields = ['OBR'];
  for (let n = 2; n <= Math.max(...Object.keys(f).map(Number)); n++) fields.push(f[n] ?? '');
  return fields.join('|');
};
const OBR = (test = 'X~T~L', section = 'BIOCH', id = 'D1') => obr({ 2: '1', 4: id, 5: test, 25: section, 26: 'F' });

test('two patients, three requests: one report per patient and request, identities and request fields', () => {
  const { reports, charset, format } = parseFixture('sante-two-patients-cr.hpr');
  assert.equal(format, 'hprim-sante');
  assert.equal(charset, 'iso-8859-1');
  assert.equal(reports.length, 3);
  const [a, b, c] = reports as [LabReport, LabReport, LabReport];
  assert.deepEqual(a.patient, {
    ids: { requesterId: 'REQ77', ipp: 'IPP0042' }, familyName: 'MARTIN', givenNames: ['Élodie', 'Anne'], birthFamilyName: 'DURAND',
    birthDate: '1980-02-29', sex: 'F', address: { lines: ['12 rue des Lilas', 'Bât. B'], postalCode: '69003', city: 'Lyon' },
  });
  assert.deepEqual(a.request, {
    placerId: 'CMD9', fillerId: 'DOS2024A', collectedAt: '2024-03-15T08:15', receivedAt: '2024-03-15T09:00', reportedAt: '2024-03-15T10:00', priority: 'R',
  });
  assert.deepEqual(a.lab, { name: 'Laboratoire Çà et là', code: 'LBM01' });
  assert.equal(a.source?.sender, 'LBM01~Laboratoire Çà et là');
  assert.equal(a.source?.messageId, 'LABO0001.HPR');
  assert.deepEqual(a.prescriber, { code: 'MED12', name: 'DR BERNARD Paul', phone: '0478000000' });
  assert.deepEqual(a.copiesTo, [{ code: 'MED99', name: 'DR COPIE Jean' }, { code: 'MED98', name: 'DR AUTRE Luc' }]);
  assert.equal(a.status, 'final');
  assert.equal(b.request.fillerId, 'DOS2024B');
  assert.equal(b.status, 'partial');
  assert.equal(c.patient.familyName, 'PETIT');
  assert.equal(c.status, 'cancelled');
  assert.equal(c.source?.line, 16);
});

test('A continuation split mid-word is joined exactly (validating biologist 9.33)', () => {
  const [a] = parseFixture('sante-two-patients-cr.hpr').reports;
  assert.deepEqual(a!.validator, { code: 'VAL1', name: 'Dr Biologiste Marie' });
});

test('C comments attach to the patient, the request (battery) and the result they follow', () => {
  const [a] = parseFixture('sante-two-patients-cr.hpr').reports as [LabReport];
  assert.deepEqual(a.comments, ['Patiente à jeun']);
  const gly = a.chapters[0]!.batteries.find((x) => x.code === 'GLY')!;
  assert.deepEqual(gly.comments, ['Prélèvement hémolysé']);
  assert.deepEqual(result(a, 'CRE').comments, ['Contrôlé sur un second', 'prélèvement']);
  assert.equal(result(a, 'GLU').comments, undefined);
});

test('values, units (µ in latin1), ranges 10 - 40, < 5, > 60, flags and statuses', () => {
  const [a, b, c] = parseFixture('sante-two-patients-cr.hpr').reports as [LabReport, LabReport, LabReport];
  assert.deepEqual(result(a, 'GLU'), {
    code: 'GLU', label: 'Glucose', value: { kind: 'numeric', value: '5.40' }, unit: 'mmol/L',
    range: { text: '3.9 - 5.8', low: '3.9', high: '5.8' }, flag: 'N', status: 'final', observedAt: '2024-03-15T09:30',
  });
  const cre = result(a, 'CRE');
  assert.equal(cre.unit, 'µmol/L');
  assert.deepEqual(cre.range, { text: '< 110', high: '110' });
  assert.equal(cre.flag, 'H');
  assert.equal(cre.status, 'corrected');
  assert.deepEqual(result(a, 'ASP').value, { kind: 'text', text: 'Limpide' });
  assert.deepEqual(result(b, 'HB').range, { text: '> 12', low: '12' });
  assert.deepEqual(result(b, 'PLQ').value, { kind: 'none', reason: 'en cours' });
  assert.equal(result(b, 'PLQ').status, 'preliminary');
  assert.deepEqual(result(c, 'COM').value, { kind: 'text', text: 'Résultat annulé\nprélèvement insuffisant' });
});

test('chapters come from the section code with French labels; batteries from the requested tests', () => {
  const [a, b, c] = parseFixture('sante-two-patients-cr.hpr').reports as [LabReport, LabReport, LabReport];
  assert.deepEqual(a.chapters.map((x) => [x.code, x.label]), [['BIOCH', 'Biochimie']]);
  assert.deepEqual(a.chapters[0]!.batteries.map((x) => x.label), ['Glycémie', 'Créatinine', 'Glycémie, Créatinine']);
  assert.deepEqual(b.chapters.map((x) => x.label), ['Hématologie']);
  assert.deepEqual(b.chapters[0]!.batteries.map((x) => [x.code, x.label]), [['NFS', 'Numération formule']]);
  assert.deepEqual(c.chapters.map((x) => x.label), ['Hormonologie']);
  const unknown = parseText(`${H}\rP|1||I1||NOM~P\r${OBR('X~Test~L', 'ZZTOP')}\rOBX|1|NM|X~Test~L||1\rL|1\r`);
  assert.deepEqual(unknown.reports[0]!.chapters.map((x) => [x.code, x.label]), [['ZZTOP', 'ZZTOP']]);
});

test('FIC with its companion file: attached as report-pdf in base64', () => {
  const { reports, holds } = parseFixture('sante-two-patients-cr.hpr');
  assert.deepEqual(reports[1]!.attachments, [{
    filename: 'CR0042.PDF', contentType: 'application/pdf', base64: readFileSync(`${companionDir}/CR0042.PDF`).toString('base64'), role: 'report-pdf',
  }]);
  assert.deepEqual(holds, []);
});

test('FIC without its companion: a typed hold naming the file, line and field', () => {
  const { holds } = parseFixture('sante-two-patients-cr.hpr', { companion: () => undefined });
  const [hold] = holds;
  assert.ok(hold);
  assert.equal(hold.code, 'companion-missing');
  assert.equal(hold.where?.line, 15);
  assert.equal(hold.where?.field, 'OBX 10.6');
  assert.match(hold.reason, /CR0042\.PDF/);
});

test('other delimiters |\\^&~, LF, CE values, "" nulls warned, FIC path with a backslash', () => {
  const { reports, warnings, holds } = parseFixture('sante-alt-delimiters-lf.hpr');
  const [r] = reports as [LabReport];
  assert.deepEqual(r.lab, { name: 'LABORATOIRE CASA', code: 'CASA' });
  assert.deepEqual(r.patient.givenNames, ['Jean']);
  assert.equal(r.patient.birthFamilyName, undefined);
  assert.deepEqual(result(r, 'K').range, { text: '3.5 - 5.0', low: '3.5', high: '5.0' });
  assert.equal(result(r, 'K').flag, undefined);
  assert.deepEqual(result(r, 'GRP').value, { kind: 'coded', code: 'A+', label: 'Groupe A Rh positif', system: 'L' });
  assert.ok(warnings.some((w) => w.line === 1 && /LF instead of CR/.test(w.message)));
  assert.ok(warnings.some((w) => w.line === 2 && w.field === 'P 8.7' && /""/.test(w.message)));
  assert.ok(holds.some((h) => h.where?.line === 6 && h.code === 'companion-missing' && /X\.PDF/.test(h.reason)));
});

test('CR, LF and CRLF give the same reports', () => {
  const body = [H, 'P|1||I1||NOM~Prénom||19800101|M', OBR('GLY~Glycémie~L'), 'OBX|1|NM|GLU~Glucose~L||5.40|mmol/L|3.9 - 5.8|N|||F', 'L|1'];
  const [cr, lf, crlf] = ['\r', '\n', '\r\n'].map((e) => parseText(body.join(e) + e).reports);
  assert.deepEqual(lf, cr);
  assert.deepEqual(crlf, cr);
});

test('escapes in values are decoded after splitting', () => {
  const r = parseText(`${H}\rP|1||I1||NOM~P\r${OBR()}\rOBX|1|ST|X~Taux \\F\\ ratio~L||a\\S\\b\\E\\c||||||F\rL|1\r`);
  const x = result(r.reports[0]!, 'X');
  assert.equal(x.label, 'Taux | ratio');
  assert.deepEqual(x.value, { kind: 'text', text: 'a~b\\c' });
});

test('decimal commas, flags and unknown codes: never guessed', () => {
  const r = parseText(`${H}\rP|1||I1||NOM~P\r${OBR()}\r` +
    'OBX|1|NM|A~A~L||12,5|g/l||ZZ|||F\rOBX|2|NM|B~B~L||85*|g/l||||F\rOBX|3|000|C~C~L||7||||||F\rL|1\r');
  const rep = r.reports[0]!;
  assert.deepEqual(result(rep, 'A').value, { kind: 'numeric', value: '12.5' });
  assert.equal(result(rep, 'A').flag, undefined);
  assert.ok(r.warnings.some((w) => w.field === 'OBX 10.9' && /ZZ/.test(w.message)));
  assert.deepEqual(result(rep, 'B').value, { kind: 'text', text: '85*' });
  assert.ok(r.warnings.some((w) => w.field === 'OBX 10.6' && /not a number/.test(w.message)));
  assert.ok(r.warnings.some((w) => w.field === 'OBX 10.3' && /000/.test(w.message)));
});

test('same request id in two OBR of one patient: one report', () => {
  const r = parseText(`${H}\rP|1||I1||NOM~P\r${OBR('A~A~L')}\rOBX|1|NM|A~A~L||1\r` +
    `${OBR('B~B~L', 'HEMAT')}\rOBX|1|NM|B~B~L||2\rL|1\r`);
  assert.equal(r.reports.length, 1);
  assert.deepEqual(r.reports[0]!.chapters.map((c) => c.label), ['Biochimie', 'Hématologie']);
});

test('latin1 µ é Ç survive; a UTF-8 file is detected and read as UTF-8 with a warning', () => {
  const text = `${H}\rP|1||I1||ÇA~Éric\r${OBR()}\rOBX|1|NM|X~Créat~L||5|µmol/l\rL|1\r`;
  const latin = parseText(text);
  assert.equal(latin.reports[0]!.patient.familyName, 'ÇA');
  assert.equal(result(latin.reports[0]!, 'X').unit, 'µmol/l');
  const utf = parseHprimSante(Buffer.from(text, 'utf8'), { file: 'u.hpr' });
  assert.equal(utf.charset, 'utf-8');
  assert.equal(utf.reports[0]!.patient.givenNames![0], 'Éric');
  assert.equal(result(utf.reports[0]!, 'X').unit, 'µmol/l');
  assert.ok(utf.warnings.some((w) => /UTF-8/.test(w.message)));
  const forced = parseHprimSante(Buffer.from(text, 'latin1'), { file: 'c.hpr', hprimCharset: 'ISO-8859-15' });
  assert.equal(forced.charset, 'iso-8859-15');
  assert.equal(forced.reports[0]!.patient.familyName, 'ÇA');
});

test('cut short (no L, last record without line end) → InputError naming line and field', () => {
  throwsInput(() => parseFixture('sante-cut-short.hpr'), (e) => {
    assert.equal(e.where.file, 'sante-cut-short.hpr');
    assert.equal(e.where.line, 4);
    assert.equal(e.where.field, 'L');
    assert.match(e.reason, /cut short/);
  });
});

test('no L record but every record complete → parsed, and held: nothing proves the file is complete (issue 14)', () => {
  const r = parseText(`${H}\rP|1||I1||NOM~P\r${OBR()}\rOBX|1|NM|X~T~L||1\r`);
  assert.equal(r.reports.length, 1);
  assert.deepEqual(r.holds.map((h) => [h.code, h.where?.field, h.report]), [['incomplete', 'L', undefined]]);
});

test('unrecoverable input → InputError with line and field', () => {
  const cases: [string, number, string | RegExp][] = [
    [`${H}\rP|1||I1||~Prénom\rL|1\r`, 2, 'P 8.6'],
    [`${H}\rOBR|1||D1|X~T~L\rL|1\r`, 2, 'OBR'],
    [`${H}\rP|1||I1||NOM~P\rOBX|1|NM|X~T~L||1\rL|1\r`, 3, 'OBX'],
    [`${H}\rP|1||I1||NOM~P\rOBR|1||D1|X~T~L\rOBX 1 NM GLU 5.4\rL|1\r`, 4, 'record type'],
    [`${H}\rP|1||I1||NOM~P\rOBR|1||D1|X~T~L\rOBX|1|NM\rL|1\r`, 4, 'OBX 10.4'],
    ['A|continued\rL|1\r', 1, 'H'],
    ['H|~~\\&|X\rL|1\r', 1, 'H 7.2'],
    [`${H}\rL|1\r`, 2, /./],
  ];
  for (const [text, line, field] of cases) {
    throwsInput(() => parseText(text), (e) => {
      assert.equal(e.where.line, line, text);
      if (typeof field === 'string') assert.equal(e.where.field, field, text);
    });
  }
});

test('garbage bytes → InputError', () => {
  const bytes = Buffer.concat([Buffer.from(`${H}\rP|1||I1||NOM~P\r`, 'latin1'), Buffer.from([0x00, 0x01, 0x02, 0xff, 0x10]), Buffer.from('\rL|1\r')]);
  throwsInput(() => parseHprimSante(bytes, { file: 'bin.hpr' }), (e) => {
    assert.equal(e.where.line, 3);
    assert.match(e.where.field ?? '', /byte 0x00/);
  });
});

test('very long values and many records stay linear (no catastrophic regex); the field limits then refuse them', () => {
  const long = 'x'.repeat(200_000);
  const r = parseHprimSante(Buffer.from(`${H}\rP|1||I1||NOM~P\r${OBR()}\rOBX|1|TX|X~T~L||${long}|||${'1'.repeat(50_000)}-\rL|1\r`, 'latin1'), { file: 'inline.hpr' });
  assert.equal((result(r.reports[0]!, 'X').value as { text: string }).text.length, 200_000);
  assert.deepEqual(labReportProblems(r.reports[0]!).map((p) => p.pointer).sort(),
    ['/chapters/0/batteries/0/results/0/flagText', '/chapters/0/batteries/0/results/0/value/text']);
});
