import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { Dispatcher, emptySummary } from '../src/dispatcher.js';
import { SmtpTransport } from '../src/mail/smtp/transport.js';
import { repoRoot } from '../test/helpers/paths.js';
import { createTestPki } from '../test/helpers/test-pki.js';
import { startSmtpServer } from '../test/helpers/smtp-server.js';
import { tempState } from '../test/helpers/deliveries.js';
import { allowTestDomain } from '../test/helpers/lab.js';

const REPORTS = Number(process.env.BENCH_SMTP_REPORTS ?? 100);
const POOL = 4;

/** N copies of the example JSON report, each its own patient and order, all prescribed by dr.martin. */
function fillExport(dir: string): void {
  const example = JSON.parse(readFileSync(join(repoRoot, 'examples', 'export', 'bernard-2026-11-21.json'), 'utf8')) as Array<Record<string, any>>;
  for (let i = 0; i < REPORTS; i++) {
    const r = structuredClone(example[0]!);
    r.prescriber = { code: 'MART01', title: 'Dr', familyName: 'MARTIN', givenName: 'Jean' };
    r.patient.ids = { ipp: `IPPB${i}` };
    r.request.fillerId = `26990${String(i).padStart(5, '0')}`;
    writeFileSync(join(dir, `bench-${i}.json`), JSON.stringify([r]));
  }
}

/**
 * Throughput of labmss from export files to `250 queued` (parse, render, compose, send through the pooled
 * SMTP transport) against an in-process TLS server with client certificates, and of bare nodemailer
 * sending the same prebuilt messages over the same pool size. Target: labmss ≥ 0.8 × bare.
 */
export async function benchSmtp(): Promise<object> {
  const pki = createTestPki();
  const server = await startSmtpServer(pki);
  const smtp = { host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey, pool: POOL };
  try {
    const { dir, config, journal } = tempState({
      stage: 1, intake: { settleSeconds: 0 }, addressBook: join(repoRoot, 'examples', 'address-book.csv'),
      transport: { type: 'smtp', smtp },
    });
    allowTestDomain(config, dir);
    mkdirSync(config.paths.export, { recursive: true });
    fillExport(config.paths.export);

    const transport = new SmtpTransport(smtp);
    const dispatcher = new Dispatcher(config, journal, transport);
    const summary = emptySummary();
    const t0 = process.hrtime.bigint();
    await dispatcher.pass(summary, POOL);
    const labmssS = Number(process.hrtime.bigint() - t0) / 1e9;
    await transport.close();
    if (summary.sent !== REPORTS) throw new Error(`labmss sent ${summary.sent} of ${REPORTS}: ${JSON.stringify(summary).slice(0, 400)}`);

    // The same messages, prebuilt, through bare nodemailer with the same pool.
    const mailDir = join(config.paths.state, 'mail');
    const emls = readdirSync(mailDir).filter((n) => n.endsWith('.eml')).map((n) => readFileSync(join(mailDir, n)));
    const bare = nodemailer.createTransport({
      pool: true, maxConnections: POOL, maxMessages: Infinity, host: smtp.host, port: smtp.port, secure: false, requireTLS: true,
      tls: { ca: readFileSync(pki.caCert), cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey), servername: 'localhost', minVersion: 'TLSv1.2' },
    });
    const t1 = process.hrtime.bigint();
    await Promise.all(emls.map((raw, i) => bare.sendMail({ envelope: { from: 'labo-test@mss.test', to: ['dr.martin@mss.test'] }, raw, dsn: { id: `B${i}`, notify: ['success', 'failure', 'delay'], return: 'headers' } })));
    const bareS = Number(process.hrtime.bigint() - t1) / 1e9;
    bare.close();
    journal.close();

    const labmssPerS = REPORTS / labmssS;
    const barePerS = emls.length / bareS;
    const result = {
      name: 'smtp-throughput',
      reports: REPORTS,
      pool: POOL,
      labmssReportsPerS: +labmssPerS.toFixed(1),
      labmssSeconds: +labmssS.toFixed(2),
      bareNodemailerPerS: +barePerS.toFixed(1),
      ratio: +(labmssPerS / barePerS).toFixed(2),
      target: 0.8,
      state: dir,
    };
    console.log(`smtp: labmss ${result.labmssReportsPerS} reports/s (${result.labmssSeconds} s, rendering overlapped with sending), bare nodemailer ${result.bareNodemailerPerS} msg/s, ratio ${result.ratio} (target ≥ 0.8)`);
    return result;
  } finally {
    await server.close();
    pki.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchSmtp();
