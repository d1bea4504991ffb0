import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { Pipeline } from '../../src/pipeline.js';
import { emptySummary, exitCodeOf } from '../../src/summary.js';
import { Journal } from '../../src/queue/journal.js';
import { moveDelivery } from '../../src/queue/delivery-state.js';
import { OutboxTransport } from '../../src/mail/outbox.js';
import { reportDir, spoolLayout } from '../../src/queue/spool.js';
import { storedCda } from '../../src/apply/apply.js';
import type { OutgoingMessage, SendOutcome, Transport } from '../../src/mail/transport.js';
import { sampleReport, tempLab } from '../helpers/lab.js';
import { CDA_CASES, cdaContext, loadReport } from '../helpers/cda-fixtures.js';
import { writeCarriedOru } from '../helpers/hl7-writer.js';
import { renderPdf } from '../../src/documents/pdf/render.js';
import { buildCda } from '../../src/documents/cda/build.js';

type Lab = ReturnType<typeof tempLab>;

function open(lab: Lab, transport: Transport, clock?: () => Date) {
  mkdirSync(lab.config.paths.state, { recursive: true });
  const journal = Journal.open(lab.config.paths.state, { actor: 'test', clock });
  return { journal, dispatcher: new Pipeline(lab.config, journal, transport, clock) };
}

async function pass(d: Pipeline) {
  const s = emptySummary();
  await d.intake(s);
  await d.deliverDue(s);
  return s;
}

const outbox = (lab: Lab) => join(lab.config.paths.state, 'outbox');

test('a JSON export becomes one message per recipient in the outbox, with the PDF attached', async () => {
  const lab = tempLab();
  writeFileSync(join(lab.exportDir, 'r1.json'), JSON.stringify(sampleReport(1, {
    copiesTo: [{ code: 'DURA02', familyName: 'DURAND' }],
  })));
  const { journal, dispatcher } = open(lab, new OutboxTransport(outbox(lab)));
  const s = await pass(dispatcher);
  assert.equal(s.claimed, 1);
  assert.equal(s.sent, 2);
  assert.equal(exitCodeOf(s), 0);
  const emls = readdirSync(outbox(lab)).sort();
  assert.deepEqual(emls, ['D1.eml', 'D2.eml']);
  const m = await simpleParser(readFileSync(join(outbox(lab), 'D1.eml')));
  assert.equal(m.to && !Array.isArray(m.to) ? m.to.value[0]!.address : '', 'dr.martin@mss.test');
  assert.equal(m.attachments[0]!.contentType, 'application/pdf');
  assert.ok(m.attachments[0]!.content.subarray(0, 5).equals(Buffer.from('%PDF-')));
  assert.equal(journal.countsByState().accepted, 2);
  assert.equal(existsSync(join(lab.exportDir, 'r1.json')), false);
});

test('the same bytes are never sent twice unless forced', async () => {
  const lab = tempLab();
  const body = JSON.stringify(sampleReport(2));
  writeFileSync(join(lab.exportDir, 'a.json'), body);
  const { journal, dispatcher } = open(lab, new OutboxTransport(outbox(lab)));
  assert.equal((await pass(dispatcher)).sent, 1);
  writeFileSync(join(lab.exportDir, 'a-again.json'), body);
  const s = await pass(dispatcher);
  assert.equal(s.duplicates.length, 1);
  assert.equal(s.sent, 0);
  assert.equal(exitCodeOf(s), 1, 'a file not sent is something a person must know of');
  assert.ok(journal.events({}).some((e) => e.kind === 'duplicate' && /--force/.test(e.detail ?? '')));
  writeFileSync(join(lab.exportDir, 'forced.json'), body);
  const forced = emptySummary();
  await dispatcher.claimInTurn(join(lab.exportDir, 'forced.json'), forced, { force: true });
  await dispatcher.applyClaimed();
  await dispatcher.deliverDue(forced);
  assert.equal(forced.sent, 1);
});

