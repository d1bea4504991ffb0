import { subsetWriter, type TtfSubset } from './font-subset.js';

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
 * 2. Glyph outlines and metrics. The font subset of every document decodes each glyph it includes (only to
 *    find the parts of composite glyphs) and reads its metrics, which decodes its outline's header; in a
 *    static font neither changes for a glyph id, so each is worked out once per process.
 *
 * 3. Font subsets: written by font-subset.ts, the same bytes as fontkit's writer.
 */

interface Position { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number; advanceWidth: number }
interface Glyph { id: number; codePoints: number[]; advanceWidth: number }
interface FontkitFont {
  createSubset(): unknown;
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
  layoutRun(text: string, features?: unknown): Run;
  layout(text: string, features?: unknown, onlyWidth?: boolean): { glyphs: Glyph[] | null; positions: Position[] | null; advanceWidth: number };
}
interface Run { glyphs: Glyph[]; positions: Position[]; advanceWidth: number }

/**
 * One shaped word: per glyph its id, the code points it was created for, and its position already scaled
 * as pdfkit scales it (so the numbers written in the PDF are the same). Positions are shared, frozen
 * objects: pdfkit only reads them (word spacing copies the one it changes), so every document that uses
 * the word gets the same ones instead of fresh objects per word per render; equal positions (most glyphs
 * without kerning) are one object for the whole font.
 */
interface Shaped { ids: Int32Array; codePoints: number[][]; positions: readonly Position[]; advanceWidth: number }

/**
 * Words per font kept; the least recently used go first. Words with digits are kept too: values, units,
 * dates and ranges repeat from one report to the next (the ids that do not just pass through).
 */
const MAX_WORDS = 3000;
interface FontMemo { scale: number; words: Map<string, Shaped>; positions: Map<string, Position> }
const memo = new WeakMap<FontkitFont, FontMemo>();

/**
 * Shapes `text` as a document whose glyph cache is empty would, leaving the current document's cache as it was.
 * Undefined when a position is fractional (a variable font): such words are shaped by pdfkit every time.
 */
function shapeClean(font: FontkitFont, m: FontMemo, text: string): Shaped | undefined {
  const kept = font._glyphs;
  font._glyphs = {};
  try {
    const run = font.layout(text);
    const n = run.glyphs.length;
    const shaped: Shaped = { ids: new Int32Array(n), codePoints: [], positions: [], advanceWidth: 0 };
    const positions: Position[] = [];
    for (let i = 0; i < n; i++) {
      const g = run.glyphs[i]!;
      const p = run.positions[i]!;
      const units = [p.xAdvance!, p.yAdvance!, p.xOffset!, p.yOffset!, g.advanceWidth];
      if (!units.every(Number.isInteger)) return undefined;
      const key = units.join(' ');
      let position = m.positions.get(key);
      if (!position) {
        const [xAdvance, yAdvance, xOffset, yOffset, advanceWidth] = units.map((v) => v * m.scale) as [number, number, number, number, number];
        m.positions.set(key, (position = Object.freeze({ xAdvance, yAdvance, xOffset, yOffset, advanceWidth })));
      }
      shaped.ids[i] = g.id;
      shaped.codePoints.push(g.codePoints.slice());
      positions.push(position);
      // Summed in glyph order, as pdfkit's layout does.
      shaped.advanceWidth += position.xAdvance;
    }
    shaped.positions = Object.freeze(positions);
    return shaped;
  } finally {
    font._glyphs = kept;
  }
}

/** The word in the current document: its glyph objects are the document's own (created on first use). */
function inDocument(font: FontkitFont, shaped: Shaped): Run {
  const n = shaped.ids.length;
  const glyphs = new Array<Glyph>(n);
  for (let i = 0; i < n; i++) {
    const id = shaped.ids[i]!;
    glyphs[i] = (font._glyphs[id] as Glyph | undefined) ?? font.getGlyph(id, shaped.codePoints[i]!.slice());
  }
  return { glyphs, positions: shaped.positions as Position[], advanceWidth: shaped.advanceWidth };
}

