import type { Ins, LabReport } from '../model/labreport.types.js';

/**
 * The patient's Mon espace santé mailbox, `<matricule INS>@patient.mssante.fr`, and when a report may go
 * there. Only a qualified INS of the production registers (NIR `1.2.250.1.213.1.4.8`, NIA `…4.9`) gives an
 * address: the test and demonstration OIDs (`…4.10`, `…4.11`) come from INSi test environments, and mail
 * built from them would reach a stranger or nobody, so they are refused whatever the transport.
 */

export const PATIENT_DOMAIN = 'patient.mssante.fr';
/** Mon espace santé refuses messages over 25 MB (CNAM ENS "Messagerie"); counted in decimal megabytes to stay under it. */
export const MES_MAX_BYTES = 25_000_000;

const PRODUCTION_OIDS = new Set(['1.2.250.1.213.1.4.8', '1.2.250.1.213.1.4.9']);
const OID_NAMES: Record<string, string> = {
  '1.2.250.1.213.1.4.10': 'test NIR', '1.2.250.1.213.1.4.11': 'demonstration NIR',
};

/** The NIR/NIA control key: 97 − (number mod 97), Corsican departments 2A/2B counted as 19/18. */
export function insKey(thirteen: string): string {
  const digits = thirteen.toUpperCase().replace(/^(\d{5})2A/, '$119').replace(/^(\d{5})2B/, '$118');
  return String(97n - (BigInt(digits) % 97n)).padStart(2, '0');
}

/** The 15-character matricule (with its key) of an INS, or why it is unusable. */
export function insMatricule(ins: Ins): { matricule: string } | { problem: string } {
  const v = ins.value.replace(/\s+/g, '').toUpperCase();
  if (!/^[12378]\d{4}(\d{2}|2A|2B)\d{6}(\d{2})?$/.test(v)) return { problem: 'the INS matricule is not 13 or 15 characters of a NIR/NIA' };
  const key = insKey(v.slice(0, 13));
  if (v.length === 15 && v.slice(13) !== key) return { problem: 'the INS matricule fails its control key' };
  return { matricule: `${v.slice(0, 13)}${key}` };
}

/** Who the patient is in reasons and the journal: never the name (logs carry no patient names). */
export function describePatient(report: LabReport): string {
  return report.patient.ids.ipp ? `patient (IPP ${report.patient.ids.ipp})` : 'patient';
}

export type PatientRouting =
  | { address: string }
  /** The patient should get it but cannot: a person can act (qualify the identity…). */
  | { held: string }
  /** Deliberately not sent to the patient. */
  | { skip: string };

/** Whether and where the report goes to the patient, from the lab's opt-in, the input's flags and the INS. */
export function patientRouting(report: LabReport, enabled: boolean): PatientRouting {
  const m = report.masking ?? {};
  if (!enabled) return { skip: 'sending to patients is not enabled (routing.patients.enabled)' };
  if (m.invisibleToPatient) return { skip: 'the input marks the report invisible to the patient (INVISIBLE_PATIENT)' };
  if (m.secretConnection) return { skip: 'the input marks a secret stay (CONNEXION_SECRETE): never to the patient' };
  if (m.toMssPatient === false) return { skip: 'the input does not address the patient (DESTMSSANTEPAT=N)' };
  const ins = report.patient.ids.ins;
  if (!ins) return { held: 'no INS: Mon espace santé is reached only through a qualified INS' };
  if (!ins.qualified) return { held: 'the INS is not qualified (identity status not VALI/QUAL): Mon espace santé needs a qualified INS' };
  if (!PRODUCTION_OIDS.has(ins.oid)) return { held: `the INS is a ${OID_NAMES[ins.oid] ?? `OID ${ins.oid}`}: never sent to Mon espace santé` };
  const m15 = insMatricule(ins);
  if ('problem' in m15) return { held: m15.problem };
  return { address: `${m15.matricule}@${PATIENT_DOMAIN}` };
}

/** The size limit of one delivery: message.maxBytes, and for a patient no more than Mon espace santé takes. */
export function maxBytesFor(role: string, configured: number): number {
  return role === 'patient' ? Math.min(configured, MES_MAX_BYTES) : configured;
}
