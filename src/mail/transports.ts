import { join } from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import type { AllowlistCheck } from '../routing/allowlist.js';
import { journalAllowlist } from '../routing/allowlist-store.js';
import { OutboxTransport } from './outbox.js';
import { createSmtpTransport } from './smtp/transport.js';
import type { Transport } from './transport.js';

/**
 * The transport the config names: the MSSanté SMTP operator, or the outbox folder (the default). Each
 * checks every envelope against `allowlist` (by default the state directory's, read at each message);
 * the SMTP one opens its client certificate now, so a bad one stops the command at start.
 */
export function createTransport(config: ResolvedConfig, allowlist: AllowlistCheck = journalAllowlist(config.paths.state, config.transport.type)): Transport {
  if (config.transport.type === 'smtp') return createSmtpTransport(config, allowlist);
  return new OutboxTransport(config.transport.outbox ?? join(config.paths.state, 'outbox'), allowlist);
}
