import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type MailComposerType from 'nodemailer/lib/mail-composer';
import type { LabReport } from '../model/labreport.types.js';
import type { ResolvedConfig } from '../config/load.js';
import { actionKind, type ActionKind } from '../documents/action.js';
import { displayDate, fileDate, patientDisplayName } from '../documents/names.js';
import { DOCUMENT_KINDS, kindFor, MSS_HEADER_NAMES, reportDate, type DocumentKind, type DocumentKindId, type StoredDocuments } from '../documents/kinds.js';

/** What a message to one recipient about one report needs; compose is pure apart from the MIME boundaries. */
export interface ComposeInput {
  report: LabReport;
  from: { address: string; name: string };
  to: { address: string; name?: string; role: string };
  messageId: string;
  date: Date;
  /** X-MSS-NIL, on every message. */
  nil: string;
  /** What is sent: the kind decides attachments, X-MSS headers and subject. */
  kind: DocumentKind;
  documents: StoredDocuments;
  readReceipt: boolean;
  /** Patient mailbox (Mon espace santé): end the exchange with X-MSS-MES: FIN. */
  endExchange?: boolean;
  /** What the message asks (RenderedDocuments.action); default: actionKind(report). */
  action?: ActionKind;
}

const STATUS_LINE: Record<LabReport['status'], string> = {
  final: 'Compte rendu complet.',
  partial: "Compte rendu partiel : d'autres résultats suivront.",
  corrected: 'Compte rendu corrigé : il annule et remplace la version précédente.',
  cancelled: 'ANNULATION : le compte rendu précédemment transmis pour ce dossier est annulé et ne doit plus être utilisé.',
};

/** What the receiver's software must do, said to the person (the CI-SIS puts it in the body). */
const ACTION_LINE: Record<ActionKind, string | undefined> = {
  original: undefined,
  replace: 'Ce document remplace la version précédemment transmise, qui ne doit plus être utilisée.',
  delete: 'ANNULATION : le document contenu dans IHE_XDM.ZIP est annulé et doit être supprimé de votre logiciel ; il ne doit plus être utilisé. Aucun document ne le remplace.',
};

export function bodyFor(input: ReportMessageInput & Partial<RecipientMessageInput>): string {
  const r = input.report;
  const p = r.patient;
  const action = input.action ?? actionKind(r);
  const lines = [
    'Bonjour,',
    '',
    action === 'delete'
      ? `Le laboratoire ${input.from.name} vous informe de l'annulation d'un compte rendu d'examens biologiques concernant :`
      : `Veuillez trouver ci-joint le compte rendu d'examens biologiques concernant :`,
    `  Patient : ${patientDisplayName(r)}${p.birthDate ? `, né(e) le ${displayDate(p.birthDate)}` : ''}`,
  ];
  const when = reportDate(r);
  if (when) lines.push(`  Prélèvement du : ${displayDate(when)}`);
  if (r.request.fillerId) lines.push(`  N° de dossier : ${r.request.fillerId}`);
  lines.push('', action === 'delete' && input.kind.structured ? ACTION_LINE.delete! : STATUS_LINE[r.status], '');
  if (action === 'replace' && r.status !== 'corrected') lines.push(ACTION_LINE.replace!, '');
  if (action === 'delete') {
    lines.push(input.kind.structured
      ? 'Pièces jointes : le compte rendu annulé au format PDF (marqué ANNULÉ) et le document annulé (IHE_XDM.ZIP), marqué à supprimer pour votre logiciel.'
      : 'Pièce jointe : le compte rendu annulé au format PDF (marqué ANNULÉ).');
  } else {
    lines.push(input.kind.structured
      ? 'Pièces jointes : le compte rendu au format PDF et le document structuré CDA R2 (IHE_XDM.ZIP) intégrable dans votre logiciel.'
      : 'Pièce jointe : le compte rendu au format PDF.');
  }
  lines.push('', 'Ce message a été envoyé automatiquement par la messagerie sécurisée de santé du laboratoire.',
    'Merci de ne pas y répondre pour une demande médicale urgente : contactez directement le laboratoire.', '', input.from.name);
  return `${lines.join('\r\n')}\r\n`;
}

/** What a message says about a report, the same for all its recipients of one document kind. */
export type ReportMessageInput = Omit<ComposeInput, RecipientField>;
type RecipientField = 'to' | 'messageId' | 'date' | 'endExchange';
/** What varies from one recipient to the next: only headers. */
export type RecipientMessageInput = Pick<ComposeInput, RecipientField>;

/**
 * A report's message with everything but the top-level headers built: the MIME parts (text, base64 of the
 * attachments) encoded once, however many recipients get the report.
 */
export interface PreparedMessage {
  input: ReportMessageInput;
  /** nodemailer's per-message random part of the MIME boundaries, shared by the recipients' messages. */
  baseBoundary: string;
  /** Everything after the top-level header block's blank line. */
  body: Buffer;
}

/** What every message of the lab says whatever the report: its sender, X-MSS-NIL, the read-receipt request. */
export function labMessageSettings(config: ResolvedConfig): Pick<ReportMessageInput, 'from' | 'nil' | 'readReceipt'> {
  return {
    from: { address: config.lab.mailbox, name: config.lab.senderLabel ?? config.lab.name },
    nil: config.message.nil,
    readReceipt: config.message.readReceipt,
  };
}

