import { join } from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import { OutboxTransport } from './outbox.js';
import { createSmtpTransport } from './smtp/transport.js';
import type { Transport } from './transport.js';

/** The transport the config names: the MSSanté SMTP operator, or the outbox folder (the default). */
export function createTransport(config: ResolvedConfig): Transport {
  if (config.transport.type === 'smtp') return createSmtpTransport(config);
  return new OutboxTransport(config.transport.outbox ?? join(config.paths.state, 'outbox'));
}
