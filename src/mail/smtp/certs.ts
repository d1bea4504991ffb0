import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

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
  if (from > now) out.push({ level: 'fail', what: `${who} is not valid before ${from.toISOString()}`, fix: 'check the system clock or the certificate' });
  else if (to <= now) out.push({ level: 'fail', what: `${who} expired on ${to.toISOString().slice(0, 10)}`, fix: 'renew it (IGC-Santé certificate of the application mailbox) and install the new one' });
  else if (days < warnDays) out.push({ level: 'warn', what: `${who} expires in ${days} day(s), on ${to.toISOString().slice(0, 10)}`, fix: 'order the renewal now' });
  else out.push({ level: 'ok', what: `${who} valid until ${to.toISOString().slice(0, 10)}` });
  const issuer = cas.find((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey));
  if (issuer) out.push({ level: 'ok', what: `${label} signed by ${issuer.subject.replace(/\n/g, ', ')}` });
  else out.push({ level: 'fail', what: `${label} is not signed by any certificate of the CA bundle`, fix: 'use the certificate issued for the application mailbox, and the CA bundle of its chain (IGC-Santé)' });
  return out;
}

/** A file holding a private key must be readable by its owner only. */
export function checkKeyFileMode(path: string, label: string): Finding {
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o007) return { level: 'fail', what: `${label} ${path} is readable by other users (mode ${mode.toString(8)})`, fix: `chmod 600 ${path}` };
  if (mode & 0o070) return { level: 'warn', what: `${label} ${path} is readable by its group (mode ${mode.toString(8)})`, fix: `chmod 600 ${path} unless the group is meant to read it` };
  return { level: 'ok', what: `${label} ${path} readable by its owner only (mode ${mode.toString(8)})` };
}

/** The PEM key opens (with the passphrase) and belongs to the certificate. */
export function checkKeyPair(cert: X509Certificate, keyPath: string, passphrase: string | undefined): Finding {
  try {
    const key = createPrivateKey({ key: readFileSync(keyPath), passphrase });
    return cert.checkPrivateKey(key)
      ? { level: 'ok', what: 'private key matches the client certificate' }
      : { level: 'fail', what: 'the private key does not belong to the client certificate', fix: 'point transport.smtp.key at the key of this certificate' };
  } catch (err) {
    return { level: 'fail', what: `private key ${keyPath} cannot be opened: ${(err as Error).message}`, fix: 'check the file and transport.smtp.passphrase' };
  }
}
