import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import type { Smtp } from '../../src/config/config.types.js';
import { ConfigError } from '../../src/config/load.js';
import { SmtpTransport } from '../../src/mail/smtp/transport.js';
import { createTransport } from '../../src/mail/transports.js';
import { rawMessage, tempState } from '../helpers/deliveries.js';
import { sampleReport, tempLab } from '../helpers/lab.js';
import { ensureDist, runCli } from '../helpers/spawn-cli.js';
import { startSmtpServer } from '../helpers/smtp-server.js';
import { createTestPki, type TestPki } from '../helpers/test-pki.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

let pki: TestPki;
before(() => { pki = createTestPki(); ensureDist(); });
after(() => pki.cleanup());

const smtpConfig = (port: number, extra: Partial<Smtp> = {}): Smtp => ({
  host: '127.0.0.1', port, servername: 'localhost', ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey, pool: 1, ...extra,
});
const message = (id: number) => ({ deliveryId: `D${id}`, messageId: `<m${id}@mss.test>`, from: 'labo-test@mss.test', to: 'dr.martin@mss.test', raw: rawMessage(`<m${id}@mss.test>`, 'dr.martin@mss.test') });

describe('issue 11: a client certificate refused in the TLS handshake is a certificate problem', () => {
  for (const implicitTls of [false, true]) {
    test(`${implicitTls ? 'implicit TLS' : 'STARTTLS'}: classified as a certificate problem, not "connection closed"`, async () => {
      const server = await startSmtpServer(pki, { rejectInHandshake: true, implicitTls });
      const t = new SmtpTransport(smtpConfig(server.port, { cert: pki.rogueCert, key: pki.rogueKey, implicitTls }));
      const outcome = await t.send(message(1));
      await t.close();
      await server.close();
      assert.ok(!outcome.ok && outcome.certificate === true && !outcome.permanent, JSON.stringify(outcome));
      assert.match(outcome.ok ? '' : outcome.response, /does not accept the lab's client certificate/);
      assert.equal(server.received.length, 0);
    });
  }

  test('a server that closes before its greeting is a network failure, not a certificate problem', async () => {
    const rude = createServer((socket) => socket.destroy());
    await new Promise<void>((r) => rude.listen(0, '127.0.0.1', r));
    const t = new SmtpTransport(smtpConfig((rude.address() as AddressInfo).port));
    const outcome = await t.send(message(2));
    await t.close();
    await new Promise((r) => rude.close(r));
    assert.ok(!outcome.ok && !outcome.certificate && !outcome.permanent, JSON.stringify(outcome));
  });
});

describe('issue 11: the certificate and its passphrase are opened at start', () => {
  test('a wrong PKCS#12 passphrase, or a key that is not the certificate\'s, is a configuration error when the transport is made', () => {
    process.env.LABMSS_TEST_WRONG = 'not-the-passphrase';
    assert.throws(() => new SmtpTransport(smtpConfig(1, { cert: undefined, key: undefined, pfx: pki.clientP12, passphrase: { env: 'LABMSS_TEST_WRONG' } })),
      (err: unknown) => err instanceof ConfigError && /client certificate cannot be opened.*passphrase/.test((err as Error).message));
    assert.throws(() => new SmtpTransport(smtpConfig(1, { key: pki.rogueKey })), (err: unknown) => err instanceof ConfigError && /client certificate cannot be opened/.test((err as Error).message));
    const { config } = tempState({ transport: { type: 'smtp', smtp: smtpConfig(1, { cert: undefined, key: undefined, pfx: pki.clientP12, passphrase: { env: 'LABMSS_TEST_WRONG' } }) } });
    assert.throws(() => createTransport(config), ConfigError);
  });

  test('run, watch and resend with a wrong passphrase exit 2 with the reason, and claim, defer and send nothing', async () => {
    const lab = tempLab({ transport: { type: 'smtp', smtp: smtpConfig(1, { cert: undefined, key: undefined, pfx: pki.clientP12, passphrase: { env: 'LABMSS_TEST_WRONG' } }) } });
    writeFileSync(join(lab.exportDir, 'r1.json'), JSON.stringify(sampleReport(1)));
    for (const command of [['run'], ['watch'], ['resend', 'R1']]) {
      const r = await runCli([...command, '--config', lab.configFile], { LABMSS_TEST_WRONG: 'not-the-passphrase' });
      assert.equal(r.code, 2, `${command[0]}: ${r.stderr}`);
      assert.match(r.stderr, /client certificate cannot be opened.*passphrase/);
    }
    assert.deepEqual(readdirSync(lab.exportDir), ['r1.json']);
  });
});