test('a broken file is quarantined with its bytes and a reason; the others go on; exit code 1', async () => {
  const lab = tempLab();
  writeFileSync(join(lab.exportDir, 'good.json'), JSON.stringify(sampleReport(3)));
  const bad = sampleReport(4) as any;
  bad.chapters[0].batteries[0].results[0].value.value = '5,4';
  writeFileSync(join(lab.exportDir, 'bad.json'), JSON.stringify(bad));
  writeFileSync(join(lab.exportDir, 'garbage.txt'), Buffer.from([0x00, 0xff, 0x13, 0x37]));
  const { journal, dispatcher } = open(lab, new OutboxTransport(outbox(lab)));
  const s = await pass(dispatcher);
  assert.equal(s.sent, 1);
  assert.equal(s.quarantined.length, 2);
  assert.equal(exitCodeOf(s), 1);
  const q = join(lab.config.paths.state, 'quarantine');
  assert.deepEqual(readFileSync(join(q, 'garbage.txt')), Buffer.from([0x00, 0xff, 0x13, 0x37]));
  assert.match(readFileSync(join(q, 'bad.json.error.txt'), 'utf8'), /bad\.json .*\/chapters\/0\/batteries\/0\/results\/0\/value\/value/);
  assert.match(readFileSync(join(q, 'garbage.txt.error.txt'), 'utf8'), /garbage\.txt:1: unknown format/);
  assert.equal(journal.filesInState('quarantined').length, 2);
});

test('no resolvable recipient: held with the reason, visible, and exit code 1', async () => {
  const lab = tempLab();
  writeFileSync(join(lab.exportDir, 'x.json'), JSON.stringify(sampleReport(5, { prescriber: { code: 'NOBODY', familyName: 'INCONNU' } })));
  const { journal, dispatcher } = open(lab, new OutboxTransport(outbox(lab)));
  const s = await pass(dispatcher);
  assert.equal(s.sent, 0);
  assert.equal(s.held.length, 1);
  assert.equal(exitCodeOf(s), 1);
  const held = journal.deliveriesInStates(['held']);
  assert.equal(held.length, 1);
  // The address apart from who it is for: no address, and the doctor named for people.
  assert.equal(held[0]!.recipient, '');
  assert.match(held[0]!.label!, /INCONNU \(code NOBODY\)/);
  assert.equal(held[0]!.hold_code, 'no-address');
  assert.match(held[0]!.reason!, /no MSSanté address/);
});

class FlakyTransport implements Transport {
  readonly name = 'flaky';
  sent: OutgoingMessage[] = [];
  constructor(private outcomes: SendOutcome[]) {}
  async send(m: OutgoingMessage): Promise<SendOutcome> {
    const o = this.outcomes.shift() ?? { ok: true, response: '250 2.0.0 Ok: queued as X1' };
    if (o.ok) this.sent.push(m);
    return o;
  }
  async close() {}
}

test('4xx defers with back-off, then the same .eml and Message-ID go out; 5xx fails at once', async () => {
  const lab = tempLab();
  const t0 = Date.now() + 1000;
  let now = new Date(t0);
  const clock = () => now;
  writeFileSync(join(lab.exportDir, 'a.json'), JSON.stringify(sampleReport(6)));
  const t = new FlakyTransport([{ ok: false, permanent: false, response: '451 4.3.0 try later' }]);
  const { journal, dispatcher } = open(lab, t, clock);
  const first = await pass(dispatcher);
  assert.equal(first.deferred.length, 1);
  const d = journal.delivery(1)!;
  assert.equal(d.state, 'deferred');
  assert.equal(d.next_attempt_at, new Date(t0 + 60_000).toISOString());
  const eml = readFileSync(d.eml_path!);
  now = new Date(t0 + 30_000);
  assert.equal((await pass(dispatcher)).sent, 0, 'not due yet');
  now = new Date(t0 + 60_000);
  assert.equal((await pass(dispatcher)).sent, 1);
  assert.deepEqual(t.sent[0]!.raw, eml);
  assert.equal(t.sent[0]!.messageId, d.message_id);
  assert.equal(journal.delivery(1)!.state, 'accepted');
  assert.equal(journal.delivery(1)!.queue_id, null);

  writeFileSync(join(lab.exportDir, 'b.json'), JSON.stringify(sampleReport(7)));
  t['outcomes'].push({ ok: false, permanent: true, response: '550 5.1.1 user unknown' });
  const s = await pass(dispatcher);
  assert.equal(s.failed.length, 1);
  assert.equal(journal.delivery(2)!.state, 'failed');
  assert.equal(journal.delivery(2)!.reason, '550 5.1.1 user unknown');
});

