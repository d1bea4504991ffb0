import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDoctor } from '../../src/cli/doctor.js';
import { createTestPki, type TestPki } from '../helpers/test-pki.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';

let pki: TestPki;
let server: TestSmtpServer;
before(async () => { pki = createTestPki(); server = await startSmtpServer(pki); });
after(async () => { await server.close(); pki.cleanup(); });

function configWith(smtp: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'labmss-doctor-'));
  const file = join(dir, 'labmss.json');
  mkdirSync(join(dir, 'export'));
  writeFileSync(file, JSON.stringify({
    lab: { name: 'Labo', mailbox: 'labo-test@mss.test' },
    paths: { export: 'export', state: 'state' },
    transport: { type: 'smtp', smtp: { host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.caCert, ...smtp } },
  }));
  return file;
}

const levels = (checks: Array<{ level: string; what: string }>, level: string) => checks.filter((c) => c.level === level).map((c) => c.what);

test('a good certificate and operator: no problem, the handshake and EHLO are reported', async () => {
  const checks = await runDoctor(configWith({ cert: pki.clientCert, key: pki.clientKey }));
  assert.deepEqual(levels(checks, 'fail'), []);
  const ok = levels(checks, 'ok').join('\n');
  assert.match(ok, /TLSv1\.[23] with 127\.0\.0\.1:\d+ \(STARTTLS\); operator certificate localhost verified/);
  assert.match(ok, /client certificate accepted by the operator \(EHLO 250 after TLS\)/);
  assert.match(ok, /private key matches the client certificate/);
  assert.match(ok, /signed by CN=labmss Test CA/);
  assert.match(levels(checks, 'warn').join('\n'), /receipts\.imap is not configured/);
});

test('PKCS#12: the bundle opens and its certificate is checked from the handshake', async () => {
  process.env.LABMSS_DOCTOR_P12 = pki.p12Passphrase;
  const checks = await runDoctor(configWith({ pfx: pki.clientP12, passphrase: { env: 'LABMSS_DOCTOR_P12' } }));
  assert.deepEqual(levels(checks, 'fail'), []);
  assert.match(levels(checks, 'ok').join('\n'), /client certificate \(from the PKCS#12 bundle\) \(CN=labo-test\) valid until/);
});

test('a certificate from another CA: refused by the operator and not in the chain', async () => {
  const checks = await runDoctor(configWith({ cert: pki.rogueCert, key: pki.rogueKey }));
  const fails = levels(checks, 'fail').join('\n');
  assert.match(fails, /not signed by any certificate of the CA bundle/);
  assert.match(fails, /refused the session after TLS: 421 .*Client certificate not trusted/);
});

test('a world-readable key and a certificate about to expire are reported', async () => {
  const key = join(mkdtempSync(join(tmpdir(), 'labmss-key-')), 'short.key');
  copyFileSync(pki.shortKey, key);
  chmodSync(key, 0o644);
  const checks = await runDoctor(configWith({ cert: pki.shortCert, key }));
  assert.match(levels(checks, 'fail').join('\n'), /readable by other users \(mode 644\)/);
  assert.match(levels(checks, 'warn').join('\n'), /expires in 0 day\(s\)/);
  assert.ok(checks.find((c) => c.what.includes('mode 644'))!.fix!.startsWith('chmod 600'));
});

test('the wrong pinned CA: the operator certificate does not verify, with what to fix', async () => {
  const checks = await runDoctor(configWith({ ca: pki.rogueCert, cert: pki.clientCert, key: pki.clientKey }));
  const tlsFail = checks.find((c) => c.level === 'fail' && c.what.startsWith('cannot open a TLS session'));
  assert.ok(tlsFail, JSON.stringify(checks, null, 1));
  assert.match(tlsFail.fix!, /transport\.smtp\.ca/);
});

test('an invalid config is a single failure', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'labmss-doctor-'));
  writeFileSync(join(dir, 'labmss.json'), '{"lab": {}}');
  const checks = await runDoctor(join(dir, 'labmss.json'));
  assert.equal(checks.length, 1);
  assert.equal(checks[0]!.level, 'fail');
  assert.equal(checks[0]!.section, 'config');
});
