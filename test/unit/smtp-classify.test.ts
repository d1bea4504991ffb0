import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifySmtpError, queueIdOf } from '../../src/mail/smtp/classify.js';

test('queue id from the usual 250 replies', () => {
  assert.equal(queueIdOf('250 2.0.0 Ok: queued as ABC123'), 'ABC123');
  assert.equal(queueIdOf('250 2.0.0 Ok: queued as 4Bq1xZ3kQvz9'), '4Bq1xZ3kQvz9');
  assert.equal(queueIdOf('250 OK id=1tXyZa-0004Qb-2C'), '1tXyZa-0004Qb-2C');
  assert.equal(queueIdOf('250 2.0.0 Accepted'), undefined);
});

test('Postfix refusing the client certificate after STARTTLS is a certificate problem, not a 4xx to retry blindly', () => {
  for (const text of ['421 4.7.1 mss.test: Error: No client certificate presented', '421 4.7.1 mss.test: Error: Client certificate not trusted']) {
    const o = classifySmtpError({ code: 'ECONNECTION', command: 'EHLO', responseCode: 421, response: text, message: `Invalid greeting. response=${text}` }, 'a@b');
    assert.equal(o.certificate, true, text);
    assert.equal(o.permanent, false);
    assert.match(o.response, /certificate/);
  }
});

test('a TLS alert about the client certificate during the handshake is a certificate problem', () => {
  const o = classifySmtpError({ code: 'ESOCKET', command: 'CONN', message: 'error:0A000418:SSL routines::tlsv1 alert unknown ca:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1605:SSL alert number 48' }, 'a@b');
  assert.equal(o.certificate, true);
});

test('5xx is permanent with the reply, 4xx and network errors are transient', () => {
  const p = classifySmtpError({ code: 'EMESSAGE', command: 'DATA', responseCode: 554, response: '554 5.7.1 Rejected by policy' }, 'a@b');
  assert.deepEqual(p, { ok: false, permanent: true, response: 'DATA: 554 5.7.1 Rejected by policy' });
  const t = classifySmtpError({ code: 'EMESSAGE', command: 'DATA', responseCode: 451, response: '451 4.3.0 Try later' }, 'a@b');
  assert.equal(t.permanent, false);
  assert.equal(t.certificate, undefined);
  const n = classifySmtpError({ code: 'ECONNECTION', command: 'CONN', message: 'connect ECONNREFUSED 127.0.0.1:1' }, 'a@b');
  assert.equal(n.permanent, false);
  assert.match(n.response, /ECONNREFUSED/);
});

test('a 421 that is not about certificates stays an ordinary transient error', () => {
  const o = classifySmtpError({ code: 'ECONNECTION', command: 'CONN', responseCode: 421, response: '421 4.3.2 Service shutting down' }, 'a@b');
  assert.equal(o.certificate, undefined);
  assert.equal(o.permanent, false);
});

test('per-recipient rejections name the recipient and keep its own code', () => {
  const o = classifySmtpError({ code: 'EENVELOPE', command: 'API', responseCode: 550, rejected: ['x@y'],
    rejectedErrors: [{ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550, response: '550 5.1.1 <x@y>: Recipient address rejected' }] }, 'x@y');
  assert.deepEqual(o, { ok: false, permanent: true, response: 'RCPT TO <x@y>: 550 5.1.1 <x@y>: Recipient address rejected' });
  const t = classifySmtpError({ rejectedErrors: [{ responseCode: 452, response: '452 4.2.2 Mailbox full' }] }, 'x@y');
  assert.equal(t.permanent, false);
});

test('a failed STARTTLS never becomes permanent and says nothing was sent', () => {
  const o = classifySmtpError({ code: 'ETLS', command: 'STARTTLS', responseCode: 502, response: '502 5.5.2 Error: command not recognized' }, 'a@b');
  assert.equal(o.permanent, false);
  assert.match(o.response, /TLS could not be established, nothing sent/);
});
