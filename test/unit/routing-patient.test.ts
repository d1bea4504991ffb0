import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Ins, LabReport, Masking } from '../../src/model/labreport.types.js';
import { AddressBook } from '../../src/routing/address-book.js';
import { allowlistChecker } from '../../src/routing/allowlist.js';
import { insKey, insMatricule, maxBytesFor, MES_MAX_BYTES, patientRouting } from '../../src/routing/patient.js';
import { route } from '../../src/routing/resolve.js';

const NIR = '1.2.250.1.213.1.4.8';
const qualified: Ins = { value: '269054958815780', oid: NIR, qualified: true };

function report(ins?: Ins, masking?: Masking, extra: Partial<LabReport> = {}): LabReport {
  return {
    patient: { ids: { ipp: 'P77', ...(ins ? { ins } : {}) }, familyName: 'DUPONT', givenNames: ['Marie'] },
    prescriber: { rpps: '10001234567', mssAddress: 'jean.martin@medecin.mssante.fr' },
    request: { fillerId: 'D1' }, status: 'final', chapters: [], ...(masking ? { masking } : {}), ...extra,
  };
}

const ctx = (enabled: boolean) => ({ addressBook: new AddressBook(), options: { prescriber: true, copies: true, inputRecipients: true, patients: { enabled } } });

test('the NIR key: 97 − n mod 97, Corsica counted as 19/18', () => {
  assert.equal(insKey('2690549588157'), '80');
  assert.equal(insKey('1841275123456'), '40');
  assert.equal(insKey('185072A012345'), insKey('1850719012345'));
  assert.equal(insKey('185072B012345'), insKey('1850718012345'));
  assert.deepEqual(insMatricule({ ...qualified, value: '2690549588157' }), { matricule: '269054958815780' });
  assert.deepEqual(insMatricule({ ...qualified, value: '2 69 05 49 588 157 80' }), { matricule: '269054958815780' });
  assert.match((insMatricule({ ...qualified, value: '269054958815781' }) as { problem: string }).problem, /control key/);
  assert.match((insMatricule({ ...qualified, value: '12345' }) as { problem: string }).problem, /not 13 or 15/);
});

test('the patient address is built only from a qualified production INS', () => {
  assert.deepEqual(patientRouting(report(qualified), true), { address: '269054958815780@patient.mssante.fr' });
  assert.deepEqual(patientRouting(report({ ...qualified, value: '2690549588157', oid: '1.2.250.1.213.1.4.9' }), true), { address: '269054958815780@patient.mssante.fr' });
  assert.match((patientRouting(report(), true) as { held: string }).held, /no INS/);
  assert.match((patientRouting(report({ ...qualified, qualified: false }), true) as { held: string }).held, /not qualified/);
  assert.match((patientRouting(report({ ...qualified, oid: '1.2.250.1.213.1.4.10' }), true) as { held: string }).held, /test NIR: never sent/);
  assert.match((patientRouting(report({ ...qualified, oid: '1.2.250.1.213.1.4.11' }), true) as { held: string }).held, /demonstration NIR/);
  assert.match((patientRouting(report(qualified), false) as { skip: string }).skip, /routing\.patients\.enabled/);
});

test('opt-in: with patients enabled the report also goes to Mon espace santé; without, never', () => {
  const on = route(report(qualified), ctx(true));
  assert.deepEqual(on.recipients.map((r) => [r.address, r.role]),
    [['jean.martin@medecin.mssante.fr', 'prescriber'], ['269054958815780@patient.mssante.fr', 'patient']]);
  assert.deepEqual(route(report(qualified), ctx(false)).recipients.map((r) => r.role), ['prescriber']);
  assert.deepEqual(route(report(qualified), { ...ctx(true), options: { prescriber: true, copies: true, inputRecipients: true } }).recipients.map((r) => r.role), ['prescriber']);
});

