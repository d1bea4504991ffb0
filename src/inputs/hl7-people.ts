import type { Address, Ins, Patient, Practitioner } from '../model/labreport.types.js';
import type { Hl7Reader } from './hl7-read.js';
import type { Segment } from './hl7-tokens.js';
import { InputError } from './types.js';
import { parseTimestamp } from './values.js';

/** INS OIDs (NIR, NIA, and the test NIR/NIA used by ANS test data). */
const INS_OIDS: ReadonlySet<string> = new Set(['1.2.250.1.213.1.4.8', '1.2.250.1.213.1.4.9', '1.2.250.1.213.1.4.10', '1.2.250.1.213.1.4.11']);
/** National health professional identifiers (RPPS / ADELI, prefixed "8" / "0" in the IDNPS form). */
const IDNPS_OID = '1.2.250.1.71.4.2.1';

/** PID → Patient. Throws when there is no usable identity (no family name). */
export function patientOf(pid: Segment, r: Hl7Reader): Patient {
  const ids: Patient['ids'] = {};
  let insCandidate: { value: string; oid: Ins['oid'] } | undefined;
  let mr: string | undefined;
  pid.reps(3).forEach((rep, i) => {
    const c = r.comps(rep, pid, 'PID-3');
    const value = (c[0] ?? '').trim();
    if (!value) return;
    const authority = r.subs(rep.split(r.d.component)[3] ?? '', pid, 'PID-3.4');
    const oid = (authority[1] ?? '').trim();
    const type = (c[4] ?? '').trim().toUpperCase();
    if (INS_OIDS.has(oid) || type === 'INS' || type === 'INS-NIR' || type === 'INS-NIA') {
      if (!INS_OIDS.has(oid)) { r.warn(pid, 'PID-3.4', `INS ${i + 1} without a known INS OID ("${oid}"): not used as INS`); return; }
      if (!/^[0-9A-Z]{13,15}$/.test(value)) { r.warn(pid, 'PID-3.1', 'INS matricule is not 13–15 digits/letters: not used as INS'); return; }
      insCandidate ??= { value, oid: oid as Ins['oid'] };
    } else if (type === 'PI' || type === 'MR') {
      const id = r.id(value, pid, 'PID-3.1');
      if (id && type === 'PI') ids.ipp ??= id;
      else if (id) mr ??= id;
    }
  });
  if (!ids.ipp && mr) ids.ipp = mr;
  const external = r.id(r.get(pid, 2), pid, 'PID-2');
  if (external) ids.requesterId = external;
  if (insCandidate) {
    const reliability = pid.reps(32).map((x) => x.split(r.d.component)[0]!.trim().toUpperCase());
    ids.ins = { ...insCandidate, qualified: reliability.includes('VALI') || reliability.includes('QUAL') };
  }

  // Subcomponents (FN: surname&prefix…) are split before unescaping, so an escaped `&` stays in the name.
  const names = pid.reps(5).map((rep) => rep.split(r.d.component).map((c) => r.sub0(c, pid, 'PID-5')));
  const legal = names.find((n) => (n[6] ?? '').trim().toUpperCase() === 'L');
  const used = names.find((n) => (n[6] ?? '').trim().toUpperCase() === 'D');
  const main = used ?? legal ?? names[0];
  const family = (n: string[] | undefined) => (n?.[0] ?? '').trim();
  const familyName = family(main);
  if (!familyName) throw new InputError({ file: r.file, line: pid.no, field: 'PID-5' }, 'no patient family name: the patient cannot be identified');
  const patient: Patient = { ids, familyName };
  if (legal && family(legal)) patient.birthFamilyName = family(legal);
  const givenSource = legal ?? main!;
  const given = givenNames(givenSource[1] ?? '', givenSource[2] ?? '');
  if (given.length) patient.givenNames = given;
  const usedGiven = (used?.[1] ?? '').trim();
  if (used && usedGiven && usedGiven !== given[0]) patient.usedGivenName = usedGiven;

  const birth = r.time(pid, 7);
  if (birth) patient.birthDate = birth.slice(0, 10);
  const sex = r.get(pid, 8).trim().toUpperCase();
  if (sex === 'M' || sex === 'F') patient.sex = sex;
  else if (sex) patient.sex = 'U';

  const addresses = pid.reps(11).map((rep) => rep.split(r.d.component).map((c) => r.sub0(c, pid, 'PID-11')));
  const birthPlace = addresses.find((a) => (a[6] ?? '').trim() === 'BDL');
  if (birthPlace?.[8]?.trim()) patient.birthPlaceCode = birthPlace[8].trim();
  const home = addresses.find((a) => (a[6] ?? '').trim() === 'H') ?? addresses.find((a) => (a[6] ?? '').trim() !== 'BDL');
  const address = home && addressOf(home);
  if (address) patient.address = address;
  const phone = phoneOf(pid.reps(13)[0], pid, r);
  if (phone) patient.phone = phone;
  return patient;
}

