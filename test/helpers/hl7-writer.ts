import iconv from 'iconv-lite';
import type { Patient, Practitioner } from '../../src/model/labreport.types.js';

/** A small HL7 v2.5 ORU^R01 writer for tests: what a LIS would export, escapes included. */

export interface WrittenResult {
  code: string;
  label: string;
  loinc?: string;
  /** NM when it is a decimal, else ST. */
  value: string;
  unit?: string;
  range?: string;
  flag?: string;
  /** OBX-6 / OBX-7 written as is, components and all (`CD:289^mg/dL^L`), instead of `unit` / `range`. */
  unitField?: string;
  rangeField?: string;
}

export interface WrittenReport {
  familyName: string;
  givenName?: string;
  ipp: string;
  fillerId: string;
  results: WrittenResult[];
}

export interface WriteOptions {
  /** MSH-18 spelling and the matching encoding. */
  charset?: { msh18: string; encoding: string };
  eol?: '\r' | '\n' | '\r\n';
  messageId?: string;
}

/** HL7 escaping of the five delimiters (escape first so nothing is escaped twice). */
export function escapeHl7(text: string): string {
  return text.replace(/\\/g, '\\E\\').replace(/\|/g, '\\F\\').replace(/\^/g, '\\S\\').replace(/&/g, '\\T\\').replace(/~/g, '\\R\\')
    .replace(/\r\n|\r|\n/g, '\\.br\\');
}

function ts(): string {
  return '20240102030405';
}

/** One message per report; several reports make a file with several messages. */
export function writeHl7(reports: WrittenReport[], opts: WriteOptions = {}): Buffer {
  const eol = opts.eol ?? '\r';
  const charset = opts.charset ?? { msh18: 'UNICODE UTF-8', encoding: 'utf-8' };
  const e = escapeHl7;
  const lines: string[] = [];
  reports.forEach((r, i) => {
    lines.push(`MSH|^~\\&|LIS|LAB|||${ts()}||ORU^R01^ORU_R01|${opts.messageId ?? 'M'}${i + 1}|P|2.5|||||FRA|${charset.msh18}`);
    lines.push(`PID|1||${e(r.ipp)}^^^LAB^PI||${e(r.familyName)}^${e(r.givenName ?? '')}||19800101|U`);
    lines.push(`ORC|NW||${e(r.fillerId)}`);
    lines.push(`OBR|1||${e(r.fillerId)}|PANEL^Panel^L|||${ts()}|||||||||||||||||CH|F`);
    r.results.forEach((x, n) => {
      const type = /^[+-]?\d+(\.\d+)?$/.test(x.value) ? 'NM' : 'ST';
      const id = `${e(x.code)}^${e(x.label)}^L${x.loinc ? `~${x.loinc}^${e(x.label)}^LN` : ''}`;
      lines.push(`OBX|${n + 1}|${type}|${id}||${e(x.value)}|${x.unitField ?? e(x.unit ?? '')}|${x.rangeField ?? e(x.range ?? '')}|${e(x.flag ?? '')}|||F`);
    });
  });
  return iconv.encode(lines.join(eol) + eol, charset.encoding);
}

/** A CI-SIS ORU^R01 carrying a CDA (OBX ED) with its MSSanté recipients (PRT), as a lab's LIS writes it. */
export interface CarriedOru {
  /** The patient the envelope (PID) names. */
  patient: Patient;
  /** The carried CDA document. */
  cda: string;
  /** ORC-1: NW new, RO replacement, CA cancellation. */
  orderControl?: 'NW' | 'RO' | 'CA';
  /** OBX-11 of the document: F, C (replaces), D (delete). */
  documentStatus?: 'F' | 'C' | 'D';
  /** OBR-22 (HL7 TS); absent: the field is empty. */
  reportDate?: string;
  fillerId?: string;
  /** OBR-16 and ORC-12. */
  prescriber?: Practitioner;
  orderProvider?: Practitioner;
  /** PRT RCT addresses: a doctor and the patient's Mon espace santé mailbox. */
  doctorMailbox?: string;
  patientMailbox?: string;
}