function shaped(font: FontkitFont, scale: number, text: string): Shaped | undefined {
  let m = memo.get(font);
  if (!m || m.scale !== scale) memo.set(font, (m = { scale, words: new Map(), positions: new Map() }));
  let word = m.words.get(text);
  if (word) {
    m.words.delete(text);
  } else {
    word = shapeClean(font, m, text);
    if (!word) return undefined;
    if (m.words.size >= MAX_WORDS) m.words.delete(m.words.keys().next().value!);
  }
  m.words.set(text, word);
  return word;
}

/** Entries of each document font's own word cache, which pdfkit never bounds. */
const ownCacheSize = new WeakMap<object, number>();
const MAX_OWN_WORDS = 20_000;

function layoutCached(this: EmbeddedFont, text: string): Run {
  const own = this.layoutCache?.[text];
  if (own) return own;
  const word = shaped(this.font, this.scale, text);
  // Not kept (digits, or a font with fractional positions): shaped as pdfkit does.
  const run = word ? inDocument(this.font, word) : this.layoutRun(text);
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

/**
 * pdfkit's EmbeddedFont.layout, the same runs: a text cut after each space or tab, each piece through
 * layoutCached. pdfkit's own builds an array literal per character and copies the whole line again for
 * each word (concat); this one appends.
 */
function layout(this: EmbeddedFont, text: string, features?: unknown, onlyWidth?: boolean) {
  if (features) return this.layoutRun(text, features);
  const glyphs: Glyph[] | null = onlyWidth ? null : [];
  const positions: Position[] | null = onlyWidth ? null : [];
  let advanceWidth = 0;
  let last = 0;
  for (let index = 0; index <= text.length;) {
    const c = text.charCodeAt(index);
    if ((index === text.length && last < index) || c === 32 || c === 9) {
      const run = this.layoutCached(text.slice(last, ++index));
      if (glyphs && positions) {
        for (const g of run.glyphs) glyphs.push(g);
        for (const p of run.positions) positions.push(p);
      }
      advanceWidth += run.advanceWidth;
      last = index;
    } else {
      index++;
    }
  }
  return { glyphs, positions, advanceWidth };
}

interface GlyphCode { id: number; _font: FontkitFont; _decode(): unknown; _getMetrics(): unknown; _metrics?: unknown }

/** `method` of a glyph, computed once per glyph id and font (a static font's glyph never changes). */
function memoById(method: () => unknown) {
  const byFont = new WeakMap<FontkitFont, Map<number, unknown>>();
  return function (this: GlyphCode): unknown {
    // A variable font's outlines and metrics depend on the chosen instance: not memoised.
    if (this._font._variationProcessor) return method.call(this);
    let byId = byFont.get(this._font);
    if (!byId) byFont.set(this._font, (byId = new Map()));
    if (!byId.has(this.id)) byId.set(this.id, method.call(this));
    return byId.get(this.id);
  };
}

/**
 * Puts the memos in front of pdfkit's and fontkit's per-document work, once per process. Neither library
 * exports the classes concerned, so they are reached through `font` opened in `doc`, a throwaway document.
 */
export function installFontMemos(doc: PDFKit.PDFDocument, font: unknown): void {
  doc.registerFont('probe', font as string);
  doc.font('probe');
  const embedded = Object.getPrototypeOf((doc as unknown as { _font: EmbeddedFont })._font) as EmbeddedFont;
  const glyph = Object.getPrototypeOf((font as FontkitFont).getGlyph(0, [])) as GlyphCode;
  const subset = Object.getPrototypeOf((font as FontkitFont).createSubset()) as TtfSubset;
  if (typeof embedded.layoutCached !== 'function' || typeof embedded.layout !== 'function' || typeof glyph._decode !== 'function' || typeof glyph._getMetrics !== 'function'
    || typeof subset._addGlyph !== 'function' || typeof subset.encode !== 'function') {
    throw new Error('pdfkit or fontkit changed: EmbeddedFont.layout/layoutCached, TTFGlyph._decode/_getMetrics or TTFSubset._addGlyph/encode is gone (see src/documents/pdf/font-memo.ts)');
  }
  embedded.layoutCached = layoutCached;
  embedded.layout = layout;
  glyph._decode = memoById(glyph._decode);
  const metrics = memoById(glyph._getMetrics);
  glyph._getMetrics = function (this: GlyphCode) {
    return (this._metrics ??= metrics.call(this));
  };
  subset.encode = subsetWriter(subset.encode);
}