test('a crash after claiming resumes the file; a delivery caught sending is resent with the same Message-ID', async () => {
  const lab = tempLab();
  const { journal, dispatcher } = open(lab, new OutboxTransport(outbox(lab)));
  // Simulate a crash right after the claim: the file sits in incoming/ with no journal row.
  writeFileSync(join(lab.config.paths.state, 'incoming', '20261120T100000Z-crash.json'), JSON.stringify(sampleReport(8)));
  const s = await pass(dispatcher);
  assert.equal(s.reports, 1);
  assert.equal(s.sent, 1);
  assert.deepEqual(readdirSync(join(lab.config.paths.state, 'incoming')), []);
  // Simulate a crash while sending.
  writeFileSync(join(lab.exportDir, 'b.json'), JSON.stringify(sampleReport(9)));
  const s2 = emptySummary();
  await dispatcher.intake(s2);
  const d = journal.dueDeliveries(new Date().toISOString(), false)[0]!;
  moveDelivery(journal, d.id, 'startAttempt');
  await dispatcher.deliverDue(s2);
  const m = await simpleParser(readFileSync(join(outbox(lab), `D${d.id}.eml`)));
  assert.equal(m.messageId, d.message_id);
  assert.equal(journal.delivery(d.id)!.state, 'accepted');
});

test('a message over the size limit is held, not sent', async () => {
  const lab = tempLab({ message: { nil: 'X', maxBytes: 10000 } });
  writeFileSync(join(lab.exportDir, 'a.json'), JSON.stringify(sampleReport(10)));
  const { journal, dispatcher } = open(lab, new OutboxTransport(outbox(lab)));
  const s = await pass(dispatcher);
  assert.equal(s.sent, 0);
  assert.match(journal.delivery(1)!.reason!, /over the 10000-byte limit/);
  assert.equal(journal.delivery(1)!.state, 'held');
});

test('a later report for the same order is its next version', async () => {
  const lab = tempLab();
  const { journal, dispatcher } = open(lab, new OutboxTransport(outbox(lab)));
  writeFileSync(join(lab.exportDir, 'v1.json'), JSON.stringify(sampleReport(11, { status: 'partial' })));
  await pass(dispatcher);
  writeFileSync(join(lab.exportDir, 'v2.json'), JSON.stringify(sampleReport(11, { status: 'corrected' })));
  await pass(dispatcher);
  const [a, b] = [journal.report(1)!, journal.report(2)!];
  assert.equal(a.set_id, b.set_id);
  assert.deepEqual([a.version, b.version], [1, 2]);
  assert.notEqual(a.document_id, b.document_id);
});

test('stage 2: a report that cannot make a valid CR-BIO still goes out, as a PDF, and the journal says why', async () => {
  const lab = tempLab({ stage: 2 });
  writeFileSync(join(lab.exportDir, 'a.json'), JSON.stringify(sampleReport(12, { validator: { code: 'LER', name: 'LEROY' } })));
  const { journal, dispatcher } = open(lab, new OutboxTransport(outbox(lab)));
  const s = await pass(dispatcher);
  assert.equal(s.sent, 1);
  assert.equal(journal.delivery(1)!.stage, 1);
  const m = await simpleParser(readFileSync(join(outbox(lab), 'D1.eml')));
  assert.deepEqual(m.attachments.map((a) => a.contentType), ['application/pdf']);
  assert.equal(m.headers.get('x-mss-codecda'), undefined);
  assert.ok(journal.events({ report: 1 }).some((e) => e.kind === 'warning' && /sent as PDF \(stage 1\): CR-BIO needs a biologist with an RPPS/.test(e.detail ?? '')));
});

