import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { LabReport } from '../../src/model/labreport.types.js';
import { type PdfContext, renderPdf } from '../../src/documents/pdf/render.js';
import { fixtures } from '../helpers/paths.js';
import { pdfPages } from '../helpers/pdf-text.js';

const ctx: PdfContext = { lab: { name: 'Laboratoire Test' }, documentId: 'D1 v1', timezone: 'Europe/Paris' };
const load = (): LabReport => JSON.parse(readFileSync(fixtures('pdf', 'report.json'), 'utf8')) as LabReport;

/**
 * Issue 11: the renderer stays linear whatever the text (the gate bounds the fields first, the renderer
 * must not depend on it). Before: a 5 MB patient name ran for minutes at 4 GB, because every page's
 * header and footer laid out the whole name, and an unbreakable word was measured again at each character.
 */
test('a huge patient name costs no more pages than a long one, and renders in seconds', async () => {
  const withName = (n: number) => ({ ...load(), patient: { ...load().patient, familyName: 'N'.repeat(n) } });
  const long = await renderPdf(withName(2_000), ctx);
  const started = Date.now();
  const huge = await renderPdf(withName(1_000_000), ctx);
  const ms = Date.now() - started;
  assert.equal((await pdfPages(huge)).length, (await pdfPages(long)).length);
  assert.ok(ms < 30_000, `${ms} ms`);
});

test('a long comment flows over pages in linear time: four times the text, about four times the pages', async () => {
  const withComment = (words: number) => {
    const r = load();
    r.chapters[0]!.batteries[0]!.results[0]!.comments = [Array.from({ length: words }, (_, i) => `mot${i % 97}`).join(' ')];
    return r;
  };
  const one = (await pdfPages(await renderPdf(withComment(10_000), ctx))).length;
  const started = Date.now();
  const four = (await pdfPages(await renderPdf(withComment(40_000), ctx))).length;
  assert.ok(four <= 4 * one + 2, `${one} then ${four} pages`);
  assert.ok(Date.now() - started < 30_000);
});
