/**
 * Is every place that names the patient naming the same patient? The envelope (PID, HPRIM P, JSON
 * patient), each carried CDA's header (INS and OID, birth name, first given name, birth date, sex), that
 * CDA's own PDF copy (its text must name the INS, or the birth name and the birth date) and any patient
 * mailbox the input names (`<INS>@patient.mssante.fr`) must agree, and so must the prescriber's RPPS
 * where two of them name it. A disagreement holds the report for a person: nothing is sent to anyone.
 * A value missing on one side is no disagreement; a value that differs is. Reasons name the fields
 * and where each value comes from, never the values (they end up in logs and `status`).
 */
import { carriedCdas, type CarriedCda, type CarriedPatient } from '../documents/cda/carried.js';
import type { LabReport } from '../model/labreport.types.js';
import type { PdfCopyText } from './pdf-copies.js';
import { hold, type Hold } from './hold.js';

type Field = 'ins' | 'birthName' | 'familyName' | 'firstGiven' | 'birthDate' | 'sex' | 'prescriber' | 'mailbox';

const FIELD_LABEL: Record<Field, string> = {
  ins: 'INS (matricule and OID)',
  birthName: 'birth family name',
  familyName: 'family name',
  firstGiven: 'first given name',
  birthDate: 'birth date',
  sex: 'sex',
  prescriber: 'prescriber RPPS',
  mailbox: 'patient mailbox INS',
};

/** Where the envelope (the input file itself) states each field, per format. */
const ENVELOPE: Record<string, Record<Field, string>> = {
  hl7v2: { ins: 'PID-3', birthName: 'PID-5 (legal name)', familyName: 'PID-5', firstGiven: 'PID-5', birthDate: 'PID-7', sex: 'PID-8', prescriber: 'OBR-16/ORC-12', mailbox: 'PRT-15' },
  'hprim-sante': { ins: 'P record INS', birthName: 'P record birth name', familyName: 'P record name', firstGiven: 'P record given name', birthDate: 'P record birth date', sex: 'P record sex', prescriber: 'P record prescriber', mailbox: 'input recipients' },
  'hprim-medecin': { ins: 'header NIR/INS', birthName: 'header birth name', familyName: 'header name', firstGiven: 'header given name', birthDate: 'header birth date', sex: 'header sex', prescriber: 'header prescriber', mailbox: 'input recipients' },
  json: { ins: '/patient/ids/ins', birthName: '/patient/birthFamilyName', familyName: '/patient/familyName', firstGiven: '/patient/givenNames/0', birthDate: '/patient/birthDate', sex: '/patient/sex', prescriber: '/prescriber/rpps', mailbox: '/recipients' },
};

const CDA_PATH: Record<Field, string> = {
  ins: 'recordTarget/patientRole/id',
  birthName: "patient/name/family[@qualifier='BR']",
  familyName: 'patient/name/family',
  firstGiven: "patient/name/given[@qualifier='BR']",
  birthDate: 'patient/birthTime',
  sex: 'patient/administrativeGenderCode',
  prescriber: "participant[@typeCode='REF']/associatedEntity/id",
  mailbox: 'recordTarget/patientRole/id',
};

/** Upper case, no accents, Œ/Æ spelled out, every run of non-letters/digits one space. */
export function normalizeName(s: string): string {
  return s.replace(/[Œœ]/g, 'OE').replace(/[Ææ]/g, 'AE').replace(/ß/g, 'SS')
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/[^A-Z0-9]+/g, ' ').trim();
}

/** Same INS: same OID and the same NIR/NIA (the 13 characters before the key when one side has it). */
function sameIns(a: { value: string; oid: string }, b: { value: string; oid: string }): boolean {
  return a.oid === b.oid && (a.value.length === b.value.length ? a.value === b.value : a.value.slice(0, 13) === b.value.slice(0, 13));
}

const MONTHS = ['JANVIER', 'FEVRIER', 'MARS', 'AVRIL', 'MAI', 'JUIN', 'JUILLET', 'AOUT', 'SEPTEMBRE', 'OCTOBRE', 'NOVEMBRE', 'DECEMBRE'];

/** Does the PDF text name this patient: the INS, or the birth name and the birth date? */
export function pdfNamesPatient(pdfText: string, who: { ins?: string; birthName?: string; birthDate?: string }): boolean {
  if (who.ins && pdfText.replace(/[\s.\u00a0]/g, '').includes(who.ins.slice(0, 13))) return true;
  if (!who.birthName || !who.birthDate) return false;
  const words = ` ${normalizeName(pdfText)} `;
  if (!words.includes(` ${normalizeName(who.birthName)} `)) return false;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(who.birthDate);
  if (!m) return false;
  const [, y, mo, d] = m;
  const compact = pdfText.replace(/[\s\u00a0]+/g, ' ');
  const numeric = [`${d}/${mo}/${y}`, `${d}.${mo}.${y}`, `${d}-${mo}-${y}`, `${y}-${mo}-${d}`];
  if (numeric.some((s) => compact.includes(s))) return true;
  const day = String(Number(d));
  return [`${day} ${MONTHS[Number(mo) - 1]} ${y}`, `${d} ${MONTHS[Number(mo) - 1]} ${y}`].some((s) => words.includes(` ${s} `));
}

