import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ensureDist, startDaemon } from '../helpers/spawn-cli.js';
import { exampleLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';
import { X509Certificate } from 'node:crypto';
import { tempLab } from '../helpers/lab.js';
import { createTestPki } from '../helpers/test-pki.js';
import { certificateExpiries } from '../../src/daemon/metrics.js';

before(() => ensureDist());

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One Prometheus sample's value, e.g. `labmss_deliveries{state="accepted"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('watch serves /health and Prometheus /metrics on its loopback port: states, queue age, last send, list ages', async () => {
  const { dir, config } = exampleLab();
  const port = await freePort();
  const raw = JSON.parse(readFileSync(config, 'utf8')) as Record<string, unknown>;
  writeFileSync(config, JSON.stringify({ ...raw, intake: { settleSeconds: 0.2 }, watch: { metrics: { port } } }));
  const daemon = startDaemon(config);
  try {
    await daemon.waitForLog((l) => l.msg === 'serving /health and /metrics');
    const base = `http://127.0.0.1:${port}`;
    let metrics = '';
    for (let i = 0; i < 200 && sample(metrics, 'labmss_deliveries{state="accepted"}') !== 7; i++) {
      await new Promise((r) => setTimeout(r, 100));
      metrics = await (await fetch(`${base}/metrics`)).text();
    }
    assert.equal(sample(metrics, 'labmss_deliveries{state="accepted"}'), 7, metrics);
    assert.equal(sample(metrics, 'labmss_deliveries{state="failed"}'), 0);
    assert.equal(sample(metrics, 'labmss_queue_oldest_waiting_seconds'), 0);
    const last = sample(metrics, 'labmss_last_accepted_timestamp_seconds')!;
    assert.ok(Math.abs(last - Date.now() / 1000) < 120, `last accepted ${last}`);
    assert.equal(sample(metrics, 'labmss_reference_import_timestamp_seconds{list="directory"}'), 0, 'never imported');
    assert.match(metrics, /# TYPE labmss_certificate_expiry_timestamp_seconds gauge/);
    assert.match(metrics, /^labmss_process_resident_memory_bytes \d+/m);

    const health = await fetch(`${base}/health`);
    assert.equal(health.status, 200);
    const body = await health.json() as { status: string; deliveries: Record<string, number>; lastAccepted: string };
    assert.equal(body.status, 'ok');
    assert.equal(body.deliveries.accepted, 7);
    assert.match(body.lastAccepted, /Z$/);
    assert.equal((await fetch(`${base}/other`)).status, 404);
  } finally {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }
  assert.ok(dir);
});

test('docs/operations.md has an alert rule for each labmss metric', () => {
  const doc = readFileSync(join(repoRoot, 'docs', 'operations.md'), 'utf8');
  for (const metric of ['labmss_deliveries', 'labmss_queue_oldest_waiting_seconds', 'labmss_last_accepted_timestamp_seconds',
    'labmss_certificate_expiry_timestamp_seconds', 'labmss_reference_import_timestamp_seconds', 'up{job="labmss"}']) {
    assert.match(doc, new RegExp(`expr: .*${metric.replace(/[{}"]/g, '.')}`), metric);
  }
});

test('certificate expiry for the metrics: the PEM or PKCS#12 client certificate and the earliest pinned CA', (t) => {
  const pki = createTestPki();
  t.after(() => pki.cleanup());
  const { config } = tempLab();
  const smtp = { host: 'mss.test', port: 465, implicitTls: true, ca: pki.caCert, pool: 1 };
  const expiry = (path: string) => Math.floor(Date.parse(new X509Certificate(pki.read(path)).validTo) / 1000);
  const pem = certificateExpiries({ ...config, transport: { type: 'smtp', smtp: { ...smtp, cert: pki.shortCert, key: pki.shortKey } } } as typeof config);
  assert.deepEqual(pem, [{ certificate: 'ca', expires: expiry(pki.caCert) }, { certificate: 'client', expires: expiry(pki.shortCert) }]);
  process.env.LABMSS_TEST_P12 = pki.p12Passphrase;
  const p12 = certificateExpiries({ ...config, transport: { type: 'smtp', smtp: { ...smtp, pfx: pki.clientP12, passphrase: { env: 'LABMSS_TEST_P12' } } } } as typeof config);
  assert.deepEqual(p12.find((c) => c.certificate === 'client')?.expires, expiry(pki.clientCert));
  assert.deepEqual(certificateExpiries(config), [], 'the outbox transport has no certificate');
});
