import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Smtp } from '../../src/config/config.types.js';
import { Pipeline } from '../../src/pipeline.js';
import { emptySummary } from '../../src/summary.js';
import { envelopeMismatch, envelopeRecipient } from '../../src/mail/envelope.js';
import { OutboxTransport } from '../../src/mail/outbox.js';
import { SmtpTransport } from '../../src/mail/smtp/transport.js';
import { createTransport } from '../../src/mail/transports.js';
import { allowlistChecker } from '../../src/routing/allowlist.js';

import { addPendingDeliveries, rawMessage, tempState } from '../helpers/deliveries.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { createTestPki, type TestPki } from '../helpers/test-pki.js';

let pki: TestPki;
let server: TestSmtpServer;
/** Every RCPT TO the server saw, accepted or not. */
const rcpts: string[] = [];
before(async () => {
  pki = createTestPki();
  server = await startSmtpServer(pki);
  server.faults = { rcpt: (a) => { rcpts.push(a); return undefined; } };
});
after(async () => { await server.close(); pki.cleanup(); });

const smtpConfig = (): Smtp => ({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey, pool: 1 });
const allowlist = allowlistChecker(new Set(['mss.test']), 'test list');
const SMUGGLED = ['evil@evil.example, dr.durand@mss.test', 'Evil <evil@evil.example> dr.durand@mss.test'];
const msg = (to: string) => ({ deliveryId: 'D1', messageId: '<m1@mss.test>', from: 'labo-test@mss.test', to, raw: rawMessage('<m1@mss.test>', 'x') });

test('issue 11: a smuggled address in a JSON input reaches nobody, is held with the reason, and is never retried', async () => {
  const { dir, config, journal } = tempState({ transport: { type: 'smtp', smtp: smtpConfig() } });
  const list = join(dir, 'list.xml');
  writeFileSync(list, '<?xml version="1.0"?><ListeBlanche><Domaine><Nom>mss.test</Nom></Domaine></ListeBlanche>');
  journal.importAllowlist(list);
  SMUGGLED.forEach((address, i) => writeFileSync(join(config.paths.export, `r${i}.json`), JSON.stringify({
    patient: { ids: { ipp: `P${i}` }, familyName: 'DUPONT' }, request: { fillerId: `D${i}` }, status: 'final', chapters: [],
    prescriber: { familyName: 'DURAND', mssAddress: address }, copiesTo: [{ familyName: 'X', mssAddress: address }],
  })));
  const before = rcpts.length;
  const transport = createTransport({ ...config, intake: { ...config.intake, settleSeconds: 0 } });
  const s = emptySummary();
  await new Pipeline({ ...config, intake: { ...config.intake, settleSeconds: 0 } }, journal, transport).pass(s, 1);
  await transport.close();
  assert.equal(s.reports, 2);
  assert.deepEqual(rcpts.slice(before), [], 'no RCPT TO at all');
  assert.equal(s.sent, 0);
  assert.deepEqual(s.deferred, []);
  assert.equal(s.held.length, 2, 'one held delivery per report (prescriber and copy share the address)');
  for (const h of s.held) assert.match(h.reason, /not a single valid address/);
  journal.close();
});

test('the transports build the envelope only from one parsed, listed mailbox: anything else fails before a byte is sent', async () => {
  const before = rcpts.length;
  const t = new SmtpTransport(smtpConfig(), { allowlist });
  for (const to of [...SMUGGLED, 'evil@evil.example', 'dr.durand@mss.test.', '<dr.durand@mss.test>', 'dr.durand@mss.test\r\nRCPT TO:<evil@evil.example>']) {
    const outcome = await t.send(msg(to));
    assert.ok(!outcome.ok && outcome.permanent && /^envelope refused, nothing sent/.test(outcome.response), `${JSON.stringify(to)}: ${JSON.stringify(outcome)}`);
  }
  assert.equal((await t.send(msg('Dr.Durand@mss.test'))).ok, true);
  await t.close();
  assert.deepEqual(rcpts.slice(before), ['Dr.Durand@mss.test']);

  const { config, journal } = tempState();
  const outboxDir = join(config.paths.state, 'outbox');
  const outbox = new OutboxTransport(outboxDir, allowlist);
  for (const to of SMUGGLED) assert.equal((await outbox.send(msg(to))).ok, false);
  assert.equal(existsSync(outboxDir) ? readdirSync(outboxDir).length : 0, 0, 'the outbox wrote nothing');
  assert.equal((await new OutboxTransport(outboxDir).send(msg(SMUGGLED[0]!))).ok, false, 'without a list, still one mailbox only');
  journal.close();
});

test('a smuggled recipient already in the journal (written by an older version) fails at once instead of retrying for days', async () => {
  const { config, journal } = tempState({ transport: { type: 'smtp', smtp: smtpConfig() } });
  const ids = addPendingDeliveries(journal, config.paths.state, SMUGGLED);
  const before = rcpts.length;
  const t = new SmtpTransport(config.transport.smtp!, { allowlist });
  const s = emptySummary();
  await new Pipeline(config, journal, t).deliverDue(s);
  await t.close();
  assert.deepEqual(ids.map((id) => journal.delivery(id)!.state), ['failed', 'failed']);
  assert.deepEqual(rcpts.slice(before), []);
  journal.close();
});

test('envelope values: normal form required, and exactly the one recipient reported back', () => {
  assert.deepEqual(envelopeRecipient('dr@mss.test', allowlist), { address: 'dr@mss.test' });
  assert.match((envelopeRecipient(' "dr"@mss.test', allowlist) as { refused: string }).refused, /normal form/);
  assert.match((envelopeRecipient('dr@evil.example', allowlist) as { refused: string }).refused, /not on the MSSanté allow-list/);
  assert.equal(envelopeMismatch('dr@mss.test', ['DR@mss.test']), undefined);
  assert.match(envelopeMismatch('dr@mss.test', ['dr@mss.test', 'evil@evil.example'])!, /2 recipient/);
  assert.match(envelopeMismatch('dr@mss.test', [])!, /0 recipient/);
});