const INS_AUTHORITY: Record<string, string> = {
  '1.2.250.1.213.1.4.8': 'ASIP-SANTE-INS-NIR', '1.2.250.1.213.1.4.9': 'ASIP-SANTE-INS-NIA',
  '1.2.250.1.213.1.4.10': 'ASIP-SANTE-INS-NIR-TEST', '1.2.250.1.213.1.4.11': 'ASIP-SANTE-INS-NIR-DEMO',
};

/** An HL7 segment from its fields (index 1 = field 1). */
const segment = (id: string, fields: Record<number, string>): string => {
  const last = Math.max(0, ...Object.keys(fields).map(Number));
  const out = [id];
  for (let i = 1; i <= last; i++) out.push(fields[i] ?? '');
  return out.join('|');
};

const xcn = (p: Practitioner | undefined) => p
  ? `${p.rpps ? `8${p.rpps}` : ''}^${escapeHl7(p.familyName ?? '')}^${escapeHl7(p.givenName ?? '')}^^^^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS` : '';

export function writeCarriedOru(o: CarriedOru): Buffer {
  const e = escapeHl7;
  const p = o.patient;
  const ids = [
    ...(p.ids.ins ? [`${p.ids.ins.value}^^^${INS_AUTHORITY[p.ids.ins.oid]}&${p.ids.ins.oid}&ISO^INS`] : []),
    ...(p.ids.ipp ? [`${e(p.ids.ipp)}^^^LABO^PI`] : []),
  ];
  const given = p.givenNames ?? [];
  // Without a birth name, the envelope gives the used name only (type D).
  const names = p.birthFamilyName
    ? [`${e(p.birthFamilyName)}^${e(given[0] ?? '')}^${e(given.join(' '))}^^^^L`]
    : [`${e(p.familyName)}^${e(given[0] ?? '')}^${e(given.join(' '))}^^^^D`];
  if (p.birthFamilyName && p.birthFamilyName !== p.familyName) names.push(`${e(p.familyName)}^${e(p.usedGivenName ?? given[0] ?? '')}^^^^^D`);
  const filler = o.fillerId ?? '240104-0042';
  const lines = [
    'MSH|^~\\&|SIL|LABO|PFI|LABO|20240104160600||ORU^R01^ORU_R01|CISIS-W1|P|2.5|||||FRA|UNICODE UTF-8|||2.1^CISIS_CDA_HL7_V2',
    segment('PID', {
      3: ids.join('~'), 5: names.join('~'), 7: (p.birthDate ?? '').replace(/-/g, ''), 8: p.sex ?? '',
      11: p.birthPlaceCode ? `^^^^^^BDL^^${p.birthPlaceCode}` : '', 32: p.ids.ins?.qualified ? 'VALI' : '',
    }),
    'PV1|1|O',
    segment('ORC', { 1: o.orderControl ?? 'NW', 3: `${e(filler)}^LABO`, 12: xcn(o.orderProvider) }),
    segment('OBR', { 1: '1', 3: `${e(filler)}^LABO`, 4: "11502-2^CR d'examens biologiques^LN", 16: xcn(o.prescriber), 22: o.reportDate ?? '', 25: 'F' }),
    segment('OBX', { 1: '1', 2: 'ED', 3: "11502-2^CR d'examens biologiques^LN", 5: `^TEXT^XML^Base64^${Buffer.from(o.cda, 'utf8').toString('base64')}`, 11: o.documentStatus ?? 'F' }),
    'PRT||UC||SB^^participation||||LABO^^^^^ASIP-SANTE-ST&1.2.250.1.71.4.2.2&ISO^FINEG^^^120459876',
    ...(o.doctorMailbox ? [segment('PRT', { 2: 'UC', 4: 'RCT^^participation', 5: xcn(o.prescriber), 15: `^^X.400^${o.doctorMailbox}` })] : []),
    ...(o.patientMailbox ? [segment('PRT', { 2: 'UC', 4: 'RCT^^participation', 15: `^^X.400^${o.patientMailbox}` })] : []),
    'OBX|2|CE|DESTMSSANTEPS^DESTMSSANTEPS^MetaDMPMSS||Y^^expandedYes-NoIndicator||||||F',
  ];
  return Buffer.from(lines.join('\r') + '\r', 'utf8');
}
