import PDFDocument from 'pdfkit';

/**
 * Process-wide memos for pdfkit's embedded fonts, so a render pays only for what is new in its text.
 *
 * 1. Text shaping.
 * pdfkit shapes every word with fontkit (OpenType GSUB/GPOS: kerning, ligatures, marks) and memoises the
 * result only for the life of one document. Lab reports repeat the same words in every document (labels,
 * units, headings), so shaping was about a third of a render (measured: 30-result report, 47 → see
 * `npm run bench` render-pdf). The memo keeps plain data — glyph ids, the code points each glyph was
 * created for when shaped from a clean state, scaled positions — and rebuilds glyph objects in the current
 * document through `font.getGlyph`, which returns the document's own glyph when it already has one.
 * So a document's bytes (ToUnicode included) depend on its own text only, never on what the process
 * rendered before.
 *
 * 2. Glyph outlines. The font subset of every document decodes each glyph it includes (only to find the
 *    parts of composite glyphs); the decoded outline of a glyph id never changes in a static font, so it
 *    is decoded once per process.
 */

interface Position { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number; advanceWidth: number }
interface Glyph { id: number; codePoints: number[]; advanceWidth: number }
interface FontkitFont {
  _glyphs: Record<number, unknown>;
  _variationProcessor?: unknown;
  layout(text: string): { glyphs: Glyph[]; positions: Array<Record<string, number>> };
  getGlyph(id: number, codePoints: number[]): Glyph;
}
interface EmbeddedFont {
  font: FontkitFont;
  scale: number;
  layoutCache?: Record<string, Run>;
  layoutCached(text: string): Run;
}
interface Run { glyphs: Glyph[]; positions: Position[]; advanceWidth: number }
interface Shaped { ids: number[]; codePoints: number[][]; positions: Position[]; advanceWidth: number }

/** Words per font kept; the least recently used go first (a few MB at most). */
const MAX_WORDS = 4000;
const memo = new WeakMap<FontkitFont, Map<string, Shaped>>();

function shapeClean(font: FontkitFont, scale: number, text: string): Shaped {
  const kept = font._glyphs;
  font._glyphs = {};
  try {
    const run = font.layout(text);
    const positions = run.positions.map((p, i) => ({
      xAdvance: p.xAdvance! * scale, yAdvance: p.yAdvance! * scale, xOffset: p.xOffset! * scale, yOffset: p.yOffset! * scale,
      advanceWidth: run.glyphs[i]!.advanceWidth * scale,
    }));
    return {
      ids: run.glyphs.map((g) => g.id),
      codePoints: run.glyphs.map((g) => g.codePoints),
      positions,
      advanceWidth: positions.reduce((sum, p) => sum + p.xAdvance, 0),
    };
  } finally {
    font._glyphs = kept;
  }
}

function shaped(font: FontkitFont, scale: number, text: string): Shaped {
  let words = memo.get(font);
  if (!words) memo.set(font, (words = new Map()));
  let s = words.get(text);
  if (s) {
    words.delete(text);
  } else {
    s = shapeClean(font, scale, text);
    if (words.size >= MAX_WORDS) words.delete(words.keys().next().value!);
  }
  words.set(text, s);
  return s;
}

function layoutCached(this: EmbeddedFont, text: string): Run {
  const own = this.layoutCache?.[text];
  if (own) return own;
  const s = shaped(this.font, this.scale, text);
  const run: Run = {
    glyphs: s.ids.map((id, i) => this.font.getGlyph(id, s.codePoints[i]!)),
    positions: s.positions.map((p) => ({ ...p })),
    advanceWidth: s.advanceWidth,
  };
  if (this.layoutCache) this.layoutCache[text] = run;
  return run;
}

interface GlyphCode { id: number; _font: FontkitFont; _decode(): unknown }
const outlines = new WeakMap<FontkitFont, Map<number, unknown>>();

function memoDecode(decode: () => unknown) {
  return function (this: GlyphCode): unknown {
    // A variable font's outlines depend on the chosen instance: not memoised.
    if (this._font._variationProcessor) return decode.call(this);
    let byId = outlines.get(this._font);
    if (!byId) outlines.set(this._font, (byId = new Map()));
    if (!byId.has(this.id)) byId.set(this.id, decode.call(this));
    return byId.get(this.id);
  };
}

let installed = false;

/**
 * Puts the memos in front of pdfkit's and fontkit's per-document work. Neither library exports the
 * classes concerned, so they are reached through a font opened in a throwaway document.
 */
export function installFontMemos(font: unknown): void {
  if (installed) return;
  const doc = new PDFDocument({ autoFirstPage: false, font: null as unknown as string } as PDFKit.PDFDocumentOptions);
  doc.registerFont('probe', font as string);
  doc.font('probe');
  const embedded = Object.getPrototypeOf((doc as unknown as { _font: EmbeddedFont })._font) as EmbeddedFont;
  const glyph = Object.getPrototypeOf((font as FontkitFont).getGlyph(0, [])) as GlyphCode;
  if (typeof embedded.layoutCached !== 'function' || typeof glyph._decode !== 'function') {
    throw new Error('pdfkit or fontkit changed: EmbeddedFont.layoutCached or TTFGlyph._decode is gone (see src/documents/pdf/font-memo.ts)');
  }
  embedded.layoutCached = layoutCached;
  glyph._decode = memoDecode(glyph._decode);
  installed = true;
}
