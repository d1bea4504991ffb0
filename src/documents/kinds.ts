import type { LabReport } from '../model/labreport.types.js';
import { displayDate, patientDisplayName } from './names.js';
import { actionKind, type ActionKind } from './action.js';

/**
 * The kinds of document labmss sends, each declaring what it needs rendered, the files it attaches with
 * their MIME types, the MSSanté headers it adds (spelled as the ANS specification spells them) and its
 * subject convention. The pipeline asks a kind; it never tests a stage number. Config keeps `stage`
 * (1 or 2) as the setting people use: `kindFor` turns it into a kind per recipient.
 */
export type DocumentKindId = 'pdf-report' | 'crbio-xdm' | 'carried-cda';

/** A report version's documents as stored in its spool folder. */
export interface StoredDocuments {
  pdf: { filename: string; content: Buffer };
  /** IHE_XDM.ZIP holding the CDA (structured kinds only). */
  xdm?: Buffer;
  /** The CDA's own `code/@code`: X-MSS-CODECDA. */
  cdaCode?: string;
}

export interface Attachment { filename: string; content: Buffer; contentType: string }

export interface DocumentKind {
  id: DocumentKindId;
  /** The user-facing stage this kind belongs to. */
  stage: 1 | 2;
  /** Whether the CDA and its IHE_XDM.ZIP must be rendered. */
  structured: boolean;
  attachments(docs: StoredDocuments): Attachment[];
  /** `X-MSS-*` headers beside X-MSS-NIL (which every message carries). */
  headers(report: LabReport, docs: StoredDocuments): Record<string, string>;
  /** The subject; a replacement or cancellation starts its label with REMPLACEMENT / ANNULATION. */
  subject(report: LabReport, action?: ActionKind): string;
}

export const XDM_FILE = 'IHE_XDM.ZIP';
/** The separate copy of the CDA that labmss 0.1 wrote beside the XDM (read, never written now). */
export const LEGACY_CDA_FILE = 'CDA.XML';

const pdfAttachment = (docs: StoredDocuments): Attachment =>
  ({ filename: docs.pdf.filename, content: docs.pdf.content, contentType: 'application/pdf' });

function structuredKind(id: 'crbio-xdm' | 'carried-cda'): DocumentKind {
  return {
    id, stage: 2, structured: true,
    // The XDM first: doctors' software files the first structured attachment it finds.
    attachments: (docs) => [{ filename: XDM_FILE, content: docs.xdm!, contentType: 'application/zip' }, pdfAttachment(docs)],
    headers: (report, docs) => ({ 'X-MSS-CODECDA': docs.cdaCode!, 'X-MSS-INS': insQualified(report) ? 'O' : 'N' }),
    subject: (report, action) => structuredSubject(report, action),
  };
}

export const DOCUMENT_KINDS: Readonly<Record<DocumentKindId, DocumentKind>> = {
  'pdf-report': { id: 'pdf-report', stage: 1, structured: false, attachments: (docs) => [pdfAttachment(docs)], headers: () => ({}), subject: (r, action) => plainSubject(r, action) },
  'crbio-xdm': structuredKind('crbio-xdm'),
  // The lab's own CDA (CI-SIS ORU), sent byte for byte: its code is whatever that document says.
  'carried-cda': structuredKind('carried-cda'),
};

/** The kind a recipient gets: the stage asked for, as far as the report can give it. */
export function kindFor(stage: 1 | 2, report: LabReport, structuredPossible: boolean): DocumentKindId {
  if (stage === 1 || !structuredPossible) return 'pdf-report';
  return report.attachments?.some((a) => a.role === 'cda') ? 'carried-cda' : 'crbio-xdm';
}

/** The MSSanté header names as the ANS writes them (mail libraries capitalise them as X-Mss-Codecda). */
export const MSS_HEADER_NAMES = ['X-MSS-NIL', 'X-MSS-CODECDA', 'X-MSS-INS', 'X-MSS-MES'] as const;

/** The INS traits R2 requires for X-MSS-INS: O: matricule + OID + birth name, first given name, birth date, sex. */
export function insQualified(report: LabReport): boolean {
  const p = report.patient;
  return Boolean(p.ids.ins?.qualified && (p.birthFamilyName ?? p.familyName) && p.givenNames?.[0] && p.birthDate && p.sex && p.sex !== 'U');
}

/** First word of the subject's label for a replacement or a deletion (the libellé is free text in R2). */
const ACTION_WORD: Record<ActionKind, string> = { original: '', replace: 'REMPLACEMENT ', delete: 'ANNULATION ' };

/**
 * R2's `XDM/1.0/DDM+<libellé> <NOM> <prénom> <date de naissance>`: receiving software reads it. The prefix
 * that routes the mail to an applicative mailbox stays; the person reading the list sees the action first.
 */
function structuredSubject(report: LabReport, action: ActionKind = actionKind(report)): string {
  const p = report.patient;
  const given = p.givenNames?.[0] ?? p.usedGivenName ?? '';
  const birth = p.birthDate ? ` ${displayDate(p.birthDate)}` : '';
  return `XDM/1.0/DDM+${ACTION_WORD[action]}CR d'examens biologiques ${(p.birthFamilyName ?? p.familyName).toUpperCase()} ${given}${birth}`.replace(/\s+/g, ' ').trim();
}

function plainSubject(report: LabReport, action: ActionKind = actionKind(report)): string {
  const when = reportDate(report);
  return `${ACTION_WORD[action]}Compte rendu d'examens biologiques - ${patientDisplayName(report)}${when ? ` - ${displayDate(when.slice(0, 10))}` : ''}`.trim();
}

/** The date a report is known by: sampling, else report, else reception. */
export function reportDate(report: LabReport): string | undefined {
  return report.request.collectedAt ?? report.request.reportedAt ?? report.request.receivedAt;
}