function patientMailboxes(report: LabReport): string[] {
  return (report.recipients ?? [])
    .filter((r) => r.role === 'patient' || /@patient\.mssante\.fr$/i.test(r.address))
    .map((r) => r.address.slice(0, r.address.indexOf('@')).toUpperCase());
}

interface Disagreement { field: Field; a: string; b: string }

/** The envelope's patient against one carried CDA header. */
function headerDisagreements(report: LabReport, label: string, c: CarriedCda, h: CarriedPatient, env: Record<Field, string>): Disagreement[] {
  const p = report.patient;
  const cda = (f: Field) => `the carried CDA ${label} (${CDA_PATH[f]})`;
  const out: Disagreement[] = [];
  const differ = (f: Field, envField: Field = f) => out.push({ field: f, a: env[envField], b: cda(f) });
  const n = normalizeName;
  if (p.ids.ins && h.ins && !sameIns(p.ids.ins, h.ins)) differ('ins');
  if (p.birthFamilyName && h.birthFamilyName) {
    if (n(p.birthFamilyName) !== n(h.birthFamilyName)) differ('birthName');
  } else if (h.familyNames.length && !h.familyNames.some((f) => n(f) === n(p.familyName))) {
    // Without a birth name in the envelope, its one name may be a used name: it must be one of the CDA's.
    differ('familyName');
  }
  const given = p.givenNames?.[0];
  if (given && h.firstGivenName && n(given) !== n(h.firstGivenName)) differ('firstGiven');
  if (p.birthDate && h.birthDate && p.birthDate.slice(0, 10) !== h.birthDate) differ('birthDate');
  if ((p.sex === 'M' || p.sex === 'F') && (h.sex === 'M' || h.sex === 'F') && p.sex !== h.sex) differ('sex');
  if (report.prescriber?.rpps && c.prescriberRpps && report.prescriber.rpps !== c.prescriberRpps) differ('prescriber');
  return out;
}

/**
 * The identity holds of report `index` of its file: [] when every source agrees, else one
 * 'identity-mismatch' hold naming each disagreement. `pdfCopies` is readPdfCopies(report): without it,
 * a carried CDA's PDF copy counts as not read, and the report is held.
 */
export function identityHolds(report: LabReport, index: number, pdfCopies: readonly PdfCopyText[] = []): Hold[] {
  const env = ENVELOPE[report.source?.format ?? 'json'] ?? ENVELOPE.json!;
  const problems: string[] = [];
  const disagree = (d: Disagreement) => problems.push(`${FIELD_LABEL[d.field]} differs between ${d.a} and ${d.b}`);
  const p = report.patient;
  const insSources: Array<{ ins: { value: string; oid: string }; source: string }> = [];
  if (p.ids.ins) insSources.push({ ins: p.ids.ins, source: env.ins });

  carriedCdas(report).forEach((c, k) => {
    // An input's own file name may hold a patient name: only the generic names the parsers give are shown.
    const label = /^CDA(-\d+)?\.XML$/i.test(c.filename) ? c.filename : `attachment ${k + 1}`;
    if (!('xml' in c)) {
      problems.push(`the carried CDA ${label} cannot be read (not a ClinicalDocument): the patient it names cannot be checked`);
      return;
    }
    const h = c.patient;
    if (!h) {
      problems.push(`the carried CDA ${label} names no patient (no recordTarget/patientRole/patient): it cannot be checked against ${env.familyName}`);
      return;
    }
    headerDisagreements(report, label, c, h, env).forEach(disagree);
    if (h.ins) insSources.push({ ins: h.ins, source: `the carried CDA ${label} (${CDA_PATH.ins})` });
    if (!c.pdf) return;
    const copy = pdfCopies[k];
    const where = `the PDF copy embedded in ${label}`;
    if (copy === undefined) problems.push(`${where} was not read (readPdfCopies): whom it names is unknown`);
    else if (copy === null) problems.push(`${where} cannot be read as text: whom it names is unknown`);
    else {
      const who = { ins: (h.ins ?? p.ids.ins)?.value, birthName: h.birthFamilyName ?? p.birthFamilyName ?? p.familyName, birthDate: h.birthDate ?? p.birthDate?.slice(0, 10) };
      if (!pdfNamesPatient(copy, who)) {
        problems.push(`${where} names neither the INS nor the birth name and birth date of the patient of ${env.familyName} and the CDA header (another patient's report?)`);
      }
    }
  });

  for (const box of patientMailboxes(report)) {
    for (const s of insSources) {
      if (box.slice(0, 13) !== s.ins.value.slice(0, 13)) disagree({ field: 'mailbox', a: `the patient mailbox of ${env.mailbox}`, b: s.source });
    }
  }
  if (!problems.length) return [];
  return [hold('identity-mismatch', `identity mismatch, a person must check which patient this is: ${problems.join('; ')}`,
    { report: index, ...(report.source?.line ? { where: { line: report.source.line } } : {}) })];
}
