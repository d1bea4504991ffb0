/**
 * The identity check at the gate (src/gate/identity.ts): envelope (PID), the carried CDA's header, its
 * PDF copy (real text extraction) and the PRT patient mailbox must name the same patient. Fixtures
 * are built with the project's own writers: buildCda, renderPdf, writeCarriedOru.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildCda } from '../../src/documents/cda/build.js';
import { renderPdf } from '../../src/documents/pdf/render.js';
import { identityHolds, normalizeName, pdfNamesPatient } from '../../src/gate/identity.js';
import { readPdfCopies } from '../../src/gate/pdf-copies.js';
import { parseInput } from '../../src/inputs/index.js';
import type { LabReport, Patient } from '../../src/model/labreport.types.js';
import { CDA_CASES, cdaContext, loadReport, PDF } from '../helpers/cda-fixtures.js';
import { writeCarriedOru, type CarriedOru } from '../helpers/hl7-writer.js';
import { writeHprimSante } from '../helpers/hprim-writer.js';
import { needsShared } from '../helpers/paths.js';

const ctx = cdaContext(CDA_CASES[0]!);
const ours = loadReport('biochemistry');
/** Another patient: other birth name, given name, birth date, sex and INS. */
const OTHER: Patient = {
  ids: { ipp: 'IPP000777', ins: { value: '150067512345678', oid: '1.2.250.1.213.1.4.10', qualified: true } },
  familyName: 'LEFEBVRE', birthFamilyName: 'LEFEBVRE', givenNames: ['Paul'], birthDate: '1950-06-01', birthPlaceCode: '75112', sex: 'M',
};
const theirs: LabReport = { ...structuredClone(ours), patient: OTHER };

const pdfOf = (report: LabReport) => renderPdf(report, { lab: ctx.lab, documentId: 'T v1', timezone: ctx.timezone });
const ourPdf = await pdfOf(ours);
const theirPdf = await pdfOf(theirs);
const ourCda = buildCda(ours, ourPdf, ctx);
const ourMailbox = `${ours.patient.ids.ins!.value}@patient.mssante.fr`;

function parsed(o: Partial<CarriedOru> & { cda: string }): LabReport {
  const res = parseInput(writeCarriedOru({ patient: ours.patient, prescriber: ours.prescriber, doctorMailbox: 'pascal.charles@medecin.mssante.fr', reportDate: '20240104160527', ...o }), { file: 'carried.hl7' });
  assert.equal(res.reports.length, 1);
  return res.reports[0]!;
}

async function holdsOf(report: LabReport) {
  return identityHolds(report, 0, await readPdfCopies(report));
}

/** No patient value may appear in a reason (they go to logs and `status`). */
function assertNoPatientData(reason: string) {
  for (const v of ['DURAND', 'MARTIN', 'Dominique', 'LEFEBVRE', 'Paul', '279035121518989', '2790351215189', '150067512345678', '1979', '1950']) {
    assert.ok(!reason.includes(v), `the reason shows a patient value (${v}): ${reason}`);
  }
}

test('a consistent carried CR-BIO (PID, CDA header, PDF copy, PRT patient mailbox) passes', async () => {
  const report = parsed({ cda: ourCda, patientMailbox: ourMailbox });
  const copies = await readPdfCopies(report);
  assert.equal(copies.length, 1);
  assert.match(copies[0]!, /DURAND/, 'the PDF copy is read as text');
  assert.deepEqual(identityHolds(report, 0, copies), []);
});

test("a carried CDA whose PDF copy is another patient's report is held, naming the PDF copy", async () => {
  const report = parsed({ cda: buildCda(ours, theirPdf, ctx), patientMailbox: ourMailbox });
  const holds = await holdsOf(report);
  assert.equal(holds.length, 1);
  assert.equal(holds[0]!.code, 'identity-mismatch');
  assert.equal(holds[0]!.report, 0);
  assert.match(holds[0]!.reason, /PDF copy embedded in CDA\.XML names neither the INS nor the birth name and birth date/);
  assertNoPatientData(holds[0]!.reason);
});

