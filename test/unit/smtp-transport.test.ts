import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Smtp } from '../../src/config/config.types.js';
import { Pipeline } from '../../src/pipeline.js';
import { emptySummary } from '../../src/summary.js';
import { SmtpTransport } from '../../src/mail/smtp/transport.js';
import { smtpTls } from '../../src/mail/smtp/tls.js';
import { createTestPki, type TestPki } from '../helpers/test-pki.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { addPendingDeliveries, rawMessage, tempState } from '../helpers/deliveries.js';

let pki: TestPki;
before(() => { pki = createTestPki(); });
after(() => pki.cleanup());

const smtpConfig = (port: number, extra: Partial<Smtp> = {}): Smtp => ({
  host: '127.0.0.1', port, servername: 'localhost', ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey, pool: 1, ...extra,
});

const message = (id: number, to = 'dr.martin@mss.test') => ({
  deliveryId: `D${id}`, messageId: `<labmss.D${id}.abc@mss.test>`, from: 'labo-test@mss.test', to, raw: rawMessage(`<labmss.D${id}.abc@mss.test>`, to),
});

describe('SMTP transport against a server that requires client certificates', () => {
  let server: TestSmtpServer;
  before(async () => { server = await startSmtpServer(pki); });
  after(() => server.close());

  test('sends the exact bytes with the envelope, DSN NOTIFY/ENVID/RET, and reads the queue id', async () => {
    server.faults = {};
    const t = new SmtpTransport(smtpConfig(server.port));
    const m = message(42);
    const outcome = await t.send(m);
    await t.close();
    assert.equal(outcome.ok, true);
    assert.ok(outcome.ok);
    assert.match(outcome.response, /^250 2\.0\.0 Ok: queued as Q\d{5}$/);
    assert.equal(outcome.queueId, outcome.response.split(' ').pop());
    const got = server.received.at(-1)!;
    assert.equal(got.from, 'labo-test@mss.test');
    assert.deepEqual(got.to, ['dr.martin@mss.test']);
    assert.equal(got.envid, 'D42');
    assert.equal(got.ret, 'HDRS');
    assert.deepEqual(got.notify, [['SUCCESS', 'FAILURE', 'DELAY']]);
    assert.equal(got.clientCertCn, 'labo-test');
    assert.ok(got.raw.equals(m.raw), 'the server received the .eml byte for byte');
  });

  test('the PKCS#12 bundle with its passphrase from the environment works too', async () => {
    server.faults = {};
    process.env.LABMSS_TEST_P12 = pki.p12Passphrase;
    const t = new SmtpTransport(smtpConfig(server.port, { cert: undefined, key: undefined, pfx: pki.clientP12, passphrase: { env: 'LABMSS_TEST_P12' } }));
    const outcome = await t.send(message(7));
    await t.close();
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
  });

  test('the pool sends several messages over one TLS connection', async () => {
    server.faults = {};
    const before = server.tlsSessions;
    const n = server.received.length;
    const t = new SmtpTransport(smtpConfig(server.port));
    const outcomes = await Promise.all([1, 2, 3].map((i) => t.send(message(100 + i))));
    await t.close();
    assert.ok(outcomes.every((o) => o.ok));
    assert.equal(server.received.length, n + 3);
    assert.equal(server.tlsSessions - before, 1);
  });

  test('a 4xx defers the delivery with back-off, the next due pass sends it', async () => {
    server.faults = { data: (attempt) => (attempt === 1 ? { code: 451, message: '4.3.0 Temporary failure, try again' } : undefined) };
    let now = new Date('2026-11-23T10:00:00Z');
    const { config, journal } = tempState({ transport: { type: 'smtp', smtp: smtpConfig(server.port) } });
    const [id] = addPendingDeliveries(journal, config.paths.state, ['dr.martin@mss.test']);
    const t = new SmtpTransport(config.transport.smtp!);
    const d = new Pipeline(config, journal, t, () => now);
    const s1 = emptySummary();
    await d.deliverDue(s1);
    let row = journal.delivery(id!)!;
    assert.equal(row.state, 'deferred');
    assert.match(row.last_reply!, /451 4\.3\.0/);
    assert.equal(row.next_attempt_at, new Date(now.getTime() + config.retry.firstDelaySeconds * 1000).toISOString());
    assert.equal(s1.deferred.length, 1);

    await d.deliverDue(emptySummary());
    assert.equal(journal.delivery(id!)!.attempts, 1, 'not due yet: not retried');

    now = new Date(row.next_attempt_at!);
    const s2 = emptySummary();
    await d.deliverDue(s2);
    await t.close();
    row = journal.delivery(id!)!;
    assert.equal(row.state, 'accepted');
    assert.equal(row.attempts, 2);
    assert.match(row.queue_id!, /^Q\d{5}$/);
    assert.equal(s2.sent, 1);
    assert.deepEqual(journal.events({ delivery: id }).map((e) => e.to_state), ['pending', 'sending', 'deferred', 'sending', 'accepted']);
    journal.close();
  });

  test('a 5xx fails the delivery at once with the server reply', async () => {
    server.faults = { data: () => ({ code: 554, message: '5.7.1 Message rejected by policy' }) };
    const { config, journal } = tempState({ transport: { type: 'smtp', smtp: smtpConfig(server.port) } });
    const [id] = addPendingDeliveries(journal, config.paths.state, ['dr.martin@mss.test']);
    const t = new SmtpTransport(config.transport.smtp!);
    const s = emptySummary();
    await new Pipeline(config, journal, t).deliverDue(s);
    await t.close();
    const row = journal.delivery(id!)!;
    assert.equal(row.state, 'failed');
    assert.match(row.reason!, /554 5\.7\.1 Message rejected by policy/);
    assert.equal(row.attempts, 1);
    assert.equal(s.failed.length, 1);
    journal.close();
  });

  test('per-recipient refusals: 5xx for that recipient is permanent, 4xx transient, others unaffected', async () => {
    server.faults = {
      rcpt: (address) => (address === 'nobody@mss.test' ? { code: 550, message: '5.1.1 <nobody@mss.test>: Recipient address rejected: User unknown' }
        : address === 'full@mss.test' ? { code: 452, message: '4.2.2 Mailbox full' } : undefined),
    };
    const t = new SmtpTransport(smtpConfig(server.port));
    const [bad, full, good] = await Promise.all([
      t.send(message(50, 'nobody@mss.test')), t.send(message(51, 'full@mss.test')), t.send(message(52, 'dr.durand@mss.test')),
    ]);
    await t.close();
    assert.deepEqual(bad, { ok: false, permanent: true, response: 'RCPT TO <nobody@mss.test>: 550 5.1.1 <nobody@mss.test>: Recipient address rejected: User unknown' });
    assert.equal(full!.ok, false);
    assert.ok(!full!.ok && !full!.permanent && /452 4\.2\.2/.test(full!.response));
    assert.equal(good!.ok, true);
  });

  test('a client certificate from another CA is refused and reported as a certificate problem', async () => {
    server.faults = {};
    const n = server.received.length;
    const t = new SmtpTransport(smtpConfig(server.port, { cert: pki.rogueCert, key: pki.rogueKey }));
    const outcome = await t.send(message(60));
    await t.close();
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok && outcome.certificate === true && !outcome.permanent, JSON.stringify(outcome));
    assert.ok(!outcome.ok && /Client certificate not trusted/.test(outcome.response));
    assert.equal(server.received.length, n);
  });

  test('no client certificate at all is refused as a certificate problem', async () => {
    const tls = { ...smtpTls(smtpConfig(server.port)), cert: undefined, key: undefined };
    const t = new SmtpTransport(smtpConfig(server.port), { tls });
    const outcome = await t.send(message(61));
    await t.close();
    assert.ok(!outcome.ok && outcome.certificate === true && /No client certificate presented/.test(outcome.response), JSON.stringify(outcome));
  });

  for (const inHandshake of [false, true]) {
    test(`a refused certificate (${inHandshake ? 'in the TLS handshake' : '421 after it'}) stops the pass: the other due deliveries are not tried`, async () => {
      const refusing = inHandshake ? await startSmtpServer(pki, { rejectInHandshake: true }) : server;
      const { config, journal } = tempState({ transport: { type: 'smtp', smtp: smtpConfig(refusing.port, { cert: pki.rogueCert, key: pki.rogueKey }) } });
      const ids = addPendingDeliveries(journal, config.paths.state, ['dr.martin@mss.test', 'dr.durand@mss.test', 'dr.x@mss.test']);
      const t = new SmtpTransport(config.transport.smtp!);
      const s = emptySummary();
      await new Pipeline(config, journal, t).deliverDue(s);
      await t.close();
      if (inHandshake) await refusing.close();
      assert.deepEqual(ids.map((id) => journal.delivery(id)!.state), ['deferred', 'pending', 'pending']);
      assert.match(journal.delivery(ids[0]!)!.reason!, inHandshake ? /does not accept the lab's client certificate/ : /client certificate.*not trusted/i);
      journal.close();
    });
  }

  test('an operator certificate that the pinned CA did not sign is never trusted: nothing is sent', async () => {
    const n = server.received.length;
    const t = new SmtpTransport(smtpConfig(server.port, { ca: pki.rogueCert }));
    const outcome = await t.send(message(62));
    await t.close();
    assert.equal(outcome.ok, false);
    assert.equal(server.received.length, n);
  });
});

describe('SMTP transport refuses to send in clear', () => {
  test('a server that offers no STARTTLS gets nothing', async () => {
    const plain = await startSmtpServer(pki, { plaintextOnly: true });
    const t = new SmtpTransport(smtpConfig(plain.port));
    const outcome = await t.send(message(70));
    await t.close();
    await plain.close();
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok && !outcome.permanent && /TLS could not be established, nothing sent/.test(outcome.response), JSON.stringify(outcome));
    assert.equal(plain.received.length, 0);
  });
});

describe('SMTP transport with implicit TLS', () => {
  test('sends over TLS from the first byte with the client certificate', async () => {
    const tlsServer = await startSmtpServer(pki, { implicitTls: true });
    const t = new SmtpTransport(smtpConfig(tlsServer.port, { implicitTls: true }));
    const outcome = await t.send(message(80));
    await t.close();
    await tlsServer.close();
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    assert.equal(tlsServer.received[0]!.envid, 'D80');
    assert.ok(tlsServer.received[0]!.raw.equals(message(80).raw));
  });
});
