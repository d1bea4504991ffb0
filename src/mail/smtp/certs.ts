import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { t } from '../../i18n/index.js';

const m = () => t().doctor;

/** A finding of a certificate check: `fail` blocks sending, `warn` needs attention soon. */
export interface Finding { level: 'ok' | 'warn' | 'fail'; what: string; fix?: string }

/** Every certificate of a PEM bundle. */
export function pemCertificates(pem: Buffer | string): X509Certificate[] {
  const blocks = pem.toString().match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

const DAY = 86_400_000;

/** Validity, expiry soon (< warnDays) and issuer among the pinned CA bundle. */
export function checkCertificate(cert: X509Certificate, cas: X509Certificate[], label: string, now: Date, warnDays = 30): Finding[] {
  const out: Finding[] = [];
  const to = new Date(cert.validTo);
  const from = new Date(cert.validFrom);
  const days = Math.floor((to.getTime() - now.getTime()) / DAY);
  const who = `${label} (${cert.subject.replace(/\n/g, ', ')})`;
  if (from > now) out.push({ level: 'fail', what: m().notYet({ who, date: from.toISOString() }), fix: m().notYetFix });
  else if (to <= now) out.push({ level: 'fail', what: m().expired({ who, date: to.toISOString().slice(0, 10) }), fix: m().expiredFix });
  else if (days < warnDays) out.push({ level: 'warn', what: m().expiresSoon({ who, days, date: to.toISOString().slice(0, 10) }), fix: m().expiresSoonFix });
  else out.push({ level: 'ok', what: m().validUntil({ who, date: to.toISOString().slice(0, 10) }) });
  const issuer = cas.find((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey));
  if (issuer) out.push({ level: 'ok', what: m().signedBy({ label, issuer: issuer.subject.replace(/\n/g, ', ') }) });
  else out.push({ level: 'fail', what: m().notSigned({ label }), fix: m().notSignedFix });
  return out;
}

/** A file holding a private key must be readable by its owner only. */
export function checkKeyFileMode(path: string, label: string): Finding {
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o007) return { level: 'fail', what: m().modeOthers({ label, path, mode: mode.toString(8) }), fix: `chmod 600 ${path}` };
  if (mode & 0o070) return { level: 'warn', what: m().modeGroup({ label, path, mode: mode.toString(8) }), fix: m().modeGroupFix({ path }) };
  return { level: 'ok', what: m().modeOk({ label, path, mode: mode.toString(8) }) };
}

/** The PEM key opens (with the passphrase) and belongs to the certificate. */
export function checkKeyPair(cert: X509Certificate, keyPath: string, passphrase: string | undefined): Finding {
  try {
    const key = createPrivateKey({ key: readFileSync(keyPath), passphrase });
    return cert.checkPrivateKey(key)
      ? { level: 'ok', what: m().keyMatches }
      : { level: 'fail', what: m().keyMismatch, fix: m().keyMismatchFix };
  } catch (err) {
    return { level: 'fail', what: m().keyBad({ path: keyPath, error: (err as Error).message }), fix: m().keyBadFix };
  }
}
