import { decodedBody, findPart, header, headerGroups, parseEntity, parseHeaderBlock, type HeaderBlock } from './mime.js';

/** One recipient's fields of a DSN (RFC 3464 §2.3). */
export interface DsnRecipient {
  action: 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded' | string;
  status?: string;
  finalRecipient?: string;
  originalRecipient?: string;
  diagnostic?: string;
  remoteMta?: string;
  willRetryUntil?: string;
}

export interface Dsn {
  kind: 'dsn';
  /** Message-ID of the report itself (to recognise it when seen again). */
  reportMessageId?: string;
  /** ENVID given at MAIL FROM: labmss puts the delivery id there (`D42`). */
  envelopeId?: string;
  reportingMta?: string;
  /** Message-ID of the returned message's headers, when the report includes them (RET=HDRS). */
  originalMessageId?: string;
  recipients: DsnRecipient[];
}

/** `manual-action/MDN-sent-manually; displayed` or `…; processed/Error: 903^INS du patient absent` (RFC 8098 §3.2.6). */
export interface Disposition {
  actionMode: string;
  sendingMode: string;
  type: 'displayed' | 'processed' | 'deleted' | 'dispatched' | 'denied' | 'failed' | string;
  modifiers: string[];
  /** The error modifier the French DPI integration reports use: `Error: code^label`. */
  error?: { code?: string; label: string };
}

export interface Mdn {
  kind: 'mdn';
  reportMessageId?: string;
  reportingUa?: string;
  finalRecipient?: string;
  originalRecipient?: string;
  originalMessageId?: string;
  disposition: Disposition;
  subject?: string;
}

export type Receipt = Dsn | Mdn;

/** `rfc822; dr.martin@mss.test` → `dr.martin@mss.test`. */
function address(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const i = value.indexOf(';');
  return (i >= 0 ? value.slice(i + 1) : value).trim().replace(/^<(.*)>$/, '$1') || undefined;
}

const messageIdOf = (value: string | undefined) => /<[^<>\s]+>/.exec(value ?? '')?.[0];

export function parseDisposition(value: string): Disposition {
  const [modes = '', rest = ''] = value.split(';', 2).map((s) => s.trim());
  const [actionMode = '', sendingMode = ''] = modes.split('/').map((s) => s.trim());
  const slash = rest.indexOf('/');
  const type = (slash >= 0 ? rest.slice(0, slash) : rest).trim().toLowerCase();
  const modifiers = slash >= 0 ? rest.slice(slash + 1).split(',').map((s) => s.trim()).filter(Boolean) : [];
  const d: Disposition = { actionMode: actionMode.toLowerCase(), sendingMode, type, modifiers };
  const err = modifiers.map((m) => /^error\s*:?\s*(.*)$/i.exec(m)).find(Boolean);
  if (err) {
    const text = err[1]!.trim();
    const caret = text.indexOf('^');
    d.error = caret >= 0 ? { code: text.slice(0, caret).trim() || undefined, label: text.slice(caret + 1).trim() } : { label: text };
  }
  return d;
}

function dsnFrom(groups: HeaderBlock[], top: HeaderBlock, returned: HeaderBlock | undefined): Dsn {
  const [perMessage = new Map(), ...perRecipient] = groups;
  return {
    kind: 'dsn',
    reportMessageId: messageIdOf(header(top, 'message-id')),
    envelopeId: header(perMessage, 'original-envelope-id'),
    reportingMta: address(header(perMessage, 'reporting-mta')),
    originalMessageId: returned ? messageIdOf(header(returned, 'message-id')) : undefined,
    recipients: perRecipient.filter((g) => header(g, 'action')).map((g) => ({
      action: header(g, 'action')!.toLowerCase(),
      status: header(g, 'status'),
      finalRecipient: address(header(g, 'final-recipient')),
      originalRecipient: address(header(g, 'original-recipient')),
      diagnostic: header(g, 'diagnostic-code'),
      remoteMta: address(header(g, 'remote-mta')),
      willRetryUntil: header(g, 'will-retry-until'),
    })),
  };
}

/**
 * Reads a DSN (multipart/report; report-type=delivery-status) or an MDN (…=disposition-notification) out
 * of a raw message; undefined for anything else (ordinary mail is not a receipt).
 */
export function parseReceipt(raw: Buffer | string): Receipt | undefined {
  const top = parseEntity(typeof raw === 'string' ? raw : raw.toString('utf8'));
  const status = findPart(top, (ct) => /^message\/(global-)?delivery-status$/.test(ct.type));
  if (status) {
    const returned = findPart(top, (ct) => ct.type === 'text/rfc822-headers' || ct.type === 'message/rfc822' || ct.type === 'message/global-headers');
    return dsnFrom(headerGroups(decodedBody(status)), top.headers, returned ? parseEntity(decodedBody(returned)).headers : undefined);
  }
  const mdnPart = findPart(top, (ct) => /^message\/(global-)?disposition-notification$/.test(ct.type));
  if (mdnPart) {
    const f = parseHeaderBlock(decodedBody(mdnPart));
    const disposition = parseDisposition(header(f, 'disposition') ?? '');
    // RFC 3798 had a separate Error field; some DPIs still send it.
    if (!disposition.error && header(f, 'error')) disposition.error = { label: header(f, 'error')! };
    return {
      kind: 'mdn',
      reportMessageId: messageIdOf(header(top.headers, 'message-id')),
      reportingUa: header(f, 'reporting-ua'),
      finalRecipient: address(header(f, 'final-recipient')),
      originalRecipient: address(header(f, 'original-recipient')),
      originalMessageId: messageIdOf(header(f, 'original-message-id')),
      disposition,
      subject: header(top.headers, 'subject'),
    };
  }
  return undefined;
}

