import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { Pipeline } from '../src/pipeline.js';
import { emptySummary } from '../src/summary.js';
import { SmtpTransport } from '../src/mail/smtp/transport.js';
import { repoRoot, sharedDir } from '../test/helpers/paths.js';
import { launchBox, stopBox } from '../test/helpers/mssbox.js';
import { createTestPki } from '../test/helpers/test-pki.js';
import { startSmtpServer } from '../test/helpers/smtp-server.js';
import { tempState } from '../test/helpers/deliveries.js';
import { allowTestDomain } from '../test/helpers/lab.js';
import { createRenderPool } from '../src/documents/pool.js';
import { documentIdFor, setIdFor } from '../src/documents/ids.js';
import type { LabReport } from '../src/model/labreport.types.js';
import { loadConfig } from '../src/config/load.js';
import { figure, type Figure } from './figures.js';

const REPORTS = Number(process.env.BENCH_SMTP_REPORTS ?? 100);
const POOL = 4;
/** `mss-box` or `in-process` to measure one side only. */
const ONLY = process.env.BENCH_SMTP_ONLY;

/** N copies of the example JSON report, each its own patient and order, all prescribed by dr.martin. */
function benchReports(): Array<Record<string, any>> {
  const example = JSON.parse(readFileSync(join(repoRoot, 'examples', 'export', 'bernard-2026-11-21.json'), 'utf8')) as Array<Record<string, any>>;
  return Array.from({ length: REPORTS }, (_, i) => {
    const r = structuredClone(example[0]!);
    r.prescriber = { code: 'MART01', title: 'Dr', familyName: 'MARTIN', givenName: 'Jean' };
    r.patient.ids = { ipp: `IPPB${i}` };
    r.request.fillerId = `26990${String(i).padStart(5, '0')}`;
    return r;
  });
}

function fillExport(dir: string): void {
  for (const [i, r] of benchReports().entries()) writeFileSync(join(dir, `bench-${i}.json`), JSON.stringify([r]));
}

/**
 * What the cores can render: the same reports (stage 1, as sent) in a render pool of one thread per core
 * (render.workers' default), all in flight, wall-clock reports per second. The end-to-end rate is held to it.
 */
async function renderCapacity(): Promise<number> {
  const lab = loadConfig(join(repoRoot, 'examples', 'labmss.json')).config.lab;
  // The capacity of the cores: one render thread on each.
  const pool = createRenderPool(availableParallelism());
  const render = (r: Record<string, any>, i: number) => {
    const setId = setIdFor(`bench|${i}`);
    return pool.render(r as LabReport, { setId, version: 1, documentId: documentIdFor(setId, 1) }, { lab, stage2: false });
  };
  try {
    // Warm-up: the threads start and load the renderers.
    await Promise.all(benchReports().slice(0, 2 * pool.size).map(render));
    const t0 = process.hrtime.bigint();
    await Promise.all(benchReports().map(render));
    return REPORTS / (Number(process.hrtime.bigint() - t0) / 1e9);
  } finally {
    await pool.close();
  }
}

interface Endpoint { host: string; port: number; servername: string; ca: string; cert: string; key: string }

/**
 * labmss from export files to `250 queued` (one `run` pass: parse, render, journal, compose, send through
 * the pooled SMTP transport), then bare nodemailer sending the same messages, prebuilt, over the same pool.
 */
