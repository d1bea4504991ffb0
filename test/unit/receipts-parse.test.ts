import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDisposition, parseReceipt } from '../../src/mail/receipts/parse.js';
import { fixtures } from '../helpers/paths.js';

const fixture = (name: string) => readFileSync(fixtures('receipts', name));

test('Postfix success DSN: delivered, ENVID, recipient and returned Message-ID', () => {
  const r = parseReceipt(fixture('dsn-delivered.eml'));
  assert.ok(r && r.kind === 'dsn');
  assert.equal(r.envelopeId, 'D42');
  assert.equal(r.reportingMta, 'mss.test');
  assert.equal(r.reportMessageId, '<20261123184152.2F03120C561@mss.test>');
  assert.equal(r.originalMessageId, '<labmss.D42.0a1b2c3d4e5f@mss.test>');
  assert.equal(r.recipients.length, 1);
  assert.deepEqual(r.recipients[0], {
    action: 'delivered', status: '2.0.0', finalRecipient: 'dr.martin@mss.test', originalRecipient: 'dr.martin@mss.test',
    diagnostic: 'smtp; 250 2.0.0 <dr.martin@mss.test> kW1DCvCIBGsJQAAAg+zDdQ Saved', remoteMta: 'mss.test', willRetryUntil: undefined,
  });
});

test('Postfix bounce DSN: failed 5.1.1 with the unfolded diagnostic', () => {
  const r = parseReceipt(fixture('dsn-failed.eml'));
  assert.ok(r && r.kind === 'dsn');
  assert.equal(r.envelopeId, 'D43');
  assert.equal(r.originalMessageId, '<labmss.D43.0a1b2c3d4e5f@mss.test>');
  const [rcpt] = r.recipients;
  assert.equal(rcpt!.action, 'failed');
  assert.equal(rcpt!.status, '5.1.1');
  assert.equal(rcpt!.finalRecipient, 'nobody@mss.test');
  assert.equal(rcpt!.diagnostic, "smtp; 550 5.1.1 <nobody@mss.test> User doesn't exist: nobody@mss.test");
});

test('delayed DSN keeps its retry horizon', () => {
  const r = parseReceipt(fixture('dsn-delayed.eml'));
  assert.ok(r && r.kind === 'dsn');
  assert.equal(r.recipients[0]!.action, 'delayed');
  assert.equal(r.recipients[0]!.status, '4.4.1');
  assert.match(r.recipients[0]!.willRetryUntil!, /28 Nov 2026/);
});

test('MDN displayed and processed', () => {
  const d = parseReceipt(fixture('mdn-displayed.eml'));
  assert.ok(d && d.kind === 'mdn');
  assert.equal(d.originalMessageId, '<labmss.D42.0a1b2c3d4e5f@mss.test>');
  assert.equal(d.finalRecipient, 'dr.martin@mss.test');
  assert.equal(d.originalRecipient, 'dr.martin@mss.test');
  assert.deepEqual(d.disposition, { actionMode: 'manual-action', sendingMode: 'MDN-sent-manually', type: 'displayed', modifiers: [] });
  const p = parseReceipt(fixture('mdn-processed.eml'));
  assert.ok(p && p.kind === 'mdn');
  assert.equal(p.disposition.type, 'processed');
  assert.equal(p.disposition.error, undefined);
});

test('MDN "KO intégration": processed with Error: code^label', () => {
  const r = parseReceipt(fixture('mdn-error.eml'));
  assert.ok(r && r.kind === 'mdn');
  assert.equal(r.disposition.type, 'processed');
  assert.deepEqual(r.disposition.error, { code: '903', label: 'INS du patient absent' });
  assert.match(r.subject!, /^\[KO Intégration système !\]\[903\]/);
});

test('ordinary mail is not a receipt', () => {
  assert.equal(parseReceipt(fixture('unrelated.eml')), undefined);
});

test('dispositions: modifiers, RFC 3798 error spelling, bare type', () => {
  assert.deepEqual(parseDisposition('automatic-action/MDN-sent-automatically; processed/error: Échec de lecture'),
    { actionMode: 'automatic-action', sendingMode: 'MDN-sent-automatically', type: 'processed', modifiers: ['error: Échec de lecture'], error: { label: 'Échec de lecture' } });
  assert.equal(parseDisposition('manual-action/MDN-sent-manually; deleted').type, 'deleted');
});

test('a base64-encoded delivery-status part inside a mixed wrapper is still read', () => {
  const status = Buffer.from('Reporting-MTA: dns; relay.example\r\nOriginal-Envelope-Id: D7\r\n\r\nFinal-Recipient: rfc822; a@b.fr\r\nAction: failed\r\nStatus: 5.2.2\r\n').toString('base64');
  const raw = ['Content-Type: multipart/mixed; boundary=outer', '', '--outer',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="in ner"', '', '--in ner', 'Content-Type: text/plain', '', 'x',
    '--in ner', 'Content-Type: message/delivery-status', 'Content-Transfer-Encoding: base64', '', status, '--in ner--', '', '--outer--', ''].join('\r\n');
  const r = parseReceipt(raw);
  assert.ok(r && r.kind === 'dsn');
  assert.equal(r.envelopeId, 'D7');
  assert.equal(r.recipients[0]!.status, '5.2.2');
  assert.equal(r.originalMessageId, undefined);
});
