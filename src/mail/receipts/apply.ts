import type { DeliveryRow, Journal } from '../../queue/journal.js';
import { deliveryIdOf } from '../message-id.js';
import { moveDelivery, type DeliveryOp, type DeliveryPatch } from '../../queue/delivery-state.js';
import type { Dsn, DsnRecipient, Mdn, Receipt } from './parse.js';

/** What became of one receipt: the deliveries it was about, or none (not ours, or an unknown delivery). */
export interface ApplyResult { matched: boolean; deliveries: number[] }

/** `<labmss.D42.<instance>@domain>` → 42 when the instance is this journal's (another state dir's mail is not ours). */
function deliveryOfMessageId(journal: Journal, messageId: string | undefined): DeliveryRow | undefined {
  if (!messageId) return undefined;
  const exact = journal.deliveryByMessageId(messageId);
  if (exact) return exact;
  const id = deliveryIdOf(messageId, journal.instanceId);
  return id === undefined ? undefined : journal.delivery(id);
}

const sameAddress = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * The delivery a DSN recipient block is about. The returned headers' Message-ID identifies this journal's
 * message for sure; the ENVID (`D42`) is used when the operator returned no headers, and only if the
 * recipient agrees, since another installation sharing the mailbox numbers its deliveries too.
 */
function dsnDelivery(journal: Journal, dsn: Dsn, r: DsnRecipient): DeliveryRow | undefined {
  if (dsn.originalMessageId) return deliveryOfMessageId(journal, dsn.originalMessageId);
  const m = /^D(\d+)$/.exec(dsn.envelopeId ?? '');
  const d = m ? journal.delivery(Number(m[1])) : undefined;
  if (d && (sameAddress(r.originalRecipient, d.recipient) || sameAddress(r.finalRecipient, d.recipient))) return d;
  return undefined;
}

/** A receipt seen before (same report Message-ID on the same delivery) is not applied twice. */
function seen(journal: Journal, delivery: number, reportMessageId: string | undefined): boolean {
  if (!reportMessageId) return false;
  return journal.eventMentions(delivery, reportMessageId);
}

/** Applies the receipt's operation if the delivery's state allows it; otherwise records the receipt as an event only. */
function moveOrNote(journal: Journal, d: DeliveryRow, op: DeliveryOp, patch: DeliveryPatch, kind: string, detail: string): void {
  if (moveDelivery(journal, d.id, op, patch, detail)) return;
  journal.event(kind, { report: d.report_id, delivery: d.id }, `${detail} (delivery already ${journal.delivery(d.id)!.state})`);
}

function dsnDetail(dsn: Dsn, r: DsnRecipient): string {
  const parts = [`DSN ${r.action}`, r.status, r.finalRecipient && `for ${r.finalRecipient}`, dsn.reportingMta && `from ${dsn.reportingMta}`,
    r.diagnostic && `: ${r.diagnostic}`, r.willRetryUntil && `(retrying until ${r.willRetryUntil})`, dsn.reportMessageId && `[report ${dsn.reportMessageId}]`];
  return parts.filter(Boolean).join(' ');
}

function applyDsn(journal: Journal, dsn: Dsn, at: string): ApplyResult {
  const ids: number[] = [];
  for (const r of dsn.recipients) {
    const d = dsnDelivery(journal, dsn, r);
    if (!d) continue;
    ids.push(d.id);
    if (seen(journal, d.id, dsn.reportMessageId)) continue;
    const detail = dsnDetail(dsn, r);
    if (r.action === 'delivered') {
      moveOrNote(journal, d, 'delivered', { delivered_at: at }, 'dsn', detail);
    } else if (r.action === 'failed') {
      const reason = `bounced: ${r.status ?? ''} ${r.diagnostic ?? 'no diagnostic given'}`.replace(/\s+/g, ' ').trim();
      moveOrNote(journal, d, 'bounced', { reason, next_attempt_at: null }, 'dsn', detail);
    } else {
      // delayed, relayed, expanded: worth knowing, not a final state.
      journal.event(`dsn-${r.action}`, { report: d.report_id, delivery: d.id }, detail);
    }
  }
  return { matched: ids.length > 0, deliveries: ids };
}

function applyMdn(journal: Journal, mdn: Mdn, at: string): ApplyResult {
  const d = deliveryOfMessageId(journal, mdn.originalMessageId);
  if (!d) return { matched: false, deliveries: [] };
  if (seen(journal, d.id, mdn.reportMessageId)) return { matched: true, deliveries: [d.id] };
  const disp = mdn.disposition;
  const who = mdn.finalRecipient ?? mdn.originalRecipient ?? d.recipient;
  const tail = mdn.reportMessageId ? ` [report ${mdn.reportMessageId}]` : '';
  if (disp.error) {
    // The doctor's software received it but could not integrate it (e.g. "KO intégration" 903 INS missing):
    // a person must look, but the message did arrive, so it is not a bounce.
    const reason = `recipient's software reports an error${disp.error.code ? ` ${disp.error.code}` : ''}: ${disp.error.label}`;
    moveOrNote(journal, d, 'integrationError', { reason }, 'mdn-error', `MDN ${disp.type}/error from ${who}: ${reason}${tail}`);
  } else if (disp.type === 'displayed' || disp.type === 'processed') {
    moveOrNote(journal, d, 'read', { read_at: at }, 'mdn', `MDN ${disp.type} by ${who}${tail}`);
  } else {
    journal.event(`mdn-${disp.type || 'unknown'}`, { report: d.report_id, delivery: d.id }, `MDN ${disp.type} by ${who}${tail}`);
  }
  return { matched: true, deliveries: [d.id] };
}

/** Records a receipt in the journal: DSN delivered → delivered, failed → bounced, MDN displayed/processed → read. */
export function applyReceipt(journal: Journal, receipt: Receipt, at = journal.now()): ApplyResult {
  return receipt.kind === 'dsn' ? applyDsn(journal, receipt, at) : applyMdn(journal, receipt, at);
}
