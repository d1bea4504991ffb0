import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { collect, installTextRuns } from './bytes.js';
import { installFontMemos } from './font-memo.js';
import { fontkit, PDFDocument } from './pdfkit.js';

/**
 * A pdfkit document set up for PDF/A-1b and for byte-identical output:
 * - pdfkit writes the pdfaid XMP block, the sRGB OutputIntent (its bundled ICC sRGB2014 profile, freely
 *   distributable per the ICC) and the CIDSet of every subset font when `subset` is PDF/A-1b;
 * - only embedded TrueType fonts (DejaVu, free licence) are used: the base-14 Helvetica default is never
 *   loaded, so no unembedded font can reach the file;
 * - the dates come from the report, the file /ID from a hash of the inputs, and the font subset tags are
 *   derived by pdfkit from the font's order of use: nothing depends on the clock or on chance;
 * - the XMP packet is written here rather than by pdfkit, which does not escape XML and has no
 *   xmp:ModifyDate (PDF/A requires the XMP to match the Info dictionary).
 */

export type FontName = 'regular' | 'bold' | 'mono';

const FONT_FILES: Record<FontName, string> = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  mono: 'DejaVuSansMono.ttf',
};

/** The part of a fontkit font this module touches; pdfkit accepts the object itself as a font source. */
interface FontkitFont {
  layout(text: string): unknown;
  _glyphs: Record<number, unknown>;
}

let fontCache: Record<FontName, FontkitFont> | undefined;

/**
 * The DejaVu fonts, read and parsed once per process (parsing them for every render costs most of its
 * time), with the fontkit pdfkit itself uses (pdfkit.ts).
 */
function fonts(): Record<FontName, FontkitFont> {
  if (!fontCache) {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    const load = (name: FontName) => fontkit.create(readFileSync(join(dir, FONT_FILES[name]))) as FontkitFont;
    const loaded = { regular: load('regular'), bold: load('bold'), mono: load('mono') };
    // Neither library exports the classes the memos and text runs go in front of: one throwaway document reaches them.
    const probe = new PDFDocument({ autoFirstPage: false, font: null as unknown as string } as PDFKit.PDFDocumentOptions);
    installFontMemos(probe, loaded.regular);
    installTextRuns(Object.getPrototypeOf((probe as unknown as PdfkitInternals).ref()) as Parameters<typeof installTextRuns>[0]);
    fontCache = loaded;
  }
  // fontkit keeps each glyph with the code points of its first use, which pdfkit writes into ToUnicode:
  // starting every document with an empty glyph cache keeps the bytes independent of earlier renders.
  for (const f of Object.values(fontCache)) f._glyphs = {};
  return fontCache;
}

export interface PdfaInfo {
  title: string;
  author: string;
  /** Creation and modification date of the document, derived from the report. */
  date: Date;
  /** Any bytes that identify the content; hashed into the trailer /ID. */
  idSeed: string;
}

const CREATOR = 'labmss';

function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `2024-03-05T07:30:00Z`, the same instant as the Info dictionary's `D:20240305073000Z`. */
function xmpDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function xmpInfo(info: PdfaInfo): string {
  return `
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreateDate>${xmpDate(info.date)}</xmp:CreateDate>
<xmp:ModifyDate>${xmpDate(info.date)}</xmp:ModifyDate>
<xmp:CreatorTool>${CREATOR}</xmp:CreatorTool>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${xmlEscape(info.title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>${xmlEscape(info.author)}</rdf:li></rdf:Seq></dc:creator>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>${CREATOR}</pdf:Producer>
</rdf:Description>`;
}

/** pdfkit internals this module replaces; kept in one place so a pdfkit upgrade has one spot to check. */
interface PdfkitInternals {
  _id: Uint8Array;
  _addInfo(): void;
  appendXML(xml: string, newline?: boolean): void;
  ref(): unknown;
}

export function createPdfaDocument(info: PdfaInfo): PDFKit.PDFDocument {
  const f = fonts();
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    pdfVersion: '1.4',
    subset: 'PDF/A-1b',
    bufferPages: true,
    autoFirstPage: false,
    lang: 'fr-FR',
    // null: pdfkit's default would load base-14 Helvetica, which PDF/A forbids (not embedded).
    font: null as unknown as string,
    info: {
      Title: info.title,
      Author: info.author,
      Creator: CREATOR,
      Producer: CREATOR,
      CreationDate: info.date,
      ModDate: info.date,
    },
  } as PDFKit.PDFDocumentOptions);
  for (const name of Object.keys(f) as FontName[]) doc.registerFont(name, f[name] as unknown as string);
  const internals = doc as unknown as PdfkitInternals;
  internals._id = new Uint8Array(createHash('sha256').update(info.idSeed).digest().subarray(0, 16));
  internals._addInfo = () => internals.appendXML(xmpInfo(info));
  return doc;
}

/** Ends the document and collects its bytes. */
export function finish(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return collect(doc as unknown as Parameters<typeof collect>[0]);
}
