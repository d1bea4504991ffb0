import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import type nodemailer from 'nodemailer';
import { InputError, parseInput } from '../../src/inputs/index.js';
import { envelopeRecipient } from '../../src/mail/envelope.js';
import { SmtpTransport } from '../../src/mail/smtp/transport.js';
import type { LabReport } from '../../src/model/labreport.types.js';
import { labReportProblems } from '../../src/model/validate.js';
import { AddressBook } from '../../src/routing/address-book.js';
import { allowlistChecker } from '../../src/routing/allowlist.js';
import { routeReport, type RoutingContext } from '../../src/routing/resolve.js';
import { escapeHl7 } from '../helpers/hl7-writer.js';
import { fixtures } from '../helpers/paths.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { createTestPki, type TestPki } from '../helpers/test-pki.js';

/**
 * Issue 11, acceptance: whatever an input, the address book, the directory or `--to` smuggles into an
 * address, no envelope ever names a domain off the allow-list. 1,000 generated or mutated files go through
 * the real parse → route path; every routed recipient then goes through the transports' envelope check
 * and nodemailer's own envelope building (its JSON transport shows the RCPT list it would use); the
 * distinct survivors are finally sent through the real SMTP transport to the in-process server.
 */

const ALLOWED = new Set(['mss.test', 'medecin.mssante.fr']);
const allowlist = allowlistChecker(ALLOWED, 'fuzz list');

const good = fc.constantFrom('dr.durand@mss.test', 'luc.moreau@medecin.mssante.fr', 'Dr.Durand@MSS.TEST', '"dr.x"@mss.test');
const evil = fc.constantFrom('evil@evil.example', 'x@mss.test.evil.example', 'y@evil.mss.test', 'e@evil.example.', 'evil@[10.0.0.1]',
  'evil@évil.example', 'evil@xn--mss-test-evil.example', 'evil%mss.test@evil.example', 'mss.test@evil.example');
const sep = fc.constantFrom(', ', ',', ';', ' ', '\n', '\r\n', '\t', '', ' <', '> ', '<', '>', '"', ' (', ') ', ':', '\\', '\u0000',
  '%', '@', '\u2028', '\u00a0', '=?utf-8?q?', '|', '^', '~', '&');
/** A string shaped like an address, often hiding a second one. */
const smuggled: fc.Arbitrary<string> = fc.oneof(
  good, evil,
  fc.array(fc.oneof(good, evil, sep, fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 6 }).map((a) => a.join('')),
  fc.tuple(fc.string({ maxLength: 8 }), evil, good).map(([name, e, g]) => `${name} <${e}> ${g}`),
  fc.tuple(evil, good).map(([e, g]) => `"${e}"@${g.split('@')[1]}`),
  fc.tuple(evil, good, sep).map(([e, g, s]) => `${e}${s}${g}`),
);

const base = (addresses: string[]): LabReport => ({
  patient: { ids: { ipp: 'P1' }, familyName: 'DUPONT' }, request: { fillerId: 'D1' }, status: 'final', chapters: [],
  prescriber: { familyName: 'DURAND', code: 'C1', rpps: '10001234567', mssAddress: addresses[0] },
  copiesTo: [{ familyName: 'MARTIN', mssAddress: addresses[1] }, { familyName: 'PETIT', adeli: '751234567' }],
  recipients: [{ address: addresses[2] ?? 'dr.durand@mss.test', role: 'copy' }],
});
const CISIS = readFileSync(fixtures('hl7', 'cisis-cda.hl7'), 'utf8');
const JSON_BASE = JSON.stringify(base(['dr.durand@mss.test', 'luc.moreau@medecin.mssante.fr']));

/** A file: a JSON report with the strings as addresses, the CI-SIS ORU with one as PRT-15, or a base file with one inserted anywhere. */
const file = fc.oneof(
  fc.array(smuggled, { minLength: 3, maxLength: 3 }).map((a) => ({ name: 'gen.json', text: JSON.stringify(base(a)) })),
  fc.tuple(smuggled, fc.boolean()).map(([s, escaped]) => ({
    name: 'gen.hl7', text: CISIS.replace('luc.moreau@medecin.mssante.fr', escaped ? escapeHl7(s) : s),
  })),
  fc.tuple(fc.constantFrom(JSON_BASE, CISIS), smuggled, fc.nat()).map(([text, s, at]) => {
    const i = at % (text.length + 1);
    return { name: text === CISIS ? 'mut.hl7' : 'mut.json', text: text.slice(0, i) + s + text.slice(i) };
  }),
);

