/**
 * The TrueType font program of a document's subset, in the bytes fontkit writes, for a fraction of its time.
 *
 * fontkit (TTFSubset.encode) writes the subset through restructure one number at a time, sizing every table
 * twice: a fifth of a PDF's finishing time. Of its nine tables only loca, glyf and hmtx depend on the
 * glyphs; head, cvt, prep and fpgm are the font's own, and hhea and maxp differ only by their glyph count.
 * Those are taken once per font from a subset fontkit itself wrote (glyph 0 alone), and each subset then
 * lays out its tables as fontkit does: the directory (tag `true`, checksums 0) in fontkit's table order,
 * the tables one after the other without padding. test/unit/pdf-subset.test.ts compares the two writers.
 */

interface Metric { advance: number; bearing: number }

/** The parts of fontkit's TTFSubset this module reads and fills. */
export interface TtfSubset {
  font: { _variationProcessor?: unknown; loca: { version: number }; _glyphs: Record<number, unknown> };
  glyphs: number[];
  glyf: Uint8Array[];
  offset: number;
  loca: { offsets: number[]; version: number };
  hmtx: { metrics: Metric[]; bearings: number[] };
  _addGlyph(gid: number): number;
  encode(): Uint8Array;
}

/** A font's subset tables that do not depend on the glyphs, and fontkit's directory order. */
interface Template {
  /** The 12-byte offset table (tag, number of tables, search fields). */
  header: Uint8Array;
  tags: string[];
  tables: Map<string, Uint8Array>;
}

/** Where the glyph count sits in hhea (numberOfMetrics) and maxp (numGlyphs), per the OpenType tables. */
const COUNT_AT: Record<string, number> = { hhea: 34, maxp: 4 };
const PER_GLYPH = new Set(['loca', 'glyf', 'hmtx']);

function readTemplate(bytes: Uint8Array): Template {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint16(4);
  const tags: string[] = [];
  const tables = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    const at = 12 + 16 * i;
    const tag = String.fromCharCode(...bytes.subarray(at, at + 4));
    tags.push(tag);
    if (!PER_GLYPH.has(tag)) tables.set(tag, bytes.slice(view.getUint32(at + 8), view.getUint32(at + 8) + view.getUint32(at + 12)));
  }
  return { header: bytes.slice(0, 12), tags, tables };
}

/** Lays out the subset's loca, glyf and hmtx (filled by fontkit's own _addGlyph) between the fixed tables. */
function write(t: Template, s: TtfSubset): Uint8Array {
  const glyphs = s.glyf.length;
  const offsets = s.loca.offsets;
  const short = s.loca.version === 0;
  const size = (tag: string): number =>
    tag === 'loca' ? offsets.length * (short ? 2 : 4) : tag === 'glyf' ? s.offset : tag === 'hmtx' ? 4 * s.hmtx.metrics.length : t.tables.get(tag)!.length;
  const lengths = t.tags.map(size);
  const out = new Uint8Array(12 + 16 * t.tags.length + lengths.reduce((a, b) => a + b, 0));
  const view = new DataView(out.buffer);
  out.set(t.header);
  let at = 12 + 16 * t.tags.length;
  t.tags.forEach((tag, i) => {
    const entry = 12 + 16 * i;
    for (let c = 0; c < 4; c++) out[entry + c] = tag.charCodeAt(c);
    view.setUint32(entry + 8, at);
    view.setUint32(entry + 12, lengths[i]!);
    if (tag === 'loca') {
      for (const o of offsets) short ? view.setUint16((at += 2) - 2, o >>> 1) : view.setUint32((at += 4) - 4, o);
    } else if (tag === 'glyf') {
      for (const g of s.glyf) (out.set(g, at), (at += g.length));
    } else if (tag === 'hmtx') {
      for (const m of s.hmtx.metrics) (view.setUint16(at, m.advance), view.setInt16(at + 2, m.bearing), (at += 4));
    } else {
      out.set(t.tables.get(tag)!, at);
      if (tag in COUNT_AT) view.setUint16(at + COUNT_AT[tag]!, glyphs);
      at += lengths[i]!;
    }
  });
  return out;
}

/**
 * TTFSubset.encode for static fonts, given fontkit's own (`fontkitEncode`), which writes each font's template
 * and every subset of a variable font, whose glyphs are re-encoded per instance.
 */
export function subsetWriter(fontkitEncode: (this: TtfSubset) => Uint8Array): (this: TtfSubset) => Uint8Array {
  const templates = new WeakMap<object, Template>();
  const template = (s: TtfSubset): Template => {
    let t = templates.get(s.font);
    if (!t) {
      // Written with the document's glyph cache set aside: glyph 0 is created for the probe alone.
      const kept = s.font._glyphs;
      s.font._glyphs = {};
      try {
        const probe = Object.assign(Object.create(Object.getPrototypeOf(s) as object) as TtfSubset, { ...s, glyphs: [0], mapping: { 0: 0 } });
        t = readTemplate(fontkitEncode.call(probe));
      } finally {
        s.font._glyphs = kept;
      }
      templates.set(s.font, t);
    }
    return t;
  };
  return function encode(this: TtfSubset): Uint8Array {
    if (this.font._variationProcessor) return fontkitEncode.call(this);
    const t = template(this);
    this.glyf = [];
    this.offset = 0;
    this.loca = { offsets: [], version: this.font.loca.version };
    this.hmtx = { metrics: [], bearings: [] };
    // _addGlyph may append composite glyphs' parts to `glyphs` as it goes.
    for (let i = 0; i < this.glyphs.length; i++) this._addGlyph(this.glyphs[i]!);
    this.loca.offsets.push(this.offset);
    return write(t, this);
  };
}
