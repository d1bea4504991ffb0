import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { ResolvedConfig } from '../../config/load.js';
import { t } from '../../i18n/index.js';
import { checkCertificate, checkKeyFileMode, checkKeyPair, pemCertificates, type Finding } from './certs.js';
import { probeSmtp } from './probe.js';
import { smtpTls, type PinnedTls } from './tls.js';

type Smtp = NonNullable<ResolvedConfig['transport']['smtp']>;

const m = () => t().doctor;
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
    return [{ level: 'fail', what: problem(err), fix: m().fixSmtp }];
  }
  const cas = pemCertificates(tls.ca);
  if (!cas.length) return [{ level: 'fail', what: m().caNoPem({ path: smtp.ca }), fix: m().caNoPemFix }];
  for (const ca of cas) {
    if (new Date(ca.validTo) <= now) f.push({ level: 'fail', what: m().caExpired({ subject: ca.subject.replace(/\n/g, ', '), path: smtp.ca, date: ca.validTo }), fix: m().caExpiredFix });
  }
  f.push({ level: 'ok', what: m().caOk({ path: smtp.ca, n: cas.length }) });

  let pem: X509Certificate | undefined;
  if (smtp.pfx) {
    f.push(checkKeyFileMode(smtp.pfx, m().pfxLabel));
    try {
      createSecureContext({ pfx: tls.pfx, passphrase: tls.passphrase });
      f.push({ level: 'ok', what: m().pfxOk({ path: smtp.pfx }) });
    } catch (err) {
      f.push({ level: 'fail', what: m().pfxBad({ path: smtp.pfx, error: problem(err) }), fix: m().pfxBadFix });
      return f;
    }
  } else if (smtp.cert && smtp.key) {
    pem = pemCertificates(tls.cert as Buffer)[0];
    if (!pem) return [...f, { level: 'fail', what: m().certNoPem({ path: smtp.cert }), fix: m().certNoPemFix }];
    f.push(...checkCertificate(pem, cas, m().clientLabel, now));
    f.push(checkKeyFileMode(smtp.key, m().keyLabel));
    f.push(checkKeyPair(pem, smtp.key, tls.passphrase));
  }

  const where = `${smtp.host}:${smtp.port} (${smtp.implicitTls ? m().implicitTls : 'STARTTLS'})`;
  try {
    const p = await probeSmtp(smtp, tls);
    f.push({ level: 'ok', what: m().tlsOk({ version: p.tlsVersion, where, subject: p.server.subject, until: p.server.validTo }) });
    if (!pem && p.client) f.push(...checkCertificate(p.client, cas, m().clientFromPfx, now));
    if (p.ehloCode === 250) {
      f.push({ level: 'ok', what: m().ehloOk });
      if (!p.dsn) f.push({ level: 'warn', what: m().noDsn, fix: m().noDsnFix });
    } else {
      f.push({ level: 'fail', what: m().refused({ text: p.ehloText }), fix: m().refusedFix });
    }
  } catch (err) {
    const msg = problem(err);
    const fix = /certificate|self.signed|altname|issuer/i.test(msg)
      ? m().tlsVerifyFix
      : m().tlsReachFix;
    f.push({ level: 'fail', what: m().tlsBad({ where, error: msg }), fix });
  }
  return f;
}
