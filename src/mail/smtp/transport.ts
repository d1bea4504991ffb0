import { createRequire } from 'node:module';
import type nodemailer from 'nodemailer';
import type { ResolvedConfig } from '../../config/load.js';
import { ConfigError } from '../../config/load.js';
import type { Smtp } from '../../config/config.types.js';
import type { OutgoingMessage, SendOutcome, Transport } from '../transport.js';
import { classifySmtpError, queueIdOf, type SmtpErrorLike } from './classify.js';
import { clientCertificateRefusal } from './probe.js';
import { openClientCertificate, smtpTls, type PinnedTls } from './tls.js';
import { envelopeMismatch, envelopeRecipient } from '../envelope.js';
import { mailboxProblem, type AllowlistCheck } from '../../routing/allowlist.js';

/** nodemailer options for the operator: STARTTLS required (or implicit TLS), pinned CA, client certificate, pooled. */
export function smtpOptions(smtp: Smtp, tls: PinnedTls = smtpTls(smtp)) {
  return {
    pool: true as const,
    maxConnections: smtp.pool ?? 1,
    maxMessages: Infinity,
    // Retries belong to the journal (back-off, max age); the pool must not resend on its own.
    maxRequeues: 0,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.implicitTls === true,
    // STARTTLS or nothing: without TLS the message is never sent (no opportunistic fallback).
    requireTLS: smtp.implicitTls !== true,
    ignoreTLS: false,
    opportunisticTLS: false,
    tls,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 300_000,
    logger: false,
  };
}

/** The dispatcher's view of the MSSanté operator: one message, one recipient, a DSN asked for each time. */
export class SmtpTransport implements Transport {
  readonly name: string;
  private readonly mailer: ReturnType<typeof nodemailer.createTransport>;

  private readonly allowlist: AllowlistCheck;
  private readonly tls: PinnedTls;

  /**
   * Opens the client certificate at once (a wrong passphrase stops the command at start, exit 2).
   * `allowlist` is the last check of each envelope; without one, only the single-mailbox rule applies.
   */
  constructor(private readonly smtp: Smtp, opts: { tls?: PinnedTls; allowlist?: AllowlistCheck } = {}) {
    this.name = `smtp ${smtp.host}:${smtp.port}`;
    this.allowlist = opts.allowlist ?? mailboxProblem;
    this.tls = opts.tls ?? smtpTls(smtp);
    openClientCertificate(this.tls);
    // Loaded on first use: commands that never send start faster.
    const { createTransport } = createRequire(import.meta.url)('nodemailer') as typeof nodemailer;
    this.mailer = createTransport(smtpOptions(smtp, this.tls));
    // A pooled connection that dies between messages emits 'error'; the next send reports it.
    this.mailer.on('error', () => {});
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const rcpt = envelopeRecipient(message.to, this.allowlist);
    if ('refused' in rcpt) return { ok: false, permanent: true, response: rcpt.refused };
    try {
      const info = await this.mailer.sendMail({
        envelope: { from: message.from, to: [rcpt.address] },
        raw: message.raw,
        dsn: { id: message.deliveryId, return: 'headers', notify: ['success', 'failure', 'delay'] },
      });
      const accepted = addresses(info.accepted);
      const mismatch = envelopeMismatch(rcpt.address, addresses((info.envelope as { to?: unknown } | undefined)?.to))
        ?? envelopeMismatch(rcpt.address, [...accepted, ...addresses(info.rejected)]);
      if (mismatch) return { ok: false, permanent: true, response: mismatch };
      if (addresses(info.rejected).length || !accepted.includes(rcpt.address.toLowerCase())) {
        const errs = (info as { rejectedErrors?: SmtpErrorLike[] }).rejectedErrors ?? [];
        return classifySmtpError({ rejectedErrors: errs.length ? errs : [{ message: `not accepted: ${info.response}` }] }, message.to);
      }
      const response = String(info.response ?? '').trim();
      return { ok: true, response, queueId: queueIdOf(response) };
    } catch (err) {
      const outcome = classifySmtpError(err as SmtpErrorLike, rcpt.address);
      if (outcome.certificate || !['ECONNECTION', 'ESOCKET'].includes((err as SmtpErrorLike).code ?? '')) return outcome;
      // "Connection closed": a network failure, or a refused client certificate (TLS 1.3). One probe tells.
      const refusal = await clientCertificateRefusal(this.smtp, this.tls);
      return refusal ? { ok: false, permanent: false, certificate: true, response: refusal } : outcome;
    }
  }

  /** Opens a connection, does the TLS handshake with the client certificate and EHLO; throws what went wrong. */
  async verify(): Promise<void> {
    await this.mailer.verify();
  }

  async close(): Promise<void> {
    this.mailer.close();
  }
}

function addresses(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((a: string | { address: string }) => (typeof a === 'string' ? a : a.address).toLowerCase());
}

export function createSmtpTransport(config: ResolvedConfig, allowlist: AllowlistCheck): Transport {
  const smtp = config.transport.smtp;
  if (!smtp) throw new ConfigError('transport.smtp: required when transport.type is "smtp"');
  return new SmtpTransport(smtp, { allowlist });
}