test('stage 2 with what CR-BIO needs: IHE_XDM.ZIP and the PDF, with the MSSanté headers', async () => {
  const lab = tempLab({ stage: 2, lab: { name: 'Laboratoire de Test', finess: '750000001', mailbox: 'labo-test@mss.test', timezone: 'Europe/Paris',
    director: { rpps: '10000000009', familyName: 'LEROY', givenName: 'Claire' } } });
  writeFileSync(join(lab.exportDir, 'a.json'), JSON.stringify(sampleReport(13)));
  const { journal, dispatcher } = open(lab, new OutboxTransport(outbox(lab)));
  assert.equal((await pass(dispatcher)).sent, 1);
  assert.equal(journal.delivery(1)!.stage, 2);
  const m = await simpleParser(readFileSync(join(outbox(lab), 'D1.eml')));
  assert.deepEqual(m.attachments.map((a) => a.filename), ['IHE_XDM.ZIP', '20261120_CR-BIO_PATIENT13_Elodie_DOS13.pdf']);
  assert.equal(m.headers.get('x-mss-codecda'), '11502-2');
  assert.equal(m.headers.get('x-mss-ins'), 'N');
  assert.match(m.subject!, /^XDM\/1\.0\/DDM\+CR d'examens biologiques PATIENT13 Élodie 02\/01\/1980$/);

  // Each document is written once: the CDA lives in the XDM (read back from there), no CDA.XML beside it.
  const row = journal.report(1)!;
  const dir = reportDir(spoolLayout(lab.config.paths.state), row.set_id, row.version);
  assert.deepEqual(readdirSync(dir).sort(), ['20261120_CR-BIO_PATIENT13_Elodie_DOS13.pdf', 'IHE_XDM.ZIP']);
  const cda = storedCda(spoolLayout(lab.config.paths.state), row.set_id, row.version)!;
  assert.match(cda, /^<\?xml version="1\.0" encoding="UTF-8"\?><ClinicalDocument /);
  // A report version labmss 0.1 stored (CDA.XML, no XDM) still gives its CDA.
  rmSync(join(dir, 'IHE_XDM.ZIP'));
  writeFileSync(join(dir, 'CDA.XML'), cda);
  assert.equal(storedCda(spoolLayout(lab.config.paths.state), row.set_id, row.version), cda);

  // The outbox's message is the kept proof under a second name: one file, not a copy.
  const proof = statSync(journal.delivery(1)!.eml_path!);
  const filed = statSync(join(outbox(lab), 'D1.eml'));
  assert.equal(filed.ino, proof.ino);
  assert.equal(proof.nlink, 2);
});

test('an outbox on another filesystem than the proofs gets a written copy', async () => {
  const lab = tempLab();
  writeFileSync(join(lab.exportDir, 'a.json'), JSON.stringify(sampleReport(14)));
  // /dev/shm is a tmpfs: a hard link from the state directory there fails (EXDEV).
  assert.ok(existsSync('/dev/shm'), 'this test needs /dev/shm (a tmpfs) to put the outbox on another filesystem');
  const elsewhere = mkdtempSync('/dev/shm/labmss-outbox-');
  try {
    const { journal, dispatcher } = open(lab, new OutboxTransport(elsewhere));
    assert.equal((await pass(dispatcher)).sent, 1);
    const proof = journal.delivery(1)!.eml_path!;
    assert.ok(readFileSync(join(elsewhere, 'D1.eml')).equals(readFileSync(proof)));
    assert.equal(statSync(proof).nlink, 1);
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

test('X-MSS-CODECDA is the code of the CDA that is sent: a carried document keeps its own', async () => {
  const lab = tempLab({ stage: 2 });
  // A consistent carried CR-BIO (same patient in PID, CDA header and PDF copy) whose document code is not 11502-2.
  const report = loadReport('biochemistry');
  const ctx = cdaContext(CDA_CASES[0]!);
  const pdf = await renderPdf(report, { lab: ctx.lab, documentId: 'T v1', timezone: ctx.timezone });
  const cda = buildCda(report, pdf, ctx).replace(/<code code="11502-2"/, '<code code="11488-4"');
  writeFileSync(join(lab.exportDir, 'carried.hl7'), writeCarriedOru({ patient: report.patient, prescriber: report.prescriber, cda,
    doctorMailbox: 'pascal.charles@medecin.mssante.fr', reportDate: '20240104160527' }));
  const { journal, dispatcher } = open(lab, new OutboxTransport(outbox(lab)));
  const s = await pass(dispatcher);
  assert.ok(s.sent >= 1, JSON.stringify(s));
  const sent = journal.deliveriesInStates(['accepted']);
  for (const d of sent) {
    const raw = readFileSync(join(outbox(lab), `D${d.id}.eml`), 'latin1');
    const head = raw.split('\r\n\r\n')[0]!.split('\r\n');
    assert.ok(head.includes('X-MSS-CODECDA: 11488-4'), head.join('\n'));
  }
  assert.equal(journal.report(sent[0]!.report_id)!.cda_code, '11488-4');
});

test('a delivery deferred longer than retry.reportDeferredAfterHours is reported by run (exit 1) until it goes', async () => {
  const lab = tempLab({ retry: { reportDeferredAfterHours: 4 } });
  const t0 = Date.now() + 1000;
  let now = new Date(t0);
  writeFileSync(join(lab.exportDir, 'a.json'), JSON.stringify(sampleReport(7)));
  const busy = Array.from({ length: 20 }, (): SendOutcome => ({ ok: false, permanent: false, response: '451 4.3.0 try later' }));
  const { dispatcher } = open(lab, new FlakyTransport(busy), () => now);
  const runPass = async () => { const s = emptySummary(); await dispatcher.pass(s, 1); return s; };
  assert.deepEqual((await runPass()).waiting, [], 'just deferred: the pass itself says so');
  now = new Date(t0 + 3 * 3_600_000);
  const early = await runPass();
  assert.deepEqual(early.waiting, []);
  now = new Date(t0 + 5 * 3_600_000);
  const late = await runPass();
  // Retried in this pass and deferred again, past the limit: cron hears of it.
  assert.equal(exitCodeOf(late), 1);
  assert.deepEqual(late.waiting.map((w) => [w.delivery, w.state]), [[1, 'deferred']]);
});

test('a finished file back in incoming/ (a power cut undid its unsynced move to done/) is moved again, not sent again', async () => {
  const lab = tempLab();
  const { journal, dispatcher } = open(lab, new OutboxTransport(outbox(lab)));
  writeFileSync(join(lab.exportDir, 'r.json'), JSON.stringify(sampleReport(3)));
  assert.equal((await pass(dispatcher)).sent, 1);
  const done = join(lab.config.paths.state, 'done');
  const [name] = readdirSync(done);
  const row = journal.db.prepare('SELECT spool_path FROM files').get() as { spool_path: string };
  renameSync(join(done, name!), row.spool_path);
  const s = await pass(dispatcher);
  assert.equal(s.reports, 0);
  assert.equal(s.sent, 0);
  assert.deepEqual(readdirSync(join(lab.config.paths.state, 'incoming')), []);
  assert.deepEqual(readdirSync(done), [name]);
  assert.deepEqual(readdirSync(outbox(lab)).filter((n) => n.endsWith('.eml')).length, 1);
});
