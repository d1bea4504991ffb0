import { join } from 'node:path';
import { keepProof } from '../queue/spool.js';
import { mailboxProblem, type AllowlistCheck } from '../routing/allowlist.js';
import { envelopeRecipient } from './envelope.js';
import type { OutgoingMessage, SendOutcome, Transport } from './transport.js';

/**
 * The outbox transport: each message is written atomically as `<delivery>.eml` into a folder, for a
 * gateway to pick up, or to see what would be sent. The default when no SMTP transport is configured.
 */
export class OutboxTransport implements Transport {
  readonly name = 'outbox';
  /** `allowlist`: the last check of each recipient; without one, only the single-mailbox rule applies. */
  constructor(private readonly dir: string, private readonly allowlist: AllowlistCheck = mailboxProblem) {}

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const rcpt = envelopeRecipient(message.to, this.allowlist);
    if ('refused' in rcpt) return { ok: false, permanent: true, response: rcpt.refused };
    let file = join(this.dir, `${message.deliveryId}.eml`);
    try {
      // Never over another message (an earlier journal's): the same message again after a crash is rewritten.
      file = await keepProof(this.dir, `${message.deliveryId}.eml`, message.raw, message.messageId);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      return { ok: false, permanent: code === 'EACCES' || code === 'EROFS', response: `outbox ${file}: ${(err as Error).message}` };
    }
    return { ok: true, response: `written to the outbox: ${file}` };
  }

  async close(): Promise<void> {}
}
