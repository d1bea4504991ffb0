import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { applyReceipt } from '../../src/mail/receipts/apply.js';
import { parseReceipt, type Receipt } from '../../src/mail/receipts/parse.js';
import type { Journal } from '../../src/queue/journal.js';
import { fixtures } from '../helpers/paths.js';
import { addPendingDeliveries, moveTo, tempState } from '../helpers/deliveries.js';

/** A captured report rewritten to speak about delivery `id` of this journal (ids and instance differ per run). */
function receiptFor(journal: Journal, name: string, capturedId: string, id: number): Receipt {
  const text = readFileSync(fixtures('receipts', name), 'utf8')
    .replaceAll(`labmss.${capturedId}.0a1b2c3d4e5f@`, `labmss.D${id}.${journal.instanceId}@`)
    .replaceAll(`Original-Envelope-Id: ${capturedId}`, `Original-Envelope-Id: D${id}`);
  return parseReceipt(text)!;
}

function setup(recipients: string[], state: 'accepted' | 'pending' = 'accepted') {
  const { config, journal } = tempState();
  const ids = addPendingDeliveries(journal, config.paths.state, recipients);
  if (state === 'accepted') for (const id of ids) { moveTo(journal, id, 'sending'); moveTo(journal, id, 'accepted', { accepted_at: journal.now() }); }
  return { journal, ids };
}

test('success DSN moves an accepted delivery to delivered; seen again it changes nothing', () => {
  const { journal, ids: [id] } = setup(['dr.martin@mss.test']);
  const r = receiptFor(journal, 'dsn-delivered.eml', 'D42', id!);
  assert.deepEqual(applyReceipt(journal, r), { matched: true, deliveries: [id] });
  const d = journal.delivery(id!)!;
  assert.equal(d.state, 'delivered');
  assert.ok(d.delivered_at);
  const n = journal.events({ delivery: id }).length;
  assert.deepEqual(applyReceipt(journal, r), { matched: true, deliveries: [id] });
  assert.equal(journal.events({ delivery: id }).length, n, 'no duplicate event for the same report');
  assert.match(journal.events({ delivery: id }).at(-1)!.detail!, /DSN delivered 2\.0\.0 for dr\.martin@mss\.test from mss\.test/);
});

test('failure DSN bounces the delivery with the diagnostic as reason', () => {
  const { journal, ids: [id] } = setup(['nobody@mss.test']);
  applyReceipt(journal, receiptFor(journal, 'dsn-failed.eml', 'D43', id!));
  const d = journal.delivery(id!)!;
  assert.equal(d.state, 'bounced');
  assert.match(d.reason!, /^bounced: 5\.1\.1 smtp; 550 5\.1\.1 <nobody@mss\.test> User doesn't exist/);
});

test('delayed DSN is an event only', () => {
  const { journal, ids: [id] } = setup(['nobody@mss.test']);
  applyReceipt(journal, receiptFor(journal, 'dsn-delayed.eml', 'D44', id!));
  assert.equal(journal.delivery(id!)!.state, 'accepted');
  assert.equal(journal.events({ delivery: id }).at(-1)!.kind, 'dsn-delayed');
});

test('MDN displayed after the DSN: delivered → read', () => {
  const { journal, ids: [id] } = setup(['dr.martin@mss.test']);
  applyReceipt(journal, receiptFor(journal, 'dsn-delivered.eml', 'D42', id!));
  applyReceipt(journal, receiptFor(journal, 'mdn-displayed.eml', 'D42', id!));
  const d = journal.delivery(id!)!;
  assert.equal(d.state, 'read');
  assert.ok(d.read_at);
  assert.deepEqual(journal.events({ delivery: id }).map((e) => e.to_state), ['pending', 'sending', 'accepted', 'delivered', 'read']);
});

test('a late success DSN after the MDN keeps the delivery read and notes the DSN', () => {
  const { journal, ids: [id] } = setup(['dr.martin@mss.test']);
  applyReceipt(journal, receiptFor(journal, 'mdn-processed.eml', 'D42', id!));
  applyReceipt(journal, receiptFor(journal, 'dsn-delivered.eml', 'D42', id!));
  assert.equal(journal.delivery(id!)!.state, 'read');
  assert.match(journal.events({ delivery: id }).at(-1)!.detail!, /delivery already read/);
});

test('MDN with an integration error: event and reason, not bounced, not read', () => {
  const { journal, ids: [id] } = setup(['dr.martin@mss.test']);
  applyReceipt(journal, receiptFor(journal, 'mdn-error.eml', 'D42', id!));
  const d = journal.delivery(id!)!;
  assert.equal(d.state, 'accepted');
  assert.equal(d.reason, "recipient's software reports an error 903: INS du patient absent");
  assert.equal(journal.events({ delivery: id }).at(-1)!.kind, 'mdn-error');
});

test("reports about another installation's messages are not matched", () => {
  const { journal, ids: [id] } = setup(['dr.martin@mss.test']);
  // Same delivery number, other instance id in the Message-ID: not ours.
  const foreign = parseReceipt(readFileSync(fixtures('receipts', 'dsn-delivered.eml'), 'utf8').replaceAll('D42', `D${id}`))!;
  assert.deepEqual(applyReceipt(journal, foreign), { matched: false, deliveries: [] });
  assert.deepEqual(applyReceipt(journal, parseReceipt(readFileSync(fixtures('receipts', 'mdn-displayed.eml'), 'utf8').replaceAll('D42', `D${id}`))!), { matched: false, deliveries: [] });
  assert.equal(journal.delivery(id!)!.state, 'accepted');
});

test('without returned headers the ENVID is used, only when the recipient agrees', () => {
  const { journal, ids: [id] } = setup(['dr.martin@mss.test']);
  const dsn = (rcpt: string): Receipt => ({ kind: 'dsn', envelopeId: `D${id}`, recipients: [{ action: 'delivered', status: '2.0.0', finalRecipient: rcpt }] });
  assert.equal(applyReceipt(journal, dsn('someone.else@mss.test')).matched, false);
  assert.equal(journal.delivery(id!)!.state, 'accepted');
  assert.equal(applyReceipt(journal, dsn('Dr.Martin@mss.test')).matched, true);
  assert.equal(journal.delivery(id!)!.state, 'delivered');
});