/** A report's rendered documents as its messages carry them (the form the spool keeps them in). */
export function documentsFor(report: LabReport, docs: { pdf: Buffer; xdm?: Buffer; cdaCode?: string }): StoredDocuments {
  return { pdf: { filename: pdfFileName(report), content: docs.pdf }, ...(docs.xdm ? { xdm: docs.xdm, cdaCode: docs.cdaCode } : {}) };
}

/** The document kind a report's messages to recipients at `stage` carry, given its documents (kindFor). */
export function messageKind(stage: 1 | 2, report: LabReport, documents: StoredDocuments): DocumentKindId {
  return kindFor(stage, report, documents.cdaCode !== undefined);
}

/**
 * The body of a report's messages of one kind, with what its version asks of the receivers. The deliverer
 * and the render threads both compose through here, so a body prepared in a thread is the one the
 * deliverer would have made.
 */
export function prepareReportMessage(report: LabReport, version: number, documents: StoredDocuments, kind: DocumentKindId,
  settings: Pick<ReportMessageInput, 'from' | 'nil' | 'readReceipt'>): Promise<PreparedMessage> {
  return prepareMessage({ report, ...settings, kind: DOCUMENT_KINDS[kind], documents, action: actionKind(report, version) });
}

type MailComposer = typeof MailComposerType;
// Loaded on first use: commands that never compose start faster.
let mailComposer: MailComposer | undefined;

function composer(input: ReportMessageInput, recipient: RecipientMessageInput, baseBoundary: string): MailComposerType {
  const headers: Record<string, string> = { 'X-MSS-NIL': input.nil, ...input.kind.headers(input.report, input.documents) };
  if (recipient.endExchange) headers['X-MSS-MES'] = 'FIN';
  if (input.readReceipt) headers['Disposition-Notification-To'] = input.from.address;
  mailComposer ??= createRequire(import.meta.url)('nodemailer/lib/mail-composer') as MailComposer;
  return new mailComposer({
    from: { name: input.from.name, address: input.from.address },
    to: recipient.to.name ? { name: recipient.to.name, address: recipient.to.address } : recipient.to.address,
    subject: input.kind.subject(input.report, input.action ?? actionKind(input.report)),
    text: bodyFor(input),
    messageId: recipient.messageId,
    date: recipient.date,
    headers,
    attachments: input.kind.attachments(input.documents),
    textEncoding: 'quoted-printable',
    baseBoundary,
  });
}

const HEADER_END = '\r\n\r\n';

/**
 * Encodes the report's message parts once. `baseBoundary` is nodemailer's own random draw unless given
 * (tests give one to compare bytes).
 */
export async function prepareMessage(input: ReportMessageInput, baseBoundary = randomBytes(8).toString('hex')): Promise<PreparedMessage> {
  // The recipient fields only reach the top-level headers, which are cut off here.
  const whole = await composer(input, { to: { address: 'x@x', role: 'x' }, messageId: '<x@x>', date: new Date(0) }, baseBoundary).compile().build();
  return { input, baseBoundary, body: whole.subarray(whole.indexOf(HEADER_END) + HEADER_END.length) };
}

/**
 * The exact bytes of the message (.eml) to one recipient: its top-level headers as nodemailer writes them,
 * MSS names spelled, then the prepared body (the parts are not encoded again).
 */
export function messageFor(prepared: PreparedMessage, recipient: RecipientMessageInput): Buffer {
  const head = spellHead(composer(prepared.input, recipient, prepared.baseBoundary).compile().buildHeaders());
  return Buffer.concat([Buffer.from(head + HEADER_END, 'latin1'), prepared.body]);
}

/** Builds the exact bytes of one message (.eml); for several recipients of a report, prepareMessage once and messageFor each. */
export async function composeMessage(input: ComposeInput): Promise<Buffer> {
  return messageFor(await prepareMessage(input), input);
}

/**
 * nodemailer writes header names its own way (`X-Mss-Codecda`); the ANS specification spells them
 * `X-MSS-CODECDA`, and some receiving software compares case-sensitively. Only the message's own header
 * block is touched, never a part's or the body.
 */
function spellHead(head: string): string {
  for (const name of MSS_HEADER_NAMES) head = head.replace(new RegExp(`^${name}:`, 'gim'), `${name}:`);
  return head;
}

/** French letters a plain accent strip would lose: Œ, Æ, ß spelled out; accents removed. */
function asciiName(s: string): string {
  const spelled: Record<string, string> = { Œ: 'OE', œ: 'oe', Æ: 'AE', æ: 'ae', ß: 'ss' };
  return s.replace(/[ŒœÆæß]/g, (c) => spelled[c]!).normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/** R2 name of the PDF: `<date acte>_<type document>_<NOM>_<prénom>_<n° dossier>.pdf`. */
export function pdfFileName(report: LabReport): string {
  const p = report.patient;
  // Each part bounded: a 243-letter family name must not make a name the filesystem refuses.
  const part = (s: string | undefined) => asciiName(s ?? '').replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  const date = fileDate(reportDate(report) ?? '');
  const pieces = [date, 'CR-BIO', part(p.familyName).toUpperCase(), part(p.givenNames?.[0] ?? p.usedGivenName), part(report.request.fillerId)];
  return `${pieces.filter(Boolean).join('_')}.pdf`;
}
