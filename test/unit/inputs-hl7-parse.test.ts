import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseHl7 } from '../../src/inputs/hl7v2.js';
import { parseInput } from '../../src/inputs/index.js';
import type { ParseResult } from '../../src/inputs/types.js';
import type { LabReport, Result } from '../../src/model/labreport.types.js';
import { labReportProblems } from '../../src/model/validate.js';
import { fixtures } from '../helpers/paths.js';

function parseFixture(name: string): ParseResult {
  const res = parseInput(readFileSync(fixtures('hl7', name)), { file: name });
  for (const r of res.reports) assert.deepEqual(labReportProblems(r), [], `${name}: report must match the schema`);
  return res;
}

const results = (r: LabReport): Result[] => r.chapters.flatMap((c) => c.batteries.flatMap((b) => b.results));
const byCode = (r: LabReport, code: string): Result => {
  const found = results(r).find((x) => x.code === code);
  assert.ok(found, `result ${code}`);
  return found;
};

test('French atomic ORU: patient identity (INS qualified, IPP, birth and used names)', () => {
  const { reports, format, charset } = parseFixture('atomic-fr-utf8.hl7');
  assert.equal(format, 'hl7v2');
  assert.equal(charset, 'utf-8');
  assert.equal(reports.length, 1);
  const p = reports[0]!.patient;
  assert.deepEqual(p.ids, { ipp: 'IPP4711', ins: { value: '1234567890123', oid: '1.2.250.1.213.1.4.8', qualified: true } });
  assert.equal(p.birthFamilyName, 'MARTIN');
  assert.equal(p.familyName, 'DURAND');
  assert.deepEqual(p.givenNames, ['Élodie', 'Marie']);
  assert.equal(p.birthDate, '1985-02-14');
  assert.equal(p.sex, 'F');
  assert.deepEqual(p.address, { lines: ['12 rue des Lilas'], postalCode: '38000', city: 'Grenoble', country: 'FRA' });
});

test('French atomic ORU: order, practitioners, times, chapter and battery', () => {
  const r = parseFixture('atomic-fr-utf8.hl7').reports[0]!;
  assert.equal(r.request.placerId, 'PRESC-77');
  assert.equal(r.request.fillerId, 'DOS-2024-001');
  assert.equal(r.request.collectedAt, '2024-03-12T07:45');
  assert.equal(r.request.receivedAt, '2024-03-12T08:30');
  assert.equal(r.request.reportedAt, '2024-03-12T10:00');
  assert.deepEqual(r.prescriber, { rpps: '10001234567', familyName: 'DUPONT', givenName: 'Jean', title: 'Dr' });
  assert.deepEqual(r.copiesTo, [
    { rpps: '10100000004', familyName: 'LEROY', givenName: 'Anne', title: 'Dr' },
    { familyName: 'BERNARD', givenName: 'Paul', title: 'Dr' },
  ]);
  assert.deepEqual(r.validator, { code: 'L07', familyName: 'BIOLO', givenName: 'Claire', time: '2024-03-12T09:55' });
  assert.deepEqual(r.comments, ['Patiente à jeun']);
  assert.equal(r.chapters.length, 1);
  const ch = r.chapters[0]!;
  assert.equal(ch.code, 'CH');
  assert.equal(ch.label, 'Biochimie');
  assert.equal(ch.loinc, '18719-5');
  const b = ch.batteries[0]!;
  assert.equal(b.code, 'BIOCH');
  assert.equal(b.label, 'Biochimie sanguine');
  assert.equal(b.loinc, '24323-8');
  assert.deepEqual(b.comments, ['Prélèvement hémolysé']);
  assert.deepEqual(b.specimen, { id: 'TUBE-1', type: 'SER', label: 'Sérum', collectedAt: '2024-03-12T07:45', receivedAt: '2024-03-12T08:30' });
});

test('French atomic ORU: values, units, ranges and flags exactly as written', () => {
  const r = parseFixture('atomic-fr-utf8.hl7').reports[0]!;
  const gly = byCode(r, 'GLY');
  assert.equal(gly.label, 'Glycémie à jeun');
  assert.equal(gly.loinc, '2345-7');
  assert.deepEqual(gly.value, { kind: 'numeric', value: '5.40' });
  assert.equal(gly.unit, 'mmol/L');
  assert.deepEqual(gly.range, { text: '3,9 - 5,8', low: '3.9', high: '5.8' });
  assert.equal(gly.flag, 'N');
  assert.equal(gly.status, 'final');
  assert.equal(gly.observedAt, '2024-03-12T09:00');
  const crea = byCode(r, 'CREA');
  assert.equal(crea.unit, 'µmol/L');
  assert.equal(crea.flag, 'H');
  assert.deepEqual(crea.range, { text: '45-84', low: '45', high: '84' });
  assert.deepEqual(crea.comments, ['Contrôlé sur\nun second tube']);
  assert.deepEqual(byCode(r, 'CRP').value, { kind: 'numeric', value: '0.6', comparator: '<' });
  assert.deepEqual(byCode(r, 'CRP').range, { text: '< 5', high: '5' });
  assert.deepEqual(byCode(r, 'FERR').value, { kind: 'numeric', value: '182' });
  assert.deepEqual(byCode(r, 'FERR').range, { text: '15_150', low: '15', high: '150' });
  assert.deepEqual(byCode(r, 'DIL').value, { kind: 'text', text: '10-20' });
  assert.deepEqual(byCode(r, 'ASP').value, { kind: 'text', text: 'Limpide' });
  assert.deepEqual(byCode(r, 'COMM').value, { kind: 'text', text: 'Bilan AT&T | normal\nRevoir dans 3 mois \\ contrôle' });
  assert.deepEqual(byCode(r, 'ABO').value, { kind: 'coded', code: 'A+', label: 'A positif', system: 'L' });
  assert.equal(byCode(r, 'ABO').status, 'corrected');
  const hba = byCode(r, 'HBA1C');
  assert.deepEqual(hba.value, { kind: 'none', reason: 'pending' });
  assert.deepEqual(hba.range, { text: '4.0 to 6.0', low: '4.0', high: '6.0' });
  assert.equal(r.status, 'corrected', 'a corrected result makes the report corrected');
});

