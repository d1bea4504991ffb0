import { readFileSync } from 'node:fs';
import { createSecureContext, type ConnectionOptions } from 'node:tls';
import { ConfigError, readSecret, unreadable } from '../../config/load.js';
import { t } from '../../i18n/index.js';
import type { Imap, Smtp } from '../../config/config.types.js';

/**
 * TLS settings for talking to the MSSanté operator. The operator's certificate is verified against the
 * pinned CA bundle only (IGC-Santé is not in public trust stores, and nothing else should be trusted);
 * TLS 1.2 is the floor (ECO.1.1.1). There is deliberately no option to turn verification off.
 */
export type PinnedTls = ConnectionOptions & { minVersion: 'TLSv1.2'; rejectUnauthorized: true; servername: string; ca: Buffer };

function readFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw unreadable(what, path, err);
  }
}

function pinned(host: string, servername: string | undefined, caPath: string, what: string): PinnedTls {
  return { ca: readFile(caPath, `${what}.ca`), servername: servername ?? host, minVersion: 'TLSv1.2', rejectUnauthorized: true };
}

/** The SMTP connection's TLS options, with the application mailbox's client certificate (PKCS#12 or PEM). */
export function smtpTls(smtp: Smtp): PinnedTls {
  const tls: PinnedTls = pinned(smtp.host, smtp.servername, smtp.ca, 'transport.smtp');
  const passphrase = readSecret(smtp.passphrase, 'transport.smtp.passphrase');
  if (smtp.pfx) {
    tls.pfx = readFile(smtp.pfx, 'transport.smtp.pfx');
  } else if (smtp.cert && smtp.key) {
    tls.cert = readFile(smtp.cert, 'transport.smtp.cert');
    tls.key = readFile(smtp.key, 'transport.smtp.key');
  } else {
    throw new ConfigError(t().config.clientCert);
  }
  if (passphrase !== undefined) tls.passphrase = passphrase;
  return tls;
}

/**
 * Opens the client certificate and its key with the passphrase now: a wrong passphrase, a damaged
 * PKCS#12 or a key that is not the certificate's is a configuration error at start (exit 2), not a
 * handshake that fails later and defers every message.
 */
export function openClientCertificate(tls: PinnedTls): void {
  try {
    createSecureContext(tls);
  } catch (err) {
    const why = (err as Error).message;
    const hint = /mac verify|bad decrypt|passphrase|decrypt/i.test(why) ? 'wrong passphrase (transport.smtp.passphrase)?' : 'check transport.smtp.pfx, or cert and key';
    throw new ConfigError(`transport.smtp: the client certificate cannot be opened: ${why} — ${hint}`);
  }
}

/** The IMAP connection's TLS options (the lab logs in with its password; no client certificate on IMAP). */
export function imapTls(imap: Imap): PinnedTls {
  return pinned(imap.host, imap.servername, imap.ca, 'receipts.imap');
}
