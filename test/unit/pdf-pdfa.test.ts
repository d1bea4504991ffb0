import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import type { LabReport } from '../../src/model/labreport.types.js';
import { type PdfContext, renderPdf } from '../../src/documents/pdf/render.js';
import { fixtures } from '../helpers/paths.js';
import { pdfInfo } from '../helpers/pdf-text.js';

const ctx: PdfContext = { lab: { name: 'Labo Santé & Analyses <Nord>' }, documentId: 'D-1 v1', timezone: 'Europe/Paris' };
const load = (): LabReport => JSON.parse(readFileSync(fixtures('pdf', 'report.json'), 'utf8')) as LabReport;

/** The XMP packet (pdfkit leaves it uncompressed, as PDF/A requires it readable). */
function xmp(pdf: Buffer): string {
  const s = pdf.toString('latin1');
  const start = s.indexOf('<?xpacket begin');
  const end = s.indexOf('<?xpacket end', start);
  assert.ok(start > 0 && end > start, 'an XMP packet');
  return Buffer.from(s.slice(start, end), 'latin1').toString('utf8');
}

describe('renderPdf: PDF/A-1b markers', () => {
  let pdf: Buffer;
  let s: string;
  before(async () => {
    pdf = await renderPdf(load(), ctx);
    s = pdf.toString('latin1');
  });

  it('is a PDF 1.4 with the pdfaid identification in its XMP metadata', () => {
    assert.ok(s.startsWith('%PDF-1.4'));
    const x = xmp(pdf);
    assert.match(x, /<pdfaid:part>1<\/pdfaid:part>/);
    assert.match(x, /<pdfaid:conformance>B<\/pdfaid:conformance>/);
    assert.match(s, /\/Metadata \d+ 0 R/);
  });

  it('has an sRGB OutputIntent with an embedded ICC profile', () => {
    assert.match(s, /\/OutputIntents \[\d+ 0 R\]/);
    assert.match(s, /\/S \/GTS_PDFA1/);
    assert.match(s, /\/DestOutputProfile \d+ 0 R/);
    assert.match(s, /\/OutputConditionIdentifier \(sRGB IEC61966-2\.1\)/);
  });

  it('embeds every font (TrueType with a CIDSet) and uses no base-14 font', () => {
    const fonts = s.match(/\/Subtype \/CIDFontType2/g) ?? [];
    const files = s.match(/\/FontFile2 \d+ 0 R/g) ?? [];
    const cidsets = s.match(/\/CIDSet \d+ 0 R/g) ?? [];
    assert.ok(fonts.length >= 2, 'regular and bold at least');
    assert.equal(files.length, fonts.length, 'one embedded font program per font');
    assert.equal(cidsets.length, fonts.length);
    assert.doesNotMatch(s, /\/Subtype \/Type1/);
    assert.doesNotMatch(s, /Helvetica|Times-Roman|Courier/);
    assert.match(s, /\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
  });

  it('uses no transparency', () => {
    assert.doesNotMatch(s, /\/S \/Transparency|\/SMask|\/CA |\/ca /);
  });

  it('has the document info, matched by the XMP (lab name escaped)', async () => {
    const info = await pdfInfo(pdf);
    assert.equal(info.Title, "Compte rendu d'examens biologiques");
    assert.equal(info.Author, 'Labo Santé & Analyses <Nord>');
    assert.equal(info.Creator, 'labmss');
    assert.equal(info.Producer, 'labmss');
    const x = xmp(pdf);
    assert.match(x, /<rdf:li>Labo Santé &#38; Analyses &#60;Nord&#62;<\/rdf:li>/);
    assert.match(x, /<pdf:Producer>labmss<\/pdf:Producer>/);
    assert.match(x, /<xmp:CreatorTool>labmss<\/xmp:CreatorTool>/);
  });

  it('dates the document from the report time, in Info and XMP alike', async () => {
    // 2024-03-05T14:32:10+01:00
    const info = await pdfInfo(pdf);
    assert.equal(info.CreationDate, 'D:20240305133210Z');
    assert.equal(info.ModDate, 'D:20240305133210Z');
    assert.match(xmp(pdf), /<xmp:CreateDate>2024-03-05T13:32:10Z<\/xmp:CreateDate>/);
    assert.match(xmp(pdf), /<xmp:ModifyDate>2024-03-05T13:32:10Z<\/xmp:ModifyDate>/);
  });

  it('falls back to the lab-local collection time, then to a fixed date', async () => {
    const r = load();
    delete r.request.reportedAt;
    assert.equal((await pdfInfo(await renderPdf(r, ctx))).CreationDate, 'D:20240305072000Z');
    delete r.request.collectedAt;
    assert.equal((await pdfInfo(await renderPdf(r, ctx))).CreationDate, 'D:20000101000000Z');
  });
});

describe('renderPdf: determinism', () => {
  it('gives byte-identical PDFs for the same report and context', async () => {
    const a = await renderPdf(load(), ctx);
    const b = await renderPdf(load(), ctx);
    assert.ok(a.equals(b));
    // A render in between (other glyphs, other text) must leave no trace in the next one.
    const other = load();
    other.text = 'Ω Ω µ μ ½ ﬁ — texte libre';
    other.status = 'cancelled';
    await renderPdf(other, { ...ctx, timezone: 'America/New_York' });
    assert.ok(a.equals(await renderPdf(load(), ctx)));
  });

  it('gives the same bytes in a fresh process as in one that rendered other reports first', async () => {
    // Shaping and glyph outlines are memoised per process (font-memo.ts): what came before must not show.
    const mixed = load();
    mixed.text = 'μ puis µ, ﬁn — ½';
    for (const t of ['µ seul', 'fin μ', 'Ω ½']) await renderPdf({ ...load(), text: t }, ctx);
    const warm = await renderPdf(mixed, ctx);
    const script = `import { renderPdf } from ${JSON.stringify(new URL('../../src/documents/pdf/render.js', import.meta.url).href)};
      const pdf = await renderPdf(${JSON.stringify(mixed)}, ${JSON.stringify(ctx)}); process.stdout.write(pdf.toString('base64'));`;
    const fresh = execFileSync(process.execPath, ['--input-type=module', '-e', script], { maxBuffer: 64 * 1024 * 1024 }).toString();
    assert.ok(warm.equals(Buffer.from(fresh, 'base64')));
  });

  it('gives a different file, and a different /ID, for a different report or context', async () => {
    const id = (pdf: Buffer) => /\/ID \[<([0-9a-f]+)>/.exec(pdf.toString('latin1'))![1];
    const base = await renderPdf(load(), ctx);
    const changed = load();
    (changed.chapters[0]!.batteries[0]!.results[0]!.value as { value: string }).value = '5.41';
    const other = await renderPdf(changed, ctx);
    assert.ok(!base.equals(other));
    assert.notEqual(id(base), id(other));
    const otherCtx = await renderPdf(load(), { ...ctx, documentId: 'D-1 v2' });
    assert.notEqual(id(base), id(otherCtx));
  });
});
