import { createServer, type Server } from 'node:http';
import { X509Certificate } from 'node:crypto';
import { createSecureContext, TLSSocket } from 'node:tls';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { ResolvedConfig } from '../config/load.js';
import type { DeliveryState, Journal } from '../queue/journal.js';
import type { ReferenceKind } from '../queue/store/imports.js';
import { pemCertificates } from '../mail/smtp/certs.js';
import { smtpTls } from '../mail/smtp/tls.js';

/**
 * The daemon's figures for monitoring: `/health` (JSON) and Prometheus `/metrics`, on a loopback port
 * (`watch.metrics`). Read from the journal and the config at each scrape: nothing to keep in step.
 * docs/operations.md has an alert rule for each.
 */

const STATES = ['pending', 'sending', 'accepted', 'delivered', 'read', 'deferred', 'bounced', 'failed', 'held', 'cancelled'] as const satisfies readonly DeliveryState[];

export interface OpsSnapshot {
  deliveries: Record<(typeof STATES)[number], number>;
  /** Age of the oldest delivery still to go (pending, deferred, sending); 0 when none waits. */
  oldestWaitingSeconds: number;
  /** Unix time of the last message the operator accepted; null before the first. */
  lastAccepted: number | null;
  /** Unix time each certificate expires: the application mailbox's (client) and the earliest pinned CA. */
  certificates: Array<{ certificate: 'client' | 'ca'; expires: number }>;
  /** Unix time of the last import of the directory and of the allow-list; null when never imported. */
  references: Array<{ list: ReferenceKind; imported: number | null }>;
}

const unix = (iso: string | null | undefined): number | null => (iso ? Math.floor(Date.parse(iso) / 1000) : null);

/** Expiry times of the SMTP client certificate and CA bundle; none with the outbox transport or unreadable files. */
export function certificateExpiries(config: ResolvedConfig): OpsSnapshot['certificates'] {
  const smtp = config.transport.type === 'smtp' ? config.transport.smtp : undefined;
  if (!smtp) return [];
  const found: OpsSnapshot['certificates'] = [];
  try {
    const tls = smtpTls(smtp);
    const cas = pemCertificates(tls.ca);
    if (cas.length) found.push({ certificate: 'ca', expires: Math.min(...cas.map((c) => unix(new Date(c.validTo).toISOString())!)) });
    let validTo: string | undefined;
    if (tls.pfx) {
      const socket = new TLSSocket(null as never, { secureContext: createSecureContext({ pfx: tls.pfx, passphrase: tls.passphrase }) });
      validTo = (socket.getCertificate() as { valid_to?: string } | null)?.valid_to;
      socket.destroy();
    } else if (tls.cert) {
      validTo = new X509Certificate(tls.cert as Buffer).validTo;
    }
    if (validTo) found.push({ certificate: 'client', expires: unix(new Date(validTo).toISOString())! });
  } catch { /* unreadable: no series, which the absent() rule in docs/operations.md catches */ }
  return found;
}

export function opsSnapshot(journal: Journal, config: ResolvedConfig, now: Date): OpsSnapshot {
  const counts = journal.countsByState();
  const times = journal.queueTimes();
  const oldest = unix(times.oldestWaiting);
  return {
    deliveries: Object.fromEntries(STATES.map((s) => [s, counts[s] ?? 0])) as OpsSnapshot['deliveries'],
    oldestWaitingSeconds: oldest === null ? 0 : Math.max(0, Math.floor(now.getTime() / 1000) - oldest),
    lastAccepted: unix(times.lastAccepted),
    certificates: certificateExpiries(config),
    references: (['directory', 'allowlist'] as const).map((list) => ({ list, imported: unix(journal.lastImport(list)?.importedAt) })),
  };
}

/** A Prometheus registry whose gauges read `snapshot()` at each scrape, plus the process's own figures. */
export function metricsRegistry(snapshot: () => OpsSnapshot): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'labmss_' });
  let current: OpsSnapshot | undefined;
  // One snapshot per scrape, taken by the first gauge collected (registration order).
  new Gauge({ name: 'labmss_deliveries', help: 'Deliveries by state', labelNames: ['state'], registers: [registry], collect() {
    current = snapshot();
    for (const [state, n] of Object.entries(current.deliveries)) this.set({ state }, n);
  } });
  new Gauge({ name: 'labmss_queue_oldest_waiting_seconds', help: 'Age of the oldest delivery still to send (pending, deferred, sending); 0 when none', registers: [registry], collect() {
    this.set(current!.oldestWaitingSeconds);
  } });
  new Gauge({ name: 'labmss_last_accepted_timestamp_seconds', help: 'When the operator last accepted a message (unix time; absent before the first)', registers: [registry], collect() {
    this.reset();
    if (current!.lastAccepted !== null) this.set(current!.lastAccepted);
  } });
  new Gauge({ name: 'labmss_certificate_expiry_timestamp_seconds', help: 'When the SMTP client certificate and the earliest pinned CA expire (unix time)', labelNames: ['certificate'], registers: [registry], collect() {
    this.reset();
    for (const c of current!.certificates) this.set({ certificate: c.certificate }, c.expires);
  } });
  new Gauge({ name: 'labmss_reference_import_timestamp_seconds', help: 'When the MSSanté directory and allow-list were last imported (unix time; 0: never)', labelNames: ['list'], registers: [registry], collect() {
    for (const r of current!.references) this.set({ list: r.list }, r.imported ?? 0);
  } });
  return registry;
}

/** Serves /health and /metrics on the loopback address of `watch.metrics`; resolves once listening. */
export async function serveMetrics(where: { host: string; port: number }, registry: Registry, health: () => Record<string, unknown>): Promise<Server> {
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      try {
        if (req.method === 'GET' && path === '/metrics') {
          const body = await registry.metrics();
          res.writeHead(200, { 'content-type': registry.contentType }).end(body);
        } else if (req.method === 'GET' && path === '/health') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify({ status: 'ok', ...health() })}\n`);
        } else {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /health or /metrics\n');
        }
      } catch (err) {
        res.writeHead(503, { 'content-type': 'application/json' }).end(`${JSON.stringify({ status: 'error', error: (err as Error).message })}\n`);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(where.port, where.host, () => { server.off('error', reject); resolve(); });
  });
  return server;
}
