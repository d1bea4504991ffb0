import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { ResolvedConfig } from '../../config/load.js';
import { checkCertificate, checkKeyFileMode, checkKeyPair, pemCertificates, type Finding } from './certs.js';
import { probeSmtp } from './probe.js';
import { smtpTls, type PinnedTls } from './tls.js';

type Smtp = NonNullable<ResolvedConfig['transport']['smtp']>;

const problem = (err: unknown) => (err as Error)?.message ?? String(err);

/**
 * What `doctor` checks of the MSSanté operator: the pinned CA bundle, the client certificate and its key or
 * PKCS#12 bundle with its passphrase, then a real TLS session and EHLO with that certificate.
 */
export async function smtpChecks(smtp: Smtp, now: Date): Promise<Finding[]> {
  const f: Finding[] = [];
  let tls: PinnedTls;
  try {
    tls = smtpTls(smtp);
  } catch (err) {
    return [{ level: 'fail', what: problem(err), fix: 'fix transport.smtp (files and passphrase) in the config' }];
  }
  const cas = pemCertificates(tls.ca);
  if (!cas.length) return [{ level: 'fail', what: `transport.smtp.ca ${smtp.ca} holds no PEM certificate`, fix: 'convert the IGC-Santé chain (.p7b) to PEM: openssl pkcs7 -print_certs -in chain.p7b -out ca.pem' }];
  for (const ca of cas) {
    if (new Date(ca.validTo) <= now) f.push({ level: 'fail', what: `CA ${ca.subject.replace(/\n/g, ', ')} in ${smtp.ca} expired on ${ca.validTo}`, fix: 'install the current IGC-Santé chain' });
  }
  f.push({ level: 'ok', what: `pinned CA bundle ${smtp.ca}: ${cas.length} certificate(s)` });

  let pem: X509Certificate | undefined;
  if (smtp.pfx) {
    f.push(checkKeyFileMode(smtp.pfx, 'PKCS#12 bundle'));
    try {
      createSecureContext({ pfx: tls.pfx, passphrase: tls.passphrase });
      f.push({ level: 'ok', what: `PKCS#12 bundle ${smtp.pfx} opens with its passphrase` });
    } catch (err) {
      f.push({ level: 'fail', what: `PKCS#12 bundle ${smtp.pfx} cannot be opened: ${problem(err)}`, fix: 'check transport.smtp.passphrase (env or file) and the bundle' });
      return f;
    }
  } else if (smtp.cert && smtp.key) {
    pem = pemCertificates(tls.cert as Buffer)[0];
    if (!pem) return [...f, { level: 'fail', what: `transport.smtp.cert ${smtp.cert} holds no PEM certificate`, fix: 'point it at the PEM certificate of the application mailbox' }];
    f.push(...checkCertificate(pem, cas, 'client certificate', now));
    f.push(checkKeyFileMode(smtp.key, 'private key'));
    f.push(checkKeyPair(pem, smtp.key, tls.passphrase));
  }

  const where = `${smtp.host}:${smtp.port} (${smtp.implicitTls ? 'implicit TLS' : 'STARTTLS'})`;
  try {
    const p = await probeSmtp(smtp, tls);
    f.push({ level: 'ok', what: `${p.tlsVersion} with ${where}; operator certificate ${p.server.subject} verified against the pinned CA (valid until ${p.server.validTo})` });
    if (!pem && p.client) f.push(...checkCertificate(p.client, cas, 'client certificate (from the PKCS#12 bundle)', now));
    if (p.ehloCode === 250) {
      f.push({ level: 'ok', what: 'client certificate accepted by the operator (EHLO 250 after TLS)' });
      if (!p.dsn) f.push({ level: 'warn', what: 'the operator does not announce DSN: no delivery receipts will come back', fix: 'ask the operator; MSSanté requires DSN (ECO.2.3.1)' });
    } else {
      f.push({ level: 'fail', what: `the operator refused the session after TLS: ${p.ehloText}`, fix: 'install the certificate registered for the application mailbox with the operator (and its key), or ask the operator to register it' });
    }
  } catch (err) {
    const msg = problem(err);
    const fix = /certificate|self.signed|altname|issuer/i.test(msg)
      ? 'the operator\'s certificate does not verify: check transport.smtp.ca (the operator\'s CA chain) and transport.smtp.servername'
      : 'check transport.smtp.host/port and that this machine may reach the operator';
    f.push({ level: 'fail', what: `cannot open a TLS session with ${where}: ${msg}`, fix });
  }
  return f;
}
