import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { Smtp } from '../../config/config.types.js';
import type { PinnedTls } from './tls.js';
import { CLIENT_CERT_ALERT } from './classify.js';

/** What a submission server said to our TLS handshake and client certificate, for `labmss doctor`. */
export interface SmtpProbe {
  tlsVersion: string;
  /** The operator's certificate, verified against the pinned CA. */
  server: { subject: string; validTo: string };
  /** Our client certificate as it was presented (from the PEM files or the PKCS#12 bundle). */
  client?: X509Certificate;
  /** Reply to EHLO after TLS: 250 means the client certificate was accepted. */
  ehloCode: number;
  ehloText: string;
  dsn: boolean;
}

/** The server ended the connection after our TLS handshake, before its first reply (implicit TLS). */
class ClosedAfterHandshake extends Error {}

/** Reads one complete SMTP reply (multi-line `250-…` up to `250 …`). */
function reader(socket: Socket | TLSSocket): () => Promise<{ code: number; text: string }> {
  let buffer = '';
  const waiting: Array<() => void> = [];
  let failure: Error | undefined;
  socket.on('data', (d: Buffer) => { buffer += d.toString('latin1'); waiting.splice(0).forEach((w) => w()); });
  const fail = (e: Error) => { failure = e; waiting.splice(0).forEach((w) => w()); };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error(CLOSED)));
  return async () => {
    for (;;) {
      const m = /^(?:\d{3}-[^\n]*\n)*(\d{3}) [^\n]*\n/.exec(buffer);
      if (m) {
        buffer = buffer.slice(m[0].length);
        return { code: Number(m[1]), text: m[0].trim() };
      }
      if (failure) throw failure;
      await new Promise<void>((r) => waiting.push(r));
    }
  };
}

function secure(options: ConnectionOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect(options, () => resolve(s));
    s.once('error', reject);
  });
}

/**
 * A raw SMTP exchange with the operator: (STARTTLS or implicit) TLS with the pinned CA and the client
 * certificate, then EHLO, then QUIT. Nothing is sent. Throws with what failed (connection, STARTTLS, TLS).
 */
export async function probeSmtp(smtp: Smtp, tls: PinnedTls, timeoutMs = 15_000): Promise<SmtpProbe> {
  const target = { host: smtp.host, port: smtp.port };
  let socket: Socket | TLSSocket | undefined;
  const timer = setTimeout(() => socket?.destroy(new Error(`no answer from ${smtp.host}:${smtp.port} within ${timeoutMs / 1000} s`)), timeoutMs);
  try {
    let tlsSocket: TLSSocket;
    if (smtp.implicitTls) {
      tlsSocket = await secure({ ...tls, ...target });
      socket = tlsSocket;
    } else {
      const plain = netConnect(target);
      socket = plain;
      const read = reader(plain);
      await new Promise<void>((r, j) => { plain.once('connect', r); plain.once('error', j); });
      const greeting = await read();
      if (greeting.code !== 220) throw new Error(`greeting: ${greeting.text}`);
      plain.write('EHLO labmss-doctor\r\n');
      const ehlo = await read();
      if (!/[ -]STARTTLS\b/i.test(ehlo.text)) throw new Error(`the server does not offer STARTTLS: ${ehlo.text.split('\n')[0]}`);
      plain.write('STARTTLS\r\n');
      const go = await read();
      if (go.code !== 220) throw new Error(`STARTTLS refused: ${go.text}`);
      plain.removeAllListeners('data');
      plain.removeAllListeners('close');
      plain.removeAllListeners('error');
      tlsSocket = await secure({ ...tls, ...target, socket: plain });
      socket = tlsSocket;
    }
    const read = reader(tlsSocket);
    if (smtp.implicitTls) {
      const greeting = await read().catch((e: Error) => { throw new ClosedAfterHandshake(e.message); });
      if (greeting.code !== 220) throw new Error(`greeting: ${greeting.text}`);
    }
    const peer = tlsSocket.getPeerCertificate();
    const local = tlsSocket.getCertificate();
    const client = local && 'raw' in local && local.raw ? new X509Certificate(local.raw) : undefined;
    tlsSocket.write('EHLO labmss-doctor\r\n');
    const ehlo = await read().catch((e: Error) => ({ code: 0, text: e.message }));
    if (ehlo.code === 250) tlsSocket.write('QUIT\r\n');
    return {
      tlsVersion: tlsSocket.getProtocol() ?? '?',
      server: { subject: peer.subject?.CN ? String(peer.subject.CN) : '?', validTo: peer.valid_to },
      client,
      ehloCode: ehlo.code,
      ehloText: ehlo.text.replace(/\s+/g, ' '),
      dsn: /[ -]DSN\b/i.test(ehlo.text),
    };
  } finally {
    clearTimeout(timer);
    socket?.destroy();
  }
}

const CLOSED = 'connection closed by the server';

/**
 * Why the operator drops the lab right after the TLS handshake, or undefined when it does not. A server
 * refusing the client certificate sends a TLS alert, or, after a TLS 1.3 handshake (where the client's
 * certificate is checked once the client has finished), may just close before its first reply: nodemailer
 * then says only "connection closed unexpectedly". The transport asks this to tell that apart from a
 * network failure. A timeout or a refused connection is not a certificate problem.
 */
export async function clientCertificateRefusal(smtp: Smtp, tls: PinnedTls, timeoutMs = 10_000): Promise<string | undefined> {
  const refused = (what: string) => `the server ended the connection right after the TLS handshake (${what}): it does not accept the lab's client certificate`;
  try {
    const p = await probeSmtp(smtp, tls, timeoutMs);
    if (p.ehloCode !== 0) return undefined;
    return p.ehloText === CLOSED || CLIENT_CERT_ALERT.test(p.ehloText) ? refused(p.ehloText) : undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (err instanceof ClosedAfterHandshake) return e.message === CLOSED || CLIENT_CERT_ALERT.test(e.message) ? refused(e.message) : undefined;
    return CLIENT_CERT_ALERT.test(`${e.message} ${e.code ?? ''}`) ? `TLS handshake: ${e.message}` : undefined;
  }
}
