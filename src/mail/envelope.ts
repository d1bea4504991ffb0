import type { AllowlistCheck } from '../routing/allowlist.js';
import { parseMailbox } from '../routing/mailbox.js';

/**
 * The transports' own check of the envelope, after routing's (defence in depth): a message goes to
 * exactly one RCPT TO, the journaled recipient, which must be one mailbox in its normal form and on the
 * allow-list. Anything else fails the delivery before a byte is sent.
 */
export function envelopeRecipient(to: string, allowlist: AllowlistCheck): { address: string } | { refused: string } {
  const m = parseMailbox(to);
  if (!m.ok) return { refused: `envelope refused, nothing sent: the recipient is not a single valid address (${m.reason})` };
  if (m.address.toLowerCase() !== to.toLowerCase()) return { refused: 'envelope refused, nothing sent: the recipient is not in its normal form' };
  const off = allowlist(m.address);
  return off ? { refused: `envelope refused, nothing sent: ${off}` } : { address: m.address };
}

/** Why what the mail library reports it sent to differs from the one recipient it was given, or undefined. */
export function envelopeMismatch(address: string, reported: string[]): string | undefined {
  const lc = reported.map((a) => a.toLowerCase());
  return lc.length === 1 && lc[0] === address.toLowerCase()
    ? undefined
    : `the SMTP envelope had ${lc.length} recipient(s) instead of exactly the journaled one`;
}