test('a PID naming another patient than the CDA header is held, naming each field and both sources', async () => {
  const report = parsed({ cda: ourCda, patient: OTHER });
  const [h] = await holdsOf(report);
  assert.equal(h?.code, 'identity-mismatch');
  for (const part of [
    /INS \(matricule and OID\) differs between PID-3 and the carried CDA CDA\.XML \(recordTarget\/patientRole\/id\)/,
    /birth family name differs between PID-5 \(legal name\) and the carried CDA CDA\.XML \(patient\/name\/family\[@qualifier='BR'\]\)/,
    /first given name differs between PID-5 and .*given\[@qualifier='BR'\]/,
    /birth date differs between PID-7 and .*birthTime/,
    /sex differs between PID-8 and .*administrativeGenderCode/,
  ]) assert.match(h!.reason, part);
  assertNoPatientData(h!.reason);
});

test('one trait that differs is enough: a PID birth date one day off', async () => {
  const report = parsed({ cda: ourCda, patient: { ...ours.patient, birthDate: '1979-03-29' } });
  const [h] = await holdsOf(report);
  assert.match(h?.reason ?? '', /birth date differs between PID-7/);
  assert.doesNotMatch(h!.reason, /family name|given name|INS/);
});

test('a PRT patient mailbox of another INS is held', async () => {
  const report = parsed({ cda: ourCda, patientMailbox: `${OTHER.ids.ins!.value}@patient.mssante.fr` });
  const [h] = await holdsOf(report);
  assert.match(h?.reason ?? '', /patient mailbox INS differs between the patient mailbox of PRT-15 and PID-3/);
  assert.match(h!.reason, /patient mailbox INS differs between the patient mailbox of PRT-15 and the carried CDA CDA\.XML/);
  assertNoPatientData(h!.reason);
});

test('a PDF copy the gate did not read holds the report (the check is never skipped silently)', () => {
  const report = parsed({ cda: ourCda });
  const [h] = identityHolds(report, 3);
  assert.equal(h?.report, 3);
  assert.match(h!.reason, /PDF copy embedded in CDA\.XML was not read/);
});

