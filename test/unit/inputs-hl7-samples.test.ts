import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInput } from '../../src/inputs/index.js';
import type { ParseResult } from '../../src/inputs/types.js';
import type { LabReport, Result } from '../../src/model/labreport.types.js';
import { labReportProblems } from '../../src/model/validate.js';
import { needsShared } from '../helpers/paths.js';

// Real files by others in ../shared/samples/hl7v2 (read, never copied): values checked by hand in each.

const results = (r: LabReport): Result[] => r.chapters.flatMap((c) => c.batteries.flatMap((b) => b.results));

function parseSample(dir: string, name: string): ParseResult {
  const res = parseInput(readFileSync(join(dir, name)), { file: name });
  assert.equal(res.format, 'hl7v2');
  for (const r of res.reports) assert.deepEqual(labReportProblems(r), [], `${name}: every report matches the schema`);
  return res;
}

test('every HL7 sample parses into valid reports', (t) => {
  const dir = needsShared(t, 'samples', 'hl7v2');
  if (!dir) return;
  const files = readdirSync(dir).filter((f) => !f.startsWith('.'));
  assert.ok(files.length >= 4);
  for (const f of files) assert.ok(parseSample(dir, f).reports.length >= 1, f);
});

test('ANS CI-SIS sample: INS, CDA attachments, PRT recipients, MetaDMPMSS flags', (t) => {
  const dir = needsShared(t, 'samples', 'hl7v2');
  if (!dir) return;
  const res = parseSample(dir, 'ans-cisis-v2.1-oru-crbio-init-n1-n3.hl7');
  assert.equal(res.charset, 'utf-8');
  assert.equal(res.reports.length, 1);
  const r = res.reports[0]!;
  assert.deepEqual(r.patient.ids.ins, { value: '279035121518989', oid: '1.2.250.1.213.1.4.10', qualified: true });
  assert.equal(r.patient.birthFamilyName, 'PAT-TROIS');
  assert.equal(r.patient.familyName, 'PAT-TROIS');
  assert.deepEqual(r.patient.givenNames, ['DOMINIQUE']);
  assert.equal(r.patient.birthDate, '1979-03-28');
  assert.equal(r.patient.birthPlaceCode, '63220');
  assert.deepEqual(r.chapters, []);
  assert.deepEqual(r.attachments?.map((a) => [a.role, a.contentType]), [['cda', 'text/xml'], ['cda', 'text/xml']]);
  assert.equal(Buffer.from(r.attachments![0]!.base64, 'base64').toString('utf8'), 'Document medcial au format CDA niveau 1');
  assert.deepEqual(r.recipients, [
    { address: 'adam.hoda@test-ci-sis.mssante.fr', role: 'other', name: 'Adam Hoda', rpps: '01234567897' },
    { address: '279035121518989@patient.mssante.fr', role: 'patient', name: 'DOMINIQUE PAT-TROIS' },
  ]);
  assert.deepEqual(r.masking, {
    maskedFromProfessionals: false, invisibleToPatient: false, secretConnection: false, toDmp: true,
    toMssPro: true, toMssPatient: true, ackReception: true, ackRead: true,
  });
  assert.equal(r.request.placerId, '98765431');
  assert.equal(r.request.fillerId, '1001-E1');
  assert.deepEqual(r.prescriber, { familyName: 'BLUE', givenName: 'Eva', title: 'DR' });
  assert.equal(r.status, 'final');
});

