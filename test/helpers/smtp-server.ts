import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import type { TestPki } from './test-pki.js';

/** What the server received in one accepted transaction. */
export interface Received {
  from: string;
  to: string[];
  /** RET and ENVID of MAIL FROM. */
  envid: string | null;
  ret: string | null;
  /** NOTIFY of each RCPT TO, in order. */
  notify: Array<string[] | undefined>;
  raw: Buffer;
  clientCertCn?: string;
}

/** A refusal to inject: the reply code and text the server gives. */
export interface Fault { code: number; message: string }

export interface FaultPlan {
  /** Called for each RCPT TO; a Fault refuses that recipient. */
  rcpt?: (address: string, attempt: number) => Fault | undefined;
  /** Called at the end of DATA; a Fault refuses the message. */
  data?: (attempt: number) => Fault | undefined;
}

export interface TestSmtpServer {
  port: number;
  received: Received[];
  faults: FaultPlan;
  /** How many connections completed TLS. */
  tlsSessions: number;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Implicit TLS from the first byte instead of STARTTLS. */
  implicitTls?: boolean;
  /** Offer no STARTTLS at all (a misconfigured or downgraded server). */
  plaintextOnly?: boolean;
  /** Announce DSN (default true). */
  dsn?: boolean;
  /** Refuse an untrusted client certificate in the TLS handshake itself (a TLS alert), not after it with a 421. */
  rejectInHandshake?: boolean;
}

/**
 * An in-process SMTP submission server shaped like an MSSanté operator: TLS with the test CA, client
 * certificate REQUIRED and checked after the handshake the way Postfix does it (421 4.7.1 …), with
 * injectable 4xx/5xx faults per recipient and per message.
 */
export async function startSmtpServer(pki: TestPki, opts: ServerOptions = {}): Promise<TestSmtpServer> {
  const received: Received[] = [];
  const state: TestSmtpServer = { port: 0, received, faults: {}, tlsSessions: 0, close: async () => {} };
  let rcptAttempts = 0;
  let dataAttempts = 0;
  const refuse = (f: Fault) => Object.assign(new Error(f.message), { responseCode: f.code });

  const server = new SMTPServer({
    secure: opts.implicitTls === true,
    key: readFileSync(pki.serverKey),
    cert: readFileSync(pki.serverCert),
    ca: readFileSync(pki.caCert),
    requestCert: true,
    rejectUnauthorized: opts.rejectInHandshake === true,
    minVersion: 'TLSv1.2',
    disabledCommands: opts.plaintextOnly ? ['STARTTLS', 'AUTH'] : ['AUTH'],
    hideDSN: opts.dsn === false,
    authOptional: true,
    logger: false,
    onSecure(socket, session, callback) {
      const tls = socket as TLSSocket;
      const peer = tls.getPeerCertificate?.();
      if (!peer || !peer.subject) return callback(refuse({ code: 421, message: '4.7.1 Error: No client certificate presented' }));
      if (!tls.authorized) return callback(refuse({ code: 421, message: '4.7.1 Error: Client certificate not trusted' }));
      state.tlsSessions++;
      (session as { clientCertCn?: string }).clientCertCn = String(peer.subject.CN);
      callback();
    },
    onMailFrom(_address, session, callback) {
      if (!session.secure) return callback(refuse({ code: 530, message: '5.7.0 Must issue a STARTTLS command first' }));
      callback();
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const fault = state.faults.rcpt?.(address.address, ++rcptAttempts);
      callback(fault ? refuse(fault) : undefined);
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const fault = state.faults.data?.(++dataAttempts);
        if (fault) return callback(refuse(fault));
        const env = session.envelope;
        const mailFrom = env.mailFrom ? env.mailFrom.address : '';
        received.push({
          from: mailFrom,
          to: env.rcptTo.map((r) => r.address),
          envid: env.dsn?.envid ?? null,
          ret: env.dsn?.ret ?? null,
          notify: env.rcptTo.map((r) => r.dsn?.notify),
          raw: Buffer.concat(chunks),
          clientCertCn: (session as { clientCertCn?: string }).clientCertCn,
        });
        callback(null, `2.0.0 Ok: queued as Q${String(received.length).padStart(5, '0')}`);
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.server.address() as AddressInfo).port;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
