/**
 * What a message asks of the receiving software, the way the CI-SIS expresses it (docs/carried-cda.md):
 * integrate a new document, replace an earlier one, or delete one. The receiver's PFI learns it from
 * the XDM METADATA.XML (extra-metadata `action` C or D, RPLC association, DocumentEntry status) and the
 * CDA (relatedDocument RPLC for a replacement, ClinicalDocument/id of the document to delete); the mail
 * says it to the person reading it (subject and body) and the PDF shows it.
 */
import type { LabReport } from '../model/labreport.types.js';
import { carriedCda, type CarriedCda } from './cda/carried.js';

export type ActionKind = 'original' | 'replace' | 'delete';

export type DocumentAction =
  | { kind: 'original' }
  /** `replaces`: XDS uniqueId of the replaced document (its CDA id). */
  | { kind: 'replace'; replaces: string }
  /** `cda`: the document to delete, as the receivers have it (its id is what they delete). */
  | { kind: 'delete'; cda: string };

/**
 * The kind of action, from what a message composer has (the report and its version): a cancellation
 * deletes; a carried CDA replaces when it says so (relatedDocument RPLC) or its envelope does; a CR-BIO
 * labmss builds replaces from version 2 on.
 */
export function actionKind(report: LabReport, version = 1): ActionKind {
  if (report.status === 'cancelled') return 'delete';
  let carried: CarriedCda | undefined;
  try {
    carried = carriedCda(report);
  } catch {
    carried = undefined;
  }
  if (carried) return carried.replaces || report.status === 'corrected' ? 'replace' : 'original';
  return version > 1 ? 'replace' : 'original';
}

/**
 * The action a CR-BIO message expresses, or why it cannot be expressed (the report is then held:
 * a cancelled document must never go out as an ordinary one, nor a replacement as a second original).
 * - carried CDA, cancelled: the carried document is the one to delete (receivers delete its id);
 * - carried CDA replacing another (relatedDocument RPLC): replace that id; an envelope that says
 *   "corrected" (ORC-1 RO/XO, OBX-11 C) over a CDA that names no replaced document cannot be expressed;
 * - built CDA, cancelled: the receivers must delete the version they have, so its CDA (`previousCda`,
 *   the last version labmss sent) goes in the XDM; without it, it cannot be expressed;
 * - built CDA of version ≥ 2: replaces `replacesUniqueId` (the previous version's XDS uniqueId).
 */
export function planAction(report: LabReport, carried: CarriedCda | undefined, built: { replacesUniqueId?: string; previousCda?: string }):
  { action: DocumentAction } | { problem: string } {
  if (carried) {
    if (report.status === 'cancelled') return { action: { kind: 'delete', cda: carried.xml } };
    if (carried.replaces) return { action: { kind: 'replace', replaces: carried.replaces } };
    if (report.status === 'corrected') {
      return { problem: `the input says this report replaces an earlier one (ORC-1/OBX-11), but the carried CDA names no document it replaces (relatedDocument typeCode RPLC): the receivers cannot tell which document to replace` };
    }
    return { action: { kind: 'original' } };
  }
  if (report.status === 'cancelled') {
    if (built.previousCda) return { action: { kind: 'delete', cda: built.previousCda } };
    return { problem: 'a cancellation of a CR-BIO: the receivers delete the document they hold, but the CDA of the version labmss sent before is not available (first version, or sent as PDF only): a person must tell the recipients' };
  }
  if (built.replacesUniqueId) return { action: { kind: 'replace', replaces: built.replacesUniqueId } };
  return { action: { kind: 'original' } };
}