async function measure(smtp: Endpoint) {
  const { dir, config, journal } = tempState({
    stage: 1, intake: { settleSeconds: 0 }, addressBook: join(repoRoot, 'examples', 'address-book.csv'),
    transport: { type: 'smtp', smtp: { ...smtp, pool: POOL } },
  });
  allowTestDomain(config, dir);
  mkdirSync(config.paths.export, { recursive: true });
  fillExport(config.paths.export);
  const transport = new SmtpTransport({ ...smtp, pool: POOL });
  const dispatcher = new Pipeline(config, journal, transport);
  const summary = emptySummary();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await dispatcher.pass(summary, POOL);
  const labmssS = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  await transport.close();
  if (summary.sent !== REPORTS) throw new Error(`labmss sent ${summary.sent} of ${REPORTS}: ${JSON.stringify(summary).slice(0, 400)}`);

  const mailDir = join(config.paths.state, 'mail');
  const emls = readdirSync(mailDir).filter((n) => n.endsWith('.eml')).map((n) => readFileSync(join(mailDir, n)));
  const bare = nodemailer.createTransport({
    pool: true, maxConnections: POOL, maxMessages: Infinity, host: smtp.host, port: smtp.port, secure: false, requireTLS: true,
    tls: { ca: readFileSync(smtp.ca), cert: readFileSync(smtp.cert), key: readFileSync(smtp.key), servername: smtp.servername, minVersion: 'TLSv1.2' },
  });
  const t1 = process.hrtime.bigint();
  await Promise.all(emls.map((raw, i) => bare.sendMail({ envelope: { from: config.lab.mailbox, to: ['dr.martin@mss.test'] }, raw, dsn: { id: `B${i}`, notify: ['success', 'failure', 'delay'], return: 'headers' } })));
  const bareS = Number(process.hrtime.bigint() - t1) / 1e9;
  bare.close();
  journal.close();
  const labmssPerS = REPORTS / labmssS;
  const barePerS = emls.length / bareS;
  return {
    labmssReportsPerS: +labmssPerS.toFixed(1),
    labmssCpuMsPerReport: +((cpu.user + cpu.system) / 1000 / REPORTS).toFixed(1),
    bareNodemailerPerS: +barePerS.toFixed(1),
    ratio: +(labmssPerS / barePerS).toFixed(2),
  };
}

/** The real operator double (Postfix + Dovecot), when ../shared and root are there. */
async function againstMssBox(): Promise<object> {
  const start = join(sharedDir, 'mss-box', 'start');
  if (!existsSync(start)) return { skipped: `no ${start}` };
  if (process.getuid?.() !== 0) return { skipped: 'mss-box needs root' };
  const box = launchBox(mkdtempSync(join(tmpdir(), 'labmss-bench-box-')), 21000);
  try {
    const app = box.apps['labo-test@mss.test']!;
    return await measure({ host: '127.0.0.1', port: box.ports.smtpStarttlsCert, servername: 'mss.test', ca: box.ca, cert: app.cert, key: app.key });
  } finally {
    stopBox(box);
  }
}

/** An in-process TLS smtp-server with client certificates (it shares this process's thread with labmss). */
async function againstInProcessServer(): Promise<object> {
  const pki = createTestPki();
  const server = await startSmtpServer(pki);
  try {
    return await measure({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey });
  } finally {
    await server.close();
    pki.cleanup();
  }
}

/**
 * Throughput of labmss from export files to `250 queued`, against the render capacity of the cores
 * (target: ≥ 0.8 × it when the mail server is elsewhere) and, for context, bare nodemailer sending the
 * prebuilt messages over the same pool. Against mss-box only as root with ../shared/mss-box there.
 */
export async function benchSmtp(): Promise<{ figures: Figure[]; details: object }> {
  const capacity = await renderCapacity();
  const mssBox = ONLY === 'in-process' ? { skipped: 'BENCH_SMTP_ONLY' } : await againstMssBox();
  const inProcess = ONLY === 'mss-box' ? { skipped: 'BENCH_SMTP_ONLY' } : await againstInProcessServer();
  const figures: Figure[] = [figure(`render capacity of ${availableParallelism()} render threads (stage 1)`, capacity, 'reports/s')];
  for (const [where, r] of [['mss-box', mssBox], ['in-process server', inProcess]] as const) {
    if ('skipped' in r) continue;
    const m = r as { labmssReportsPerS: number; labmssCpuMsPerReport: number; bareNodemailerPerS: number; ratio: number };
    figures.push(
      figure(`e2e (${where}): labmss export to 250 queued`, m.labmssReportsPerS, 'reports/s'),
      figure(`e2e (${where}): labmss CPU per report`, m.labmssCpuMsPerReport, 'ms'),
      figure(`e2e (${where}): bare nodemailer, same messages`, m.bareNodemailerPerS, 'msg/s'),
      figure(`e2e (${where}): labmss against bare nodemailer`, m.ratio, '×'),
      figure(`e2e (${where}): labmss against the render capacity`, m.labmssReportsPerS / capacity, '×', where === 'in-process server' ? { op: '>=', value: 0.8 } : undefined),
    );
  }
  return { figures, details: { reports: REPORTS, pool: POOL, mssBox, inProcess } };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchSmtp(), null, 2));
