/** The render pool: the same bytes as rendering in the main thread, and a crashing report held after one retry. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRenderPool, RenderCrashError } from '../../src/documents/pool.js';
import { renderDocuments } from '../../src/documents/render.js';
import { corpusOptions, corpusReports } from '../helpers/document-corpus.js';
import { fixtures } from '../helpers/paths.js';
import { sampleReport, tempLab } from '../helpers/lab.js';
import { Journal } from '../../src/queue/journal.js';
import { Pipeline } from '../../src/pipeline.js';
import { OutboxTransport } from '../../src/mail/outbox.js';
import { emptySummary } from '../../src/summary.js';
import { reportDir, spoolLayout } from '../../src/queue/spool.js';
import type { LabReport } from '../../src/model/labreport.types.js';
import { composeMessage, messageFor, pdfFileName } from '../../src/mail/compose.js';
import { withBoundaryErased } from '../helpers/compose-cases.js';
import { DOCUMENT_KINDS, type DocumentKindId } from '../../src/documents/kinds.js';

const hash = (b: Buffer | string | undefined) => (b === undefined ? null : createHash('sha256').update(b).digest('hex'));

test('two render threads, every corpus report in flight at once: the pinned bytes of in-process rendering', async () => {
  const opts = corpusOptions();
  const corpus = corpusReports(opts.lab);
  const pinned = JSON.parse(readFileSync(fixtures('documents.sha256.json'), 'utf8')) as Record<string, unknown>;
  const pool = createRenderPool(2);
  try {
    const all = await Promise.all(corpus.map((c) => pool.render(c.report, c.ids, opts)));
    const got = Object.fromEntries(corpus.map((c, i) => [c.name, { pdf: hash(all[i]!.pdf), cda: hash(all[i]!.cda), xdm: hash(all[i]!.xdm) }]));
    assert.deepEqual(got, pinned);
    assert.ok(all.every((d) => Buffer.isBuffer(d.pdf) && (d.xdm === undefined || Buffer.isBuffer(d.xdm))));
    // The other fields come back too (a stage-2 problem, the CDA code).
    const inProcess = await renderDocuments(corpus[0]!.report, corpus[0]!.ids, opts);
    assert.deepEqual({ ...all[0], pdf: null, xdm: null }, { ...inProcess, pdf: null, xdm: null });
  } finally {
    await pool.close();
  }
});

test('a report that crashes its thread is retried once on another thread, then rejected with RenderCrashError; the pool goes on', async () => {
  const { lab } = corpusOptions();
  const small = sampleReport(1) as unknown as LabReport;
  const huge = sampleReport(2) as unknown as LabReport;
  const battery = huge.chapters[0]!.batteries[0]!;
  battery.results = Array.from({ length: 12_000 }, (_, i) => ({ ...battery.results[0]!, code: `C${i}`, label: `Analyse ${i}` }));
  const ids = { setId: '6f1e7c52-0000-5000-8000-000000000001', version: 1, documentId: '6f1e7c52-0000-5000-8000-000000000002' };
  // A heap a normal report fits in and this one does not: the thread dies of it, as with a native fault.
  // Far beyond it, not near it: 4,000 results stopped crashing once the threads loaded less at start-up.
  const pool = createRenderPool(2, { resourceLimits: { maxOldGenerationSizeMb: 40 } });
  try {
    const [crashed, fine] = await Promise.allSettled([pool.render(huge, ids, { lab, stage2: false }), pool.render(small, ids, { lab, stage2: false })]);
    assert.equal(crashed.status, 'rejected');
    const err = (crashed as PromiseRejectedResult).reason as RenderCrashError;
    assert.ok(err instanceof RenderCrashError, String(err));
    assert.equal(err.crashes.length, 2);
    assert.notEqual(err.crashes[0]!.threadId, err.crashes[1]!.threadId, 'the retry ran on another thread');
    assert.match(err.crashes[0]!.reason, /memory/);
    const expected = await renderDocuments(small, ids, { lab, stage2: false });
    assert.equal(fine.status, 'fulfilled');
    assert.ok((fine as PromiseFulfilledResult<{ pdf: Buffer }>).value.pdf.equals(expected.pdf));
    // The crashed threads were replaced.
    assert.ok((await pool.render(small, ids, { lab, stage2: false })).pdf.equals(expected.pdf));
  } finally {
    await pool.close();
  }
});

test('a renderer error comes back as the same error message, not a crash; a closed pool takes no more work', async () => {
  const { lab } = corpusOptions();
  const bad = { ...sampleReport(3), chapters: null } as unknown as LabReport;
  const ids = { setId: '6f1e7c52-0000-5000-8000-000000000001', version: 1, documentId: '6f1e7c52-0000-5000-8000-000000000002' };
  const inProcess = await renderDocuments(bad, ids, { lab, stage2: false }).then(() => 'rendered', (e: Error) => e.message);
  const pool = createRenderPool(1);
  const pooled = await pool.render(bad, ids, { lab, stage2: false }).then(() => 'rendered', (e: Error) => (e instanceof RenderCrashError ? 'crash' : e.message));
  assert.notEqual(inProcess, 'rendered');
  assert.equal(pooled, inProcess);
  await pool.close();
  await assert.rejects(pool.render(bad, ids, { lab, stage2: false }), /closed/);
});

test('with message options the thread also prepares the message bodies: the same messages as composing in the main thread', async () => {
  const opts = corpusOptions();
  const corpus = corpusReports(opts.lab);
  const pinned = JSON.parse(readFileSync(fixtures('documents.sha256.json'), 'utf8')) as Record<string, { cda: string | null }>;
  const withCda = corpus.find((c) => pinned[c.name]!.cda !== null)!;
  const withoutCda = corpus.find((c) => pinned[c.name]!.cda === null)!;
  const message = { from: { address: 'labo@lab.mssante.fr', name: 'Laboratoire des Tilleuls' }, nil: 'NIL-1', readReceipt: true, stages: [1, 2] as Array<1 | 2> };
  const recipient = { to: { address: 'dr.martin@mss.test', name: 'Dr Jean MARTIN', role: 'prescriber' }, messageId: '<labmss.D1.x@lab.mssante.fr>', date: new Date('2026-11-20T13:00:00Z') };
  const pool = createRenderPool(1);
  try {
    const [a, b] = await Promise.all([pool.render(withCda.report, withCda.ids, opts, message), pool.render(withoutCda.report, withoutCda.ids, opts, message)]);
    for (const kind of ['pdf-report', 'crbio-xdm'] as DocumentKindId[]) {
      const prepared = a.messages![kind]!;
      assert.ok(Buffer.isBuffer(prepared.body) && Buffer.isBuffer(prepared.input.documents.pdf.content));
      assert.equal(prepared.input.kind, DOCUMENT_KINDS[kind]);
      const expected = await composeMessage({
        ...recipient, report: withCda.report, from: message.from, nil: message.nil, readReceipt: true, kind: DOCUMENT_KINDS[kind],
        documents: { pdf: { filename: pdfFileName(withCda.report), content: a.pdf }, xdm: a.xdm, cdaCode: a.cdaCode },
      });
      assert.ok(withBoundaryErased(messageFor(prepared, recipient)).equals(withBoundaryErased(expected)), kind);
    }
    assert.ok(b.messages!['pdf-report']);
    assert.equal(b.messages!['crbio-xdm'], undefined, 'no CR-BIO: no structured message');
  } finally {
    await pool.close();
  }
});

for (const threads of [0, 1, 2]) test(`run with ${threads} render threads: the deliverer composes from what it was handed (with 2, the bodies the threads prepared), never reading the documents back, the same messages as composed from the stored documents`, async () => {
  const lab = tempLab({ stage: 2, lab: { name: 'Laboratoire de Test', finess: '750000001', mailbox: 'labo-test@mss.test', timezone: 'Europe/Paris',
    director: { rpps: '10000000009', familyName: 'LEROY', givenName: 'Claire' } } });
  writeFileSync(join(lab.exportDir, 'a.json'), JSON.stringify(sampleReport(21, { copiesTo: [{ code: 'DURA02', familyName: 'DURAND' }] })));
  mkdirSync(lab.config.paths.state, { recursive: true });
  const journal = Journal.open(lab.config.paths.state, { actor: 'test' });
  const clock = () => new Date('2026-11-20T13:00:00Z');
  const outbox = join(lab.config.paths.state, 'outbox');
  const pool = threads ? createRenderPool(threads) : undefined;
  try {
    const pipeline = new Pipeline(lab.config, journal, new OutboxTransport(outbox), clock, pool);
    const s = emptySummary();
    await pipeline.intake(s);
    // Composing from the stored documents would need them: gone, what the deliverer was handed must be what is sent.
    const row = journal.report(1)!;
    const dir = reportDir(spoolLayout(lab.config.paths.state), row.set_id, row.version);
    const stored = readdirSync(dir).map((n) => [n, readFileSync(join(dir, n))] as const);
    rmSync(dir, { recursive: true });
    await pipeline.deliverDue(s);
    assert.equal(s.sent, 2);
    // The same messages as the main thread composes from the stored documents (MIME boundaries aside).
    mkdirSync(dir, { recursive: true });
    for (const [n, bytes] of stored) writeFileSync(join(dir, n), bytes);
    const fresh = new Pipeline(lab.config, journal, new OutboxTransport(mkdtempSync(join(lab.config.paths.state, 'again-'))), clock);
    for (const d of [journal.delivery(1)!, journal.delivery(2)!]) {
      const sent = readFileSync(join(outbox, `D${d.id}.eml`));
      const again = await (fresh.deliverer as unknown as { compose(d: unknown): Promise<Buffer> }).compose(d);
      assert.ok(withBoundaryErased(sent).equals(withBoundaryErased(again)), `D${d.id}`);
    }
  } finally {
    await pool?.close();
    journal.close();
  }
});