test('the prescriber: the CDA participant REF against OBR-16, and ORC-12 against OBR-16', async () => {
  const other = { rpps: '10000000009', familyName: 'AUTRE', givenName: 'Jean' };
  const report = parsed({ cda: ourCda, prescriber: other });
  const [h] = await holdsOf(report);
  assert.match(h?.reason ?? '', /prescriber RPPS differs between OBR-16\/ORC-12 and the carried CDA CDA\.XML \(participant\[@typeCode='REF'\]/);
  const res = parseInput(writeCarriedOru({ patient: ours.patient, cda: ourCda, prescriber: ours.prescriber, orderProvider: other, reportDate: '20240104160527' }), { file: 'twice.hl7' });
  assert.equal(res.holds.length, 1);
  assert.equal(res.holds[0]!.code, 'identity-mismatch');
  assert.match(res.holds[0]!.reason, /prescriber is named twice with different RPPS: segment 5 OBR-16 and segment 4 ORC-12/);
  // The same RPPS named twice is one prescriber.
  assert.deepEqual(parseInput(writeCarriedOru({ patient: ours.patient, cda: ourCda, prescriber: ours.prescriber, orderProvider: ours.prescriber }), { file: 'same.hl7' }).holds, []);
});

test('a used name in PID without a birth name must be one of the CDA names', async () => {
  const usedOnly: Patient = { ...ours.patient, birthFamilyName: undefined, familyName: 'MARTIN' };
  delete usedOnly.birthFamilyName;
  assert.deepEqual(await holdsOf(parsed({ cda: ourCda, patient: usedOnly })), [], 'MARTIN is the CDA used name');
  const [h] = await holdsOf(parsed({ cda: ourCda, patient: { ...usedOnly, familyName: 'BERNARD' } }));
  assert.match(h?.reason ?? '', /family name differs between PID-5 and the carried CDA CDA\.XML \(patient\/name\/family\)/);
});

test('a carried document that is not a CDA cannot be checked: held', () => {
  const report = parsed({ cda: 'Document medical au format CDA niveau 1' });
  const [h] = identityHolds(report, 0, []);
  assert.match(h?.reason ?? '', /the carried CDA CDA\.XML cannot be read .*the patient it names cannot be checked/);
});

test('PDF text: the INS (spaced or not), or the birth name with the birth date', () => {
  const who = { ins: '279035121518989', birthName: 'DURAND', birthDate: '1979-03-28' };
  assert.ok(pdfNamesPatient('INS 2 79 03 51 215 189 89 (NIR test)', who));
  assert.ok(pdfNamesPatient('Nom de naissance Durand  Née le 28/03/1979', { ...who, ins: undefined }));
  assert.ok(pdfNamesPatient('DURAND Dominique, née le 28 mars 1979', { ...who, ins: undefined }));
  assert.ok(!pdfNamesPatient('DURANDE Dominique 28/03/1979', { ...who, ins: undefined }), 'a word, not a prefix');
  assert.ok(!pdfNamesPatient('DURAND Dominique 29/03/1979', { ...who, ins: undefined }));
  assert.ok(!pdfNamesPatient('LEFEBVRE Paul 150067512345678 01/06/1950', who));
});

test('ANS CI-SIS sample: the PRT patient mailbox agrees with PID; its placeholder "CDA" cannot be checked', (t) => {
  const file = needsShared(t, 'samples', 'hl7v2', 'ans-cisis-v2.1-oru-crbio-init-n1-n3.hl7');
  if (!file) return;
  const bytes = readFileSync(file);
  const [report] = parseInput(bytes, { file: 'ans.hl7' }).reports;
  const [h] = identityHolds(report!, 0, []);
  assert.match(h?.reason ?? '', /carried CDA CDA\.XML cannot be read/);
  assert.doesNotMatch(h!.reason, /mailbox/, 'the PRT patient mailbox is the PID INS');
  // The same file with the patient mailbox of someone else.
  const swapped = Buffer.from(bytes.toString('utf8').replace('^^X.400^279035121518989@patient', '^^X.400^150067512345678@patient'), 'utf8');
  const [other] = parseInput(swapped, { file: 'ans-swapped.hl7' }).reports;
  assert.match(identityHolds(other!, 0, [])[0]?.reason ?? '', /patient mailbox INS differs between the patient mailbox of PRT-15 and PID-3/);
});

/** Generated identities: the sources agree exactly when the check says nothing. */
const name = fc.constantFrom('DURAND', 'MARTIN', 'LÉGER', "N'GUYEN", 'DE LA TOUR', 'ØSTERGÅRD', 'BERNARD', 'PETIT');
const given = fc.constantFrom('Dominique', 'Jean-Pierre', 'Élodie', 'Paul', 'Zoé', 'Anne');
const date = fc.date({ min: new Date('1920-01-01'), max: new Date('2024-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const ins = fc.tuple(fc.constantFrom('1', '2'), fc.stringMatching(/^[0-9]{14}$/)).map(([s, r]) => `${s}${r}`);
const patient = fc.record({ birthName: name, given, birthDate: date, sex: fc.constantFrom<'M' | 'F'>('M', 'F'), ins });
const asPatient = (p: { birthName: string; given: string; birthDate: string; sex: 'M' | 'F'; ins: string }): Patient => ({
  ids: { ipp: 'IPP1', ins: { value: p.ins, oid: '1.2.250.1.213.1.4.10', qualified: true } },
  familyName: p.birthName, birthFamilyName: p.birthName, givenNames: [p.given], birthDate: p.birthDate, birthPlaceCode: '75112', sex: p.sex,
});
/** What a PDF copy shows of its patient, as renderPdf lays it out. */
const pdfTextOf = (p: Patient) => `Nom de naissance ${p.birthFamilyName} Prénoms ${p.givenNames!.join(' ')} Né(e) le ${p.birthDate!.split('-').reverse().join('/')} INS ${p.ids.ins!.value} (NIR test)`;

test('property: no report passes the check whose CDA, PDF copy or patient mailbox names another patient', () => {
  fc.assert(fc.property(patient, patient, patient, patient, (env, header, copy, box) => {
    const envelope = asPatient(env);
    const cda = buildCda({ ...ours, patient: asPatient(header) }, PDF, ctx);
    const report = parseInput(writeCarriedOru({ patient: envelope, cda, patientMailbox: `${box.ins}@patient.mssante.fr`, reportDate: '20240104160527' }), { file: 'p.hl7' }).reports[0]!;
    const holds = identityHolds(report, 0, [pdfTextOf(asPatient(copy))]);
    const n = normalizeName;
    const same = (a: typeof env, b: typeof env) => n(a.birthName) === n(b.birthName) && n(a.given) === n(b.given) && a.birthDate === b.birthDate && a.sex === b.sex && a.ins === b.ins;
    const copyNames = copy.ins === header.ins || (n(copy.birthName) === n(header.birthName) && copy.birthDate === header.birthDate);
    if (holds.length === 0) {
      // Passing means every document names the envelope's patient.
      assert.ok(same(env, header), 'the CDA header names the envelope patient');
      assert.ok(copyNames, 'the PDF copy names that patient');
      assert.equal(box.ins, env.ins, 'the patient mailbox is that patient');
    } else {
      assert.ok(!same(env, header) || !copyNames || box.ins !== env.ins, `held although every source agrees: ${holds[0]!.reason}`);
    }
  }), { numRuns: 150 });
  // Agreement is reachable: the same patient everywhere passes.
  fc.assert(fc.property(patient, (p) => {
    const cda = buildCda({ ...ours, patient: asPatient(p) }, PDF, ctx);
    const report = parseInput(writeCarriedOru({ patient: asPatient(p), cda, patientMailbox: `${p.ins}@patient.mssante.fr`, reportDate: '20240104160527' }), { file: 'p.hl7' }).reports[0]!;
    assert.deepEqual(identityHolds(report, 0, [pdfTextOf(asPatient(p))]), []);
  }), { numRuns: 60 });
});

test('HPRIM Santé: two OBR records of one request naming different prescribers hold the report', () => {
  const one = writeHprimSante([{ patient: { familyName: 'PETIT', givenName: 'Anne', ipp: 'P1', birthDate: '19800101' }, fillerId: 'DOS1', results: [{ code: 'GLU', label: 'Glucose', value: '5.1', unit: 'mmol/L', range: '', flag: '' }] }]);
  const lines = one.split('\r').filter(Boolean);
  const obr = lines.findIndex((l) => l.startsWith('OBR|'));
  const second = lines[obr]!.replace('BAT~Bilan~L', 'BAT2~Bilan 2~L');
  const build = (prescriber: string) => {
    const body = [...lines.slice(0, obr + 2), second.replace('MED~DR TEST', prescriber), 'OBX|1|ST|K~Potassium~L||4.1|mmol/L|||||F'];
    return Buffer.from([...body, `L|1||1|${body.length + 1}`].join('\r') + '\r', 'latin1');
  };
  const res = parseInput(build('MED2~DR AUTRE'), { file: 'twice.hpr' });
  assert.equal(res.reports.length, 1);
  assert.equal(res.holds.length, 1);
  assert.equal(res.holds[0]!.code, 'identity-mismatch');
  assert.equal(res.holds[0]!.report, 0);
  assert.match(res.holds[0]!.reason, /prescriber is named twice with different identifiers: line 3 and line 5 \(OBR field 17\)/);
  assert.deepEqual(parseInput(build('MED~DR TEST'), { file: 'same.hpr' }).holds, []);
});

test('a JSON report whose carried CDA file is named after the patient: the reason does not show that name', () => {
  const report: LabReport = {
    ...structuredClone(ours), source: { format: 'json', file: 'r.json' },
    attachments: [{ filename: 'DURAND_Dominique.xml', contentType: 'text/xml', base64: Buffer.from(ourCda, 'utf8').toString('base64'), role: 'cda' }],
  };
  report.patient = OTHER;
  const [h] = identityHolds(report, 0, [null]);
  assert.match(h?.reason ?? '', /INS \(matricule and OID\) differs between \/patient\/ids\/ins and the carried CDA attachment 1/);
  assert.match(h!.reason, /PDF copy embedded in attachment 1 cannot be read as text/);
  assertNoPatientData(h!.reason);
});

test('property: documents labmss renders name the envelope patient, and pass the check when carried back (real PDF text)', async () => {
  await fc.assert(fc.asyncProperty(patient, patient, async (env, other) => {
    const envelope = asPatient(env);
    const report: LabReport = { ...structuredClone(ours), patient: envelope };
    const pdf = await pdfOf(report);
    const cda = buildCda(report, pdf, ctx);
    const back = parseInput(writeCarriedOru({ patient: envelope, cda, patientMailbox: `${env.ins}@patient.mssante.fr`, reportDate: '20240104160527' }), { file: 'p.hl7' }).reports[0]!;
    assert.deepEqual(identityHolds(back, 0, await readPdfCopies(back)), [], 'its own documents name the envelope patient');
    const sameTraits = normalizeName(env.birthName) === normalizeName(other.birthName) && normalizeName(env.given) === normalizeName(other.given) && env.birthDate === other.birthDate && env.sex === other.sex && env.ins === other.ins;
    if (sameTraits) return;
    const wrong = parseInput(writeCarriedOru({ patient: asPatient(other), cda, reportDate: '20240104160527' }), { file: 'q.hl7' }).reports[0]!;
    assert.equal(identityHolds(wrong, 0, await readPdfCopies(wrong))[0]?.code, 'identity-mismatch', 'another envelope patient is held');
  }), { numRuns: 12 });
});