test('ISO-8859-1 (MSH-18 8859/1): µ, é, Ç decoded from latin1 bytes', () => {
  const bytes = readFileSync(fixtures('hl7', 'latin1-8859-1.hl7'));
  assert.ok(bytes.includes(0xb5) && bytes.includes(0xc7), 'the fixture holds latin1 bytes');
  const res = parseFixture('latin1-8859-1.hl7');
  assert.equal(res.charset, 'iso-8859-1');
  const r = res.reports[0]!;
  assert.equal(r.patient.familyName, 'FRANÇOIS');
  assert.deepEqual(r.patient.givenNames, ['Hélène']);
  assert.equal(byCode(r, 'VGM').unit, 'µm3');
  assert.deepEqual(byCode(r, 'COM').value, { kind: 'text', text: 'Échantillon reçu à 8h, Ç µ' });
  assert.equal(r.chapters[0]!.batteries[0]!.label, 'Numération');
  assert.deepEqual(res.warnings, []);
});

test('ISO-8859-15 (MSH-18 8859/15): € and œ', () => {
  const res = parseFixture('latin9-8859-15.hl7');
  assert.equal(res.charset, 'iso-8859-15');
  assert.deepEqual(byCode(res.reports[0]!, 'COM').value, { kind: 'text', text: 'Échantillon reçu à 8h, Ç € œ' });
});

test('CI-SIS profile: CDA kept as attachment, PRT recipients, MetaDMPMSS flags, no chapters', () => {
  const res = parseFixture('cisis-cda.hl7');
  assert.equal(res.reports.length, 1);
  const r = res.reports[0]!;
  assert.deepEqual(r.chapters, []);
  assert.equal(r.attachments?.length, 1);
  const cda = r.attachments![0]!;
  assert.equal(cda.role, 'cda');
  assert.equal(cda.contentType, 'text/xml');
  assert.equal(cda.filename, 'CDA.XML');
  assert.match(Buffer.from(cda.base64, 'base64').toString('utf8'), /^<\?xml[^]*<\/ClinicalDocument>$/);
  assert.deepEqual(r.recipients, [
    { address: 'luc.moreau@medecin.mssante.fr', role: 'other', name: 'Luc MOREAU', rpps: '10009876543' },
    { address: '2850214123456@patient.mssante.fr', role: 'patient', name: 'Chloé THOMAS' },
  ]);
  assert.deepEqual(r.masking, {
    maskedFromProfessionals: false, invisibleToPatient: true, secretConnection: false, toDmp: true,
    toMssPro: true, toMssPatient: false, ackReception: true, ackRead: false,
  });
  assert.deepEqual(r.patient.ids.ins, { value: '2850214123456', oid: '1.2.250.1.213.1.4.8', qualified: false }, 'PROV is not qualified');
  assert.equal(r.patient.ids.ipp, 'A99');
  assert.equal(r.lab?.finess, '380012345');
  assert.equal(r.status, 'corrected', 'ORC-1 RO with OBX-11 C');
  assert.deepEqual(r.prescriber, { familyName: 'MOREAU', givenName: 'Luc', title: 'DR' });
});

test('microbiology: isolate from the parent OBX, susceptibility S/I/R with and without MIC', () => {
  const r = parseFixture('micro-ecbu.hl7').reports[0]!;
  assert.equal(r.chapters.length, 1);
  assert.equal(r.chapters[0]!.label, 'Microbiologie');
  const b = r.chapters[0]!.batteries[0]!;
  assert.deepEqual(b.results.map((x) => x.code), ['LEUCO'], 'the organism moved from the results to the isolate');
  assert.equal(b.isolates?.length, 1);
  const iso = b.isolates![0]!;
  assert.equal(iso.number, '1');
  assert.deepEqual(iso.organism, { code: '112283007', label: 'Escherichia coli', system: 'SCT' });
  assert.deepEqual(iso.susceptibility, [
    { antibiotic: { code: 'AMX', label: 'Amoxicilline', system: 'L' }, interpretation: 'R' },
    { antibiotic: { code: 'CIP', label: 'Ciprofloxacine', system: 'L' }, interpretation: 'S', mic: { value: { kind: 'numeric', value: '0.25', comparator: '<=' }, unit: 'mg/L' } },
    { antibiotic: { code: 'GEN', label: 'Gentamicine', system: 'L' }, interpretation: 'I', mic: { value: { kind: 'numeric', value: '4' }, unit: 'mg/L' } },
  ]);
  assert.deepEqual(iso.comments, ['Numération > 10^5 UFC/mL', 'Résistance naturelle exclue']);
  assert.equal(r.status, 'final');
});

test('parseHl7 is pure: same bytes, same reports', () => {
  const bytes = readFileSync(fixtures('hl7', 'atomic-fr-utf8.hl7'));
  assert.deepEqual(parseHl7(bytes, { file: 'a' }), parseHl7(bytes, { file: 'a' }));
});
