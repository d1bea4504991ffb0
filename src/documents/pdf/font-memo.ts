import PDFDocument from 'pdfkit';

/**
 * Process-wide memos for pdfkit's embedded fonts, so a render pays only for what is new in its text.
 *
 * 1. Text shaping.
 * pdfkit shapes every word with fontkit (OpenType GSUB/GPOS: kerning, ligatures, marks) and memoises the
 * result only for the life of one document. Lab reports repeat the same words in every document (labels,
 * units, headings), so shaping was about a third of a render (30-result report: 47 renders/s before both
 * memos, 70–80 after; `npm run bench` render-pdf). The memo keeps plain data — glyph ids, the code points
 * each glyph was created for when shaped from a clean state, positions — and rebuilds glyph objects in the current
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
  layoutRun(text: string): Run;
}
interface Run { glyphs: Glyph[]; positions: Position[]; advanceWidth: number }

/**
 * One shaped word, packed in one Int32Array (a few hundred bytes, not the ~2 KB of objects it replaces):
 * [glyph count, then per glyph: id, xAdvance, yAdvance, xOffset, yOffset, advanceWidth (font units),
 * number of code points, the code points]. Font units are integers; they are scaled on the way out
 * exactly as pdfkit scales them, so the numbers written in the PDF are the same.
 */
type Packed = Int32Array;

/** Words per font kept; the least recently used go first. Words with digits (values, ids) are not kept. */
const MAX_WORDS = 3000;
const memo = new WeakMap<FontkitFont, Map<string, Packed>>();

/** Shapes `text` as a document whose glyph cache is empty would, leaving the current document's cache as it was. */
function shapeClean(font: FontkitFont, text: string): Packed | undefined {
  const kept = font._glyphs;
  font._glyphs = {};
  try {
    const run = font.layout(text);
    const out: number[] = [run.glyphs.length];
    for (const [i, g] of run.glyphs.entries()) {
      const p = run.positions[i]!;
      out.push(g.id, p.xAdvance!, p.yAdvance!, p.xOffset!, p.yOffset!, g.advanceWidth, g.codePoints.length, ...g.codePoints);
    }
    return out.every(Number.isInteger) ? Int32Array.from(out) : undefined;
  } finally {
    font._glyphs = kept;
  }
}

function unpack(font: FontkitFont, scale: number, packed: Packed): Run {
  const glyphs: Glyph[] = [];
  const positions: Position[] = [];
  let k = 1;
  for (let n = 0; n < packed[0]!; n++) {
    const id = packed[k]!;
    const [xAdvance, yAdvance, xOffset, yOffset, advanceWidth] = Array.from(packed.subarray(k + 1, k + 6), (v) => v * scale);
    const count = packed[k + 6]!;
    glyphs.push(font.getGlyph(id, Array.from(packed.subarray(k + 7, k + 7 + count))));
    positions.push({ xAdvance: xAdvance!, yAdvance: yAdvance!, xOffset: xOffset!, yOffset: yOffset!, advanceWidth: advanceWidth! });
    k += 7 + count;
  }
  return { glyphs, positions, advanceWidth: positions.reduce((sum, p) => sum + p.xAdvance, 0) };
}

function shaped(font: FontkitFont, text: string): Packed | undefined {
  if (/\d/.test(text)) return undefined;
  let words = memo.get(font);
  if (!words) memo.set(font, (words = new Map()));
  let packed = words.get(text);
  if (packed) {
    words.delete(text);
  } else {
    packed = shapeClean(font, text);
    if (!packed) return undefined;
    if (words.size >= MAX_WORDS) words.delete(words.keys().next().value!);
  }
  words.set(text, packed);
  return packed;
}

/** Entries of each document font's own word cache, which pdfkit never bounds. */
const ownCacheSize = new WeakMap<object, number>();
const MAX_OWN_WORDS = 20_000;

function layoutCached(this: EmbeddedFont, text: string): Run {
  const own = this.layoutCache?.[text];
  if (own) return own;
  const packed = shaped(this.font, text);
  // Not kept (digits, or a font with fractional positions): shaped as pdfkit does.
  const run = packed ? unpack(this.font, this.scale, packed) : this.layoutRun(text);
  if (this.layoutCache) {
    // A document with a huge number of distinct words starts its cache over rather than hold them all
    // (the glyphs stay the document's own: the bytes are the same).
    const n = ownCacheSize.get(this.layoutCache) ?? 0;
    if (n >= MAX_OWN_WORDS) this.layoutCache = Object.create(null) as Record<string, Run>;
    ownCacheSize.set(this.layoutCache, n >= MAX_OWN_WORDS ? 1 : n + 1);
    this.layoutCache[text] = run;
  }
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
