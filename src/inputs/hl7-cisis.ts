import type { Masking, NamedRecipient } from '../model/labreport.types.js';
import { practitionerOf } from './hl7-people.js';
import type { Hl7Reader } from './hl7-read.js';
import type { Segment } from './hl7-tokens.js';

/**
 * The CI-SIS "transmission de documents CDA en HL7v2" profile: PRT participants (MSSanté recipients)
 * and the MetaDMPMSS flags that ask for masking, destinations and receipts.
 */

const META: Record<string, keyof Masking> = {
  MASQUE_PS: 'maskedFromProfessionals',
  INVISIBLE_PATIENT: 'invisibleToPatient',
  CONNEXION_SECRETE: 'secretConnection',
  DESTDMP: 'toDmp',
  DESTMSSANTEPS: 'toMssPro',
  DESTMSSANTEPAT: 'toMssPatient',
  ACK_RECEPTION: 'ackReception',
  ACK_LECTURE_MSS: 'ackRead',
};
/** Flags of the table that the LabReport does not carry (no effect on what labmss sends). */
const IGNORED: ReadonlySet<string> = new Set(['INVISIBLE_REP_LEGAUX', 'MODIF_CONF_CODE', 'CORPSMAIL_PS', 'CORPSMAIL_PATIENT']);

/** Records one MetaDMPMSS flag (Y/N) in the masking; other values are warned about, never guessed. */
export function applyMeta(masking: Masking, code: string, value: string, obx: Segment, r: Hl7Reader): void {
  const key = META[code];
  if (!key) {
    if (!IGNORED.has(code)) r.warn(obx, 'OBX-3', `unknown MetaDMPMSS flag "${code}" (ignored)`);
    return;
  }
  if (value === 'Y' || value === 'N') masking[key] = value === 'Y';
  else r.warn(obx, 'OBX-5', `MetaDMPMSS ${code} should be Y or N, not "${value}" (ignored)`);
}

/** PRT with role RCT (recipient) → NamedRecipient; undefined for other roles or without an address. */
export function recipientOf(prt: Segment, r: Hl7Reader): NamedRecipient | undefined {
  if (r.get(prt, 4).trim().toUpperCase() !== 'RCT') return undefined;
  let address: string | undefined;
  for (let i = 0; i < prt.reps(15).length; i++) {
    const a = (r.get(prt, 15, 4, 1, i) || r.get(prt, 15, 1, 1, i)).trim();
    if (/^[^@\s]+@[^@\s]+$/.test(a)) { address = a; break; }
  }
  if (!address) {
    r.warn(prt, 'PRT-15', 'recipient without an email address (ignored)');
    return undefined;
  }
  const recipient: NamedRecipient = { address, role: address.toLowerCase().endsWith('@patient.mssante.fr') ? 'patient' : 'other' };
  const person = prt.reps(5)[0] && practitionerOf(prt.reps(5)[0]!, prt, 'PRT-5', r);
  if (person) {
    const name = [person.givenName, person.familyName].filter(Boolean).join(' ');
    if (name) recipient.name = name;
    if (person.rpps && recipient.role !== 'patient') recipient.rpps = person.rpps;
  }
  return recipient;
}

/** PRT with role SB (sender): FINESS of the sending organisation (PRT-8 XON-10) when well formed. */
export function senderFinessOf(prt: Segment, r: Hl7Reader): string | undefined {
  if (r.get(prt, 4).trim().toUpperCase() !== 'SB') return undefined;
  const id = r.get(prt, 8, 10).trim();
  return /^[0-9AB]{9}$/.test(id) ? id : undefined;
}