test('NIST ELR microbiology sample: Shigella isolate with MIC and S/I/R; corrupted value types warned', (t) => {
  const dir = needsShared(t, 'samples', 'hl7v2');
  if (!dir) return;
  const res = parseSample(dir, 'gaiaehr-nist-elr-micro-susceptibility.hl7');
  const b = res.reports[0]!.chapters[0]!.batteries[0]!;
  assert.equal(b.loinc, '625-4');
  const iso = b.isolates?.[0];
  assert.deepEqual(iso?.organism, { code: '85729005', label: 'Shigella flexneri', system: 'SCT' });
  assert.deepEqual(iso?.susceptibility?.map((s) => [s.loinc, s.antibiotic.code, s.mic?.value, s.interpretation]), [
    ['20-8', 'AmoxClav', { kind: 'numeric', value: '16' }, 'I'],
    ['516-5', 'TMP-SMX', { kind: 'text', text: '8/152' }, 'R'],
    ['185-9', 'CIPROFLOXACIN', { kind: 'numeric', value: '0.06', comparator: '<=' }, 'S'],
  ]);
  assert.equal(iso?.susceptibility?.[0]?.mic?.unit, 'ug/mL');
  assert.deepEqual(res.warnings.filter((w) => w.field === 'OBX-2').map((w) => w.line), [6, 10, 11, 12]);
  assert.equal(res.reports[0]!.patient.familyName, 'Jones');
});

test('FHIR-Converter LAB-ORU-1 sample: BOM, two orders, pending results, time zones', (t) => {
  const dir = needsShared(t, 'samples', 'hl7v2');
  if (!dir) return;
  const res = parseSample(dir, 'msft-lab-oru-1-bom-spm.hl7');
  assert.equal(res.reports.length, 2);
  const [a, b] = res.reports as [LabReport, LabReport];
  assert.equal(a.patient.familyName, 'DUCK');
  assert.equal(a.patient.ids.ipp, '10006579');
  assert.equal(a.request.fillerId, '82503246');
  assert.equal(b.request.fillerId, '890775544');
  const ery = results(a).find((r) => r.loinc === '11273-0')!;
  assert.deepEqual(ery.value, { kind: 'numeric', value: '4.06' });
  assert.equal(ery.unit, 'tera.l-1');
  assert.equal(ery.status, 'preliminary');
  assert.equal(ery.observedAt, '2014-10-06T06:27:00+07:00');
  assert.deepEqual(results(a).find((r) => r.loinc === '11156-7')!.value, { kind: 'none', reason: 'pending' });
  assert.equal(a.status, 'partial');
  assert.equal(a.request.collectedAt, '2014-10-06T05:35:00+07:00', 'from SPM-17: OBR-7 is empty');
  assert.equal(a.chapters[0]!.batteries[0]!.specimen?.type, 'BLD');
  assert.equal(a.validator, undefined, 'the sample puts its interpreter in OBR-33, not OBR-32');
});

test('NIST LRI CBC sample: 28 OBX, UCUM units, "to" ranges, HH flags, CWE and TX values', (t) => {
  const dir = needsShared(t, 'samples', 'hl7v2');
  if (!dir) return;
  const r = parseSample(dir, 'msft-nist-lri-cbc-28obx.hl7').reports[0]!;
  const all = results(r);
  assert.equal(all.length, 28);
  const wbc = all.find((x) => x.loinc === '26464-8')!;
  assert.deepEqual(wbc.value, { kind: 'numeric', value: '105600' });
  assert.equal(wbc.unit, '{cells}/uL');
  assert.deepEqual(wbc.range, { text: '4300 to 10800', low: '4300', high: '10800' });
  assert.equal(wbc.flag, 'HH');
  assert.equal(all.find((x) => x.loinc === '26453-1')!.unit, '10*6/uL');
  assert.deepEqual(all.find((x) => x.loinc === '38892-6')!.value, { kind: 'coded', code: '260348001', label: 'Present ++ out of ++++', system: 'SCT' });
  assert.deepEqual(all.find((x) => x.loinc === '6742-1')!.value, { kind: 'text', text: 'Many spherocytes present.' });
  assert.equal(r.chapters[0]!.batteries[0]!.loinc, '57021-8');
  assert.equal(r.chapters[0]!.batteries[0]!.code, '4456544');
  assert.equal(r.prescriber?.familyName, 'Radon');
  assert.deepEqual(r.copiesTo, [{ code: '10093', familyName: 'Deluca', givenName: 'Naddy' }]);
  assert.equal(r.status, 'final');
});