let pki: TestPki;
let server: TestSmtpServer;
before(async () => { pki = createTestPki(); server = await startSmtpServer(pki); });
after(async () => { await server.close(); pki.cleanup(); });

const domainAfterLastAt = (a: string) => a.slice(a.lastIndexOf('@') + 1).toLowerCase();

test('fuzz: no envelope names a domain off the allow-list, whatever the input, book, directory or --to smuggle', async () => {
  const { createTransport } = createRequire(import.meta.url)('nodemailer') as typeof nodemailer;
  const json = createTransport({ jsonTransport: true });
  const survivors = new Set<string>();
  let files = 0;
  let refusedSomewhere = 0;
  const started = Date.now();
  await fc.assert(fc.asyncProperty(file, smuggled, smuggled, smuggled, async (f, book, dir, to) => {
    files++;
    let reports: LabReport[] = [];
    try {
      reports = parseInput(Buffer.from(f.text, 'utf8'), { file: f.name }).reports.filter((r) => labReportProblems(r).length === 0);
    } catch (err) {
      if (!(err instanceof InputError) && !(err instanceof Error)) throw err;
    }
    const ctx: RoutingContext = {
      addressBook: new AddressBook([{ code: 'C1', address: book }]),
      directory: { label: 'fuzz directory', candidates: (id) => (id === '0751234567' ? [{ address: dir, type: 'PER' }] : []) },
      options: { prescriber: true, copies: true, inputRecipients: true, patients: { enabled: true } },
      allowlist,
    };
    for (const report of reports) {
      for (const routed of [routeReport(report, ctx), routeReport(report, ctx, [to])]) {
        refusedSomewhere += routed.unrouted.length;
        for (const r of routed.recipients) {
          const rcpt = envelopeRecipient(r.address, allowlist);
          if ('refused' in rcpt) { refusedSomewhere++; continue; }
          const info = await json.sendMail({ envelope: { from: 'labo@mss.test', to: [rcpt.address] }, raw: 'Subject: x\r\n\r\nx' });
          const envelope = (info.envelope as { to: string[] }).to;
          assert.equal(envelope.length, 1, `one RCPT for ${JSON.stringify(r.address)}: ${JSON.stringify(envelope)}`);
          for (const a of envelope) {
            assert.equal(a.split('@').length, 2, `one @ in ${JSON.stringify(a)}`);
            assert.doesNotMatch(a, /[\s,;<>()"\\]/, `nothing around the mailbox in ${JSON.stringify(a)}`);
            assert.ok(ALLOWED.has(domainAfterLastAt(a)), `${JSON.stringify(a)} (from ${JSON.stringify(r.address)}) is off the allow-list`);
            survivors.add(a);
          }
        }
      }
    }
  }), { numRuns: 1000, seed: Number(process.env.FUZZ_SEED ?? 20261207), interruptAfterTimeLimit: 60_000 });
  assert.ok(files >= 1000, `${files} files went through`);
  assert.ok(refusedSomewhere > 0 && survivors.size > 0, 'the fuzz both refused smuggled addresses and let valid ones through');
  assert.ok(Date.now() - started < 60_000);

  // The survivors through the real SMTP transport: the server's RCPT TO lists stay on the list.
  const before = server.received.length;
  const t = new SmtpTransport({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey, pool: 1 }, { allowlist });
  for (const [i, a] of [...survivors].entries()) {
    const outcome = await t.send({ deliveryId: `D${i}`, messageId: `<f${i}@mss.test>`, from: 'labo@mss.test', to: a, raw: Buffer.from('Subject: x\r\n\r\nx\r\n') });
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
  }
  await t.close();
  const rcpts = server.received.slice(before).flatMap((m) => m.to);
  assert.equal(rcpts.length, survivors.size);
  for (const a of rcpts) assert.ok(ALLOWED.has(domainAfterLastAt(a)), a);
});
