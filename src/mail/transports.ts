import { join } from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import type { Finding } from './smtp/certs.js';
import { t } from '../i18n/index.js';
import type { AllowlistCheck } from '../routing/allowlist.js';
import { journalAllowlist } from '../queue/store/allowlist.js';
import { OutboxTransport } from './outbox.js';
import { smtpChecks } from './smtp/checks.js';
import { createSmtpTransport } from './smtp/transport.js';
import type { Transport } from './transport.js';

/**
 * What a configured transport is, before one is opened: whether its messages need the MSSanté allow-list,
 * how many messages may be in flight, and what `doctor` checks. Commands ask this, never the config's type.
 */
export interface TransportKind {
  readonly name: string;
  /** Without an imported allow-list, nothing may be sent through it (every recipient is held). */
  readonly needsAllowlist: boolean;
  readonly concurrency: number;
  /** Whether an accepted message has left for the operator (false: only written into a folder). */
  readonly sends: boolean;
  /**
   * Opens it. Each transport checks every envelope against `allowlist` (by default the state directory's,
   * read at each message); the SMTP one opens its client certificate now, so a bad one stops the command at start.
   */
  create(allowlist?: AllowlistCheck): Transport;
  check(now: Date): Promise<Finding[]>;
}

/** The transport the config names: the MSSanté SMTP operator, or the outbox folder (the default). */
export function transportKind(config: ResolvedConfig): TransportKind {
  const smtp = config.transport.smtp;
  if (config.transport.type === 'smtp' && smtp) {
    return {
      name: `smtp ${smtp.host}:${smtp.port}`, needsAllowlist: true, concurrency: smtp.pool ?? 1, sends: true,
      create: (allowlist = journalAllowlist(config.paths.state, true)) => createSmtpTransport(config, allowlist),
      check: (now) => smtpChecks(smtp, now),
    };
  }
  const dir = config.transport.outbox ?? join(config.paths.state, 'outbox');
  return {
    name: 'outbox', needsAllowlist: false, concurrency: 1, sends: false,
    create: (allowlist = journalAllowlist(config.paths.state, false)) => new OutboxTransport(dir, allowlist),
    check: async () => [{ level: 'ok', what: t().doctor.outbox({ dir }) }],
  };
}

export function createTransport(config: ResolvedConfig, allowlist?: AllowlistCheck): Transport {
  return transportKind(config).create(allowlist);
}