test('no qualified INS: the patient delivery is held with the reason, without the patient name', () => {
  const r = route(report({ ...qualified, qualified: false }), ctx(true));
  assert.deepEqual(r.recipients.map((x) => x.role), ['prescriber']);
  assert.equal(r.unrouted.length, 1);
  assert.equal(r.unrouted[0]!.who, 'patient (IPP P77)');
  assert.equal(r.unrouted[0]!.role, 'patient');
  assert.doesNotMatch(JSON.stringify(r.unrouted), /DUPONT|Marie/);
});

test('invisible to the patient: never to the patient, the professionals still get it', () => {
  const r = route(report(qualified, { invisibleToPatient: true }), ctx(true));
  assert.deepEqual(r.recipients.map((x) => x.role), ['prescriber']);
  assert.deepEqual(r.unrouted, []);
  assert.deepEqual(route(report(qualified, { secretConnection: true }), ctx(true)).recipients.map((x) => x.role), ['prescriber']);
  assert.deepEqual(route(report(qualified, { toMssPatient: false }), ctx(true)).recipients.map((x) => x.role), ['prescriber']);
});

test('masked from professionals: the patient only — no prescriber, copy or input address', () => {
  const extra = { copiesTo: [{ mssAddress: 'copie@medecin.mssante.fr' }], recipients: [{ address: 'prt@medecin.mssante.fr' }] };
  const r = route(report(qualified, { maskedFromProfessionals: true }, extra), ctx(true));
  assert.deepEqual(r.recipients.map((x) => [x.address, x.role]), [['269054958815780@patient.mssante.fr', 'patient']]);
  assert.deepEqual(r.unrouted, []);
  const pro = route(report(qualified, { toMssPro: false }, extra), ctx(true));
  assert.deepEqual(pro.recipients.map((x) => x.role), ['patient']);
});

test('masked from professionals and the patient cannot have it: nobody, with why', () => {
  const off = route(report(qualified, { maskedFromProfessionals: true }), ctx(false));
  assert.deepEqual(off.recipients, []);
  assert.equal(off.unrouted.length, 1);
  assert.equal(off.unrouted[0]!.who, 'nobody');
  assert.match(off.unrouted[0]!.reason, /MASQUE_PS.*routing\.patients\.enabled/);
  const both = route(report(qualified, { maskedFromProfessionals: true, invisibleToPatient: true }), ctx(true));
  assert.match(both.unrouted[0]!.reason, /MASQUE_PS.*INVISIBLE_PATIENT/);
  const noIns = route(report(undefined, { maskedFromProfessionals: true }), ctx(true));
  assert.deepEqual(noIns.unrouted.map((u) => u.role), ['patient']);
});

test('a patient address written in the input is not used as written: the INS builds it', () => {
  const extra = { recipients: [{ address: '199999999999999@patient.mssante.fr', role: 'patient' as const }] };
  const on = route(report(qualified, undefined, extra), ctx(true));
  assert.deepEqual(on.recipients.map((x) => x.address), ['jean.martin@medecin.mssante.fr', '269054958815780@patient.mssante.fr']);
  const off = route(report(qualified, undefined, extra), ctx(false));
  assert.deepEqual(off.recipients.map((x) => x.address), ['jean.martin@medecin.mssante.fr']);
  assert.match(off.unrouted[0]!.reason, /not sent to the patient: sending to patients is not enabled/);
});

test('the patient address passes the allow-list like any other', () => {
  const r = route(report(qualified), { ...ctx(true), allowlist: allowlistChecker(new Set(['medecin.mssante.fr']), 'test list') });
  assert.deepEqual(r.recipients.map((x) => x.role), ['prescriber']);
  assert.match(r.unrouted[0]!.reason, /domain patient\.mssante\.fr is not on the MSSanté allow-list/);
});

test('25 MB towards Mon espace santé, whatever message.maxBytes allows', () => {
  assert.equal(maxBytesFor('patient', 50_000_000), MES_MAX_BYTES);
  assert.equal(maxBytesFor('patient', 10_000_000), 10_000_000);
  assert.equal(maxBytesFor('prescriber', 50_000_000), 50_000_000);
});
