import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Journal, type DeliveryState } from '../../src/queue/journal.js';
import { monthlyStats, median, monthIn, reportDirIn } from '../../src/stats/monthly.js';
import { countPdfPages } from '../../src/stats/pdf-pages.js';
import { sampleReport } from '../helpers/lab.js';
import { tmpDir } from '../helpers/tmp.js';
import { moveTo } from '../helpers/deliveries.js';

const pdfWithPages = (n: number) => Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Pages /Count ${n} >> endobj\n` +
  Array.from({ length: n }, (_, i) => `${i + 2} 0 obj << /Type /Page /Parent 1 0 R >> endobj\n`).join('') + '%%EOF\n', 'latin1');

/** A report whose first result has a LOINC code and the second none (the lab's own test). */
function report(n: number) {
  const r = sampleReport(n) as { chapters: Array<{ batteries: Array<{ results: unknown[] }> }> };
  r.chapters[0]!.batteries[0]!.results = [
    { code: 'GLY', label: 'Glucose', loinc: '14749-6', value: { kind: 'numeric', value: '5.40' }, unit: 'mmol/L' },
    { code: 'XQZ1', label: 'Analyse maison', value: { kind: 'text', text: 'présent' } },
  ];
  return r;
}

test('monthly figures from a journal with known content', () => {
  const state = tmpDir('labmss-stats-');
  let now = '2026-10-31T22:30:00.000Z'; // 23:30 in Paris: still October
  const journal = Journal.open(state, { actor: 'test', clock: () => new Date(now) });
  const reportDir = reportDirIn(state);
  const fileId = journal.addFile({ name: 'a.json', sha256: 'a'.repeat(64), size: 1, spoolPath: join(state, 'a.json') });
  const addReport = (idx: number, pages: number) => {
    const id = journal.addReport({ file_id: fileId, idx, set_id: `set${idx}`, version: 1, document_id: `doc${idx}`, status: 'final', dossier: `DOS${idx}`, stage: 1, json: JSON.stringify(report(idx)), cda_code: null });
    mkdirSync(reportDir(`set${idx}`, 1), { recursive: true });
    writeFileSync(join(reportDir(`set${idx}`, 1), `r${idx}.pdf`), pdfWithPages(pages));
    return id;
  };
  const deliver = (reportId: number, recipient: string, stage: number, steps: Array<[string, DeliveryState, Record<string, string>?]>, role = 'prescriber') => {
    const id = journal.addDelivery({ reportId, recipient, role, stage, state: 'pending', messageIdFor: (n) => `<D${n}@t>` });
    for (const [at, to, patch] of steps) {
      now = at;
      moveTo(journal, id, to, patch ?? {});
    }
    return id;
  };

  // October (Paris time): two reports, 2 and 3 pages.
  const r1 = addReport(0, 2);
  const r2 = addReport(1, 3);
  deliver(r1, 'dr.a@mss.test', 1, [['2026-10-31T22:30:10.000Z', 'sending'], ['2026-10-31T22:30:20.000Z', 'accepted', { accepted_at: '2026-10-31T22:30:20.000Z' }],
    ['2026-10-31T22:31:20.000Z', 'delivered', { delivered_at: '2026-10-31T22:31:20.000Z' }], ['2026-10-31T22:40:00.000Z', 'read', { read_at: '2026-10-31T22:40:00.000Z' }]]);
  now = '2026-10-31T22:30:00.000Z';
  deliver(r1, 'DR.B@mss.test', 2, [['2026-10-31T22:30:30.000Z', 'accepted', { accepted_at: '2026-10-31T22:30:30.000Z' }],
    ['2026-10-31T22:33:30.000Z', 'delivered', { delivered_at: '2026-10-31T22:33:30.000Z' }]]);
  now = '2026-10-31T22:30:00.000Z';
  deliver(r2, 'dr.b@mss.test', 1, [['2026-10-31T22:30:40.000Z', 'accepted', { accepted_at: '2026-10-31T22:30:40.000Z' }], ['2026-10-31T23:00:00.000Z', 'bounced']]);
  now = '2026-10-31T22:30:00.000Z';
  deliver(r2, 'patient@patient.mssante.fr', 1, [['2026-10-31T22:30:50.000Z', 'accepted', { accepted_at: '2026-10-31T22:30:50.000Z' }]], 'patient');
  now = '2026-10-31T22:30:00.000Z';
  journal.addDelivery({ reportId: r2, recipient: '(copy) Dr X', role: 'copy', stage: 1, state: 'held', reason: 'no address', messageIdFor: (n) => `<D${n}@t>` });

  // November: one report, accepted only (no DSN yet), 1 page.
  now = '2026-11-01T09:00:00.000Z';
  const r3 = addReport(2, 1);
  deliver(r3, 'dr.a@mss.test', 1, [['2026-11-01T09:00:04.000Z', 'accepted', { accepted_at: '2026-11-01T09:00:04.000Z' }]]);
  now = '2026-11-01T09:00:00.000Z';
  deliver(r3, 'dr.c@mss.test', 1, [['2026-11-01T09:00:08.000Z', 'accepted', { accepted_at: '2026-11-01T09:00:08.000Z' }]]);

  const stats = monthlyStats(journal, { timezone: 'Europe/Paris', postagePerLetter: 1.29, reportDir });
  assert.deepEqual(stats.map((m) => m.month), ['2026-10', '2026-11']);
  const [oct, nov] = stats as [typeof stats[0], typeof stats[0]];
  assert.equal(oct.reports, 2);
  assert.equal(oct.messages, 4);
  assert.equal(oct.recipients, 3, 'addresses compared without case');
  assert.equal(oct.delivered, 2);
  assert.equal(oct.bounced, 1);
  assert.equal(oct.read, 1);
  assert.equal(oct.deliveredRate, 0.5);
  assert.equal(oct.bouncedRate, 0.25);
  assert.equal(oct.readRate, 0.25);
  assert.equal(oct.held, 1);
  assert.deepEqual(oct.medianDelay, { seconds: 120, basis: 'dsn' }, 'median of 60 s and 180 s, accepted → delivered');
  assert.equal(oct.stage2Share, 0.25);
  assert.deepEqual(oct.loinc, { results: 4, coded: 2, share: 0.5 });
  // Letters: to professionals, not bounced: D1 and D2 of the 2-page report.
  assert.deepEqual(oct.dematerialisation, { letters: 2, pages: 4, postage: 2.58 });

  assert.equal(nov.messages, 2);
  assert.equal(nov.deliveredRate, 0);
  assert.deepEqual(nov.medianDelay, { seconds: 6, basis: 'accepted' }, 'no DSN yet: created → accepted');
  assert.deepEqual(nov.dematerialisation, { letters: 2, pages: 2, postage: 2.58 });

  assert.deepEqual(monthlyStats(journal, { timezone: 'Europe/Paris', postagePerLetter: 1, reportDir, month: '2026-11' }).map((m) => m.month), ['2026-11']);
  journal.close();
});

test('pages are /Type /Page objects, not the /Pages tree', () => {
  assert.equal(countPdfPages(pdfWithPages(3)), 3);
  assert.equal(countPdfPages(Buffer.from('%PDF-1.4\n<< /Type/Page >> << /Type /Pages >> << /Type /PageLabel >>')), 1);
});

test('months are the lab’s local months; medians of even counts average the middle two', () => {
  assert.equal(monthIn('Europe/Paris')('2026-11-30T23:30:00Z'), '2026-12');
  assert.equal(monthIn('UTC')('2026-11-30T23:30:00Z'), '2026-11');
  assert.equal(median([]), null);
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});
