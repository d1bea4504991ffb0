import type { SendOutcome } from '../transport.js';

/** The fields nodemailer puts on the errors it rejects with (all optional: network errors have few). */
export interface SmtpErrorLike {
  message?: string;
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  rejected?: string[];
  rejectedErrors?: SmtpErrorLike[];
}

/** TLS alerts a server sends when it rejects the client certificate during the handshake. */
export const CLIENT_CERT_ALERT = /alert (bad certificate|unknown ca|certificate required|certificate unknown|certificate revoked|certificate expired|access denied)|ALERT_(BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_REQUIRED|CERTIFICATE_UNKNOWN|CERTIFICATE_REVOKED|CERTIFICATE_EXPIRED)|alert number (42|44|45|46|48|116)\b/i;

/** What a server says after the handshake when it does not accept the client certificate (Postfix: 421 4.7.1 …). */
const CLIENT_CERT_REPLY = /certificate/i;

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** `250 2.0.0 Ok: queued as 4Bq1xZ3kQvz9` → `4Bq1xZ3kQvz9` (Postfix, Exim "id=", and the common variants). */
export function queueIdOf(response: string): string | undefined {
  const m = /queued as\s+<?([A-Za-z0-9._\-]+)>?/i.exec(response) ?? /\bid=([A-Za-z0-9._\-]+)/.exec(response);
  return m?.[1];
}

/**
 * Turns a nodemailer failure into the dispatcher's outcome: 5xx → permanent with the server's reply;
 * 4xx and network trouble → transient; a refused client certificate → `certificate`, transient (a person
 * renews or registers it, then the deferred deliveries go out by themselves; the dispatcher stops the pass).
 */
export function classifySmtpError(err: SmtpErrorLike, recipient: string): Extract<SendOutcome, { ok: false }> {
  const rcptErr = err.rejectedErrors?.[0];
  if (rcptErr) {
    const code = rcptErr.responseCode ?? err.responseCode ?? 0;
    const text = oneLine(rcptErr.response ?? rcptErr.message ?? err.message ?? 'recipient rejected');
    return { ok: false, permanent: code >= 500, response: `RCPT TO <${recipient}>: ${text}` };
  }
  const code = err.responseCode ?? 0;
  const text = oneLine(err.response ?? err.message ?? String(err));
  const where = err.command && err.command !== 'API' ? `${err.command}: ` : '';
  const afterHandshake = err.command === 'EHLO' || err.command === 'CONN' || err.command === 'STARTTLS' || err.command === 'HELO';
  if ((code === 421 || code === 554 || code === 530) && afterHandshake && CLIENT_CERT_REPLY.test(text)) {
    return { ok: false, permanent: false, certificate: true, response: `${where}${text}` };
  }
  if (CLIENT_CERT_ALERT.test(`${err.message ?? ''} ${err.code ?? ''}`)) {
    return { ok: false, permanent: false, certificate: true, response: `TLS handshake: ${oneLine(err.message ?? '')}` };
  }
  if (err.code === 'ETLS') {
    // No STARTTLS, or a failed upgrade (possibly stripped on the way): never sent in clear; retried later.
    return { ok: false, permanent: false, response: `TLS could not be established, nothing sent: ${where}${text}` };
  }
  if (code >= 500) return { ok: false, permanent: true, response: `${where}${text}` };
  if (code >= 400) return { ok: false, permanent: false, response: `${where}${text}` };
  return { ok: false, permanent: false, response: `${err.code ? `${err.code} ` : ''}${where}${text}` };
}
