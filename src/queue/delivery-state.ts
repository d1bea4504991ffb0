import type { DeliveryRow, DeliveryState, Journal } from './journal.js';

/**
 * The delivery state machine: the one place that says which state may follow which, by which named
 * operation. Every change of a delivery's state in labmss goes through `moveDelivery` below, in one
 * transaction with its event row; the journal refuses nothing by itself, so a transition that is not in
 * this table cannot happen.
 *
 *   pending ─startAttempt→ sending ─accept→ accepted ─delivered→ delivered ─read→ read
 *      │                     │  └─defer→ deferred ─startAttempt→ sending
 *      │                     └─fail→ failed        accepted|delivered ─bounced→ bounced
 *      └─hold→ held ─release→ pending        pending|deferred|held ─cancel→ cancelled
 */
export type DeliveryOp =
  | 'startAttempt' | 'accept' | 'defer' | 'fail' | 'hold' | 'release'
  | 'delivered' | 'bounced' | 'read' | 'integrationError' | 'cancel';

/** `sending` appears in the from-lists of receipts: a DSN may arrive before the journal recorded `accepted` (crash). */
export const TRANSITIONS: Readonly<Record<DeliveryOp, { from: readonly DeliveryState[]; to: DeliveryState | 'same' }>> = {
  // `sending` again: a crash caught the delivery in flight; the same .eml goes out with the same Message-ID.
  startAttempt: { from: ['pending', 'deferred', 'sending'], to: 'sending' },
  accept: { from: ['sending'], to: 'accepted' },
  defer: { from: ['sending'], to: 'deferred' },
  // Before the hand-over too: an envelope that does not match the journal fails without sending.
  fail: { from: ['sending', 'pending', 'deferred'], to: 'failed' },
  hold: { from: ['pending', 'deferred', 'sending'], to: 'held' },
  release: { from: ['held'], to: 'pending' },
  delivered: { from: ['accepted', 'sending', 'deferred'], to: 'delivered' },
  bounced: { from: ['accepted', 'sending', 'deferred', 'delivered'], to: 'bounced' },
  read: { from: ['accepted', 'delivered', 'sending', 'deferred'], to: 'read' },
  // The doctor's software got it but could not file it: a person must look; the state stays what it was.
  integrationError: { from: ['accepted', 'delivered', 'read', 'sending', 'deferred'], to: 'same' },
  cancel: { from: ['pending', 'deferred', 'held'], to: 'cancelled' },
};

/** States no operation leaves (`integrationError` aside, which only notes). */
export const TERMINAL: ReadonlySet<DeliveryState> = new Set(['read', 'bounced', 'failed', 'cancelled']);

/** States a delivery waits in for labmss or a person to act: `run` reports them, the daemon retries them. */
export const OPEN: ReadonlySet<DeliveryState> = new Set(['pending', 'sending', 'deferred', 'held']);

export function canApply(op: DeliveryOp, from: DeliveryState): boolean {
  return TRANSITIONS[op].from.includes(from);
}

export function targetOf(op: DeliveryOp, from: DeliveryState): DeliveryState {
  const to = TRANSITIONS[op].to;
  return to === 'same' ? from : to;
}

/** What an operation may change beside the state (`recipient`: a release to the address found since). */
export type DeliveryPatch = Partial<Pick<DeliveryRow,
  'recipient' | 'reason' | 'eml_path' | 'eml_sha256' | 'eml_size' | 'attempts' | 'first_attempt_at' | 'next_attempt_at' |
  'last_reply' | 'queue_id' | 'accepted_at' | 'delivered_at' | 'read_at'>>;

/**
 * Applies a named operation to a delivery if its current state allows it; false (nothing written) when
 * it does not — the row moved on meanwhile (another process, a receipt) or the operation makes no sense.
 */
export function moveDelivery(journal: Journal, id: number, op: DeliveryOp, patch: DeliveryPatch = {}, detail?: string): boolean {
  // An operation that keeps the state is recorded under the name receipts always used for it.
  const kind = op === 'integrationError' ? 'mdn-error' : op;
  return journal.changeDelivery(id, (from) => (canApply(op, from) ? targetOf(op, from) : undefined), patch, detail, kind);
}
