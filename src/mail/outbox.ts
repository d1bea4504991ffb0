import { join } from 'node:path';
import { keepProof, linkProof } from '../queue/spool.js';
import { mailboxProblem, type AllowlistCheck } from '../routing/allowlist.js';
import { envelopeRecipient } from './envelope.js';
import type { OutgoingMessage, SendOutcome, Transport } from './transport.js';

/**
 * The outbox transport: each message is filed as `<delivery>.eml` into a folder, for a gateway to pick up,
 * or to see what would be sent. The default when no SMTP transport is configured. On the spool's
 * filesystem the file is the kept proof under a second name (a gateway takes it by moving or removing it,
 * never by editing it in place); elsewhere it is an atomically written copy.
 */
export class OutboxTransport implements Transport {
  readonly name = 'outbox';
  /** `allowlist`: the last check of each recipient; without one, only the single-mailbox rule applies. */
  constructor(private readonly dir: string, private readonly allowlist: AllowlistCheck = mailboxProblem) {}

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const rcpt = envelopeRecipient(message.to, this.allowlist);
    if ('refused' in rcpt) return { ok: false, permanent: true, response: rcpt.refused };
    const name = `${message.deliveryId}.eml`;
    let file = join(this.dir, name);
    try {
      // The proof itself under a second name when the outbox is on its filesystem; else a copy, never over
      // another message (an earlier journal's): the same message again after a crash is rewritten.
      file = (message.proof && await linkProof(message.proof, this.dir, name)) || await keepProof(this.dir, name, message.raw, message.messageId);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      return { ok: false, permanent: code === 'EACCES' || code === 'EROFS', response: `outbox ${file}: ${(err as Error).message}` };
    }
    return { ok: true, response: `written to the outbox: ${file}` };
  }

  async close(): Promise<void> {}
}
