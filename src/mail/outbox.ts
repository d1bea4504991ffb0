import { join } from 'node:path';
import { linkAtomic, writeAtomic } from '../queue/spool.js';
import type { OutgoingMessage, SendOutcome, Transport } from './transport.js';

/**
 * The outbox transport: each message is written atomically as `<delivery>.eml` into a folder, for a
 * gateway to pick up, or to see what would be sent. The default when no SMTP transport is configured.
 * The spool's own .eml is linked, not copied, when the outbox is on its filesystem: each message is on
 * disk once.
 */
export class OutboxTransport implements Transport {
  readonly name = 'outbox';
  constructor(private readonly dir: string) {}

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const file = join(this.dir, `${message.deliveryId}.eml`);
    try {
      if (!message.emlPath || !(await linkAtomic(message.emlPath, file))) await writeAtomic(file, message.raw);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      return { ok: false, permanent: code === 'EACCES' || code === 'EROFS', response: `outbox ${file}: ${(err as Error).message}` };
    }
    return { ok: true, response: `written to ${file}` };
  }

  async close(): Promise<void> {}
}