/**
 * French INS convention: component 2 is the first birth given name and component 3 the whole list of
 * birth given names (so it starts with component 2); elsewhere component 3 is a middle name.
 */
function givenNames(first: string, rest: string): string[] {
  const f = first.trim();
  const words = rest.trim().split(/\s+/).filter(Boolean);
  if (f && words[0] === f) return words;
  return [...(f ? [f] : []), ...words];
}

/** XAD components → Address; undefined when empty. */
export function addressOf(c: string[]): Address | undefined {
  const a: Address = {};
  const lines = [c[0], c[1]].map((x) => (x ?? '').trim()).filter(Boolean);
  if (lines.length) a.lines = lines;
  if (c[4]?.trim()) a.postalCode = c[4].trim();
  if (c[2]?.trim()) a.city = c[2].trim();
  if (c[5]?.trim()) a.country = c[5].trim();
  return Object.keys(a).length ? a : undefined;
}

function phoneOf(raw: string | undefined, seg: Segment, r: Hl7Reader): string | undefined {
  if (!raw) return undefined;
  const c = r.comps(raw, seg, `${seg.id}-13`);
  const phone = c[0]?.trim() || [c[5], c[6]].map((x) => x?.trim() ?? '').join('').trim() || c[3]?.trim();
  return phone || undefined;
}

/** Identifier of an XCN/CNN: RPPS (11 digits, or "8"+RPPS as IDNPS), ADELI, else the local code. */
function identify(p: Practitioner, id: string, authority: string[], typeCode: string): void {
  const ns = (authority[0] ?? '').replace(/\s+/g, '').toUpperCase();
  const oid = (authority[1] ?? '').trim();
  const type = typeCode.trim().toUpperCase();
  const national = oid === IDNPS_OID || type === 'IDNPS' || type === 'RPPS' || type === 'ADELI' || ns.includes('RPPS') || ns.includes('ADELI') || ns === 'ASIP-SANTE-PS';
  if (national) {
    if (/^8\d{11}$/.test(id)) { p.rpps = id.slice(1); return; }
    if (/^\d{11}$/.test(id) && type !== 'ADELI') { p.rpps = id; return; }
    if (/^0[0-9A-Z]{9}$/.test(id)) { p.adeli = id.slice(1); return; }
    if (/^[0-9A-Z]{9}$/.test(id)) { p.adeli = id; return; }
  }
  p.code = id;
}

/** One XCN repetition (id^family^given^middle^suffix^prefix^degree^source^authority^type^…^id type). */
export function practitionerOf(raw: string, seg: Segment, field: string, r: Hl7Reader): Practitioner | undefined {
  const parts = raw.split(r.d.component);
  const c = parts.map((x) => r.sub0(x, seg, field));
  const p: Practitioner = {};
  const id = (c[0] ?? '').trim();
  if (id) identify(p, id, r.subs(parts[8] ?? '', seg, field), c[12] ?? '');
  setName(p, c[1] ?? '', c[2] ?? '', c[5] ?? '');
  return Object.keys(p).length ? p : undefined;
}

/** OBR-32 (NDL): component 1 is a CNN in subcomponents (id&family&given&…&authority ns&oid&type), component 2 the time. */
export function validatorOf(seg: Segment, r: Hl7Reader): Practitioner | undefined {
  const raw = seg.reps(32)[0];
  if (!raw) return undefined;
  const parts = raw.split(r.d.component);
  // Some senders (NIST LRI) write an XCN here: id^family^given… instead of id&family&given^time.
  if (!(parts[0] ?? '').includes(r.d.subcomponent) && (parts[1] ?? '').trim() && parseTimestamp(parts[1]!.trim()) === undefined) {
    return practitionerOf(raw, seg, 'OBR-32', r);
  }
  const s = r.subs(parts[0] ?? '', seg, 'OBR-32.1');
  const p: Practitioner = {};
  const id = (s[0] ?? '').trim();
  if (id) identify(p, id, [s[8] ?? '', s[9] ?? ''], '');
  setName(p, s[1] ?? '', s[2] ?? '', s[5] ?? '');
  const time = r.timeOf(r.sub0(parts[1] ?? '', seg, 'OBR-32.2').trim(), seg, 'OBR-32.2');
  if (time && Object.keys(p).length) p.time = time;
  return Object.keys(p).length ? p : undefined;
}

function setName(p: Practitioner, family: string, given: string, title: string): void {
  if (family.trim()) p.familyName = family.trim();
  if (given.trim()) p.givenName = given.trim();
  if (title.trim()) p.title = title.trim();
}
