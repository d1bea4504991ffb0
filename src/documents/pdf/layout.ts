import type { FontName } from './pdfa.js';

/**
 * A small flow layout on top of pdfkit: text is wrapped here (not by pdfkit) so that every line's height
 * is known before it is drawn; rows that do not fit move to the next page, where the page chrome and the
 * current table header are drawn again. Nothing is ever drawn past the bottom margin.
 */

export const A4 = { width: 595.28, height: 841.89 };
export const MARGIN = { left: 42, right: 42, top: 36, bottom: 48 };
export const COLOR = { text: '#111111', muted: '#555555', rule: '#9aa3ad', band: '#e6eaef', head: '#f3f5f7' };

export interface Para {
  text: string;
  font?: FontName;
  size?: number;
  color?: string;
  align?: 'left' | 'right' | 'center';
  /** Keep spaces and break anywhere (monospace text as the lab laid it out). */
  pre?: boolean;
}

export interface Column {
  width: number;
  align?: 'left' | 'right' | 'center';
}

interface Line {
  text: string;
  font: FontName;
  size: number;
  color: string;
  align: 'left' | 'right' | 'center';
}

const PAD_X = 3;
const PAD_Y = 2.5;
/** DejaVu's ascent (1901/2048 em): pdfkit places text by its top, rows align it by baseline. */
const ASCENT = 0.928;
export const leading = (size: number) => size * 1.28;
/**
 * No glyph of the report fonts is narrower than 0.2 em (zero-width marks aside): a text with more
 * characters than this cannot fit on one line of `width`. A bound that spares shaping what cannot fit.
 */
const lineCapacity = (width: number, size: number) => Math.ceil(width / (size * 0.2));
const MAX_PUT_LINES = 12;
const MAX_MEMO = 20_000;
/** A text that is its own words joined by single spaces, on one line: no line break, tab, or run of spaces, none at either end. */
const PLAIN = /^(?:[^\s]+(?: [^\s]+)*)$/;

export class Layout {
  readonly left = MARGIN.left;
  readonly width = A4.width - MARGIN.left - MARGIN.right;
  readonly bottom = A4.height - MARGIN.bottom;
  y = MARGIN.top;
  /** Drawn at the top of every page after the first (running header). */
  private pageStart: (l: Layout) => void = () => {};
  /** Drawn after the running header when a table continues on a new page. */
  private continuation: ((l: Layout) => void) | undefined;

  constructor(readonly doc: PDFKit.PDFDocument) {}

  onPageStart(draw: (l: Layout) => void): void {
    this.pageStart = draw;
  }

  /** Sets (or clears) what a page break in the current section repeats, e.g. the table header. */
  repeat(draw: ((l: Layout) => void) | undefined): void {
    this.continuation = draw;
  }

  firstPage(): void {
    this.doc.addPage({ size: 'A4', margin: 0 });
    this.y = MARGIN.top;
  }

  newPage(): void {
    this.firstPage();
    this.pageStart(this);
    this.continuation?.(this);
  }

  /** Room left on this page. */
  get room(): number {
    return this.bottom - this.y;
  }

  /** Starts a new page unless `height` fits; true when it broke the page. */
  ensure(height: number): boolean {
    if (height <= this.room) return false;
    this.newPage();
    return true;
  }

  gap(h: number): void {
    this.y = Math.min(this.y + h, this.bottom);
  }

  /** Widths already measured in this document, by font and size: labels are laid out twice (height, then drawing). */
  private widths = new Map<string, Map<string, number>>();
  private measured = 0;

  measure(text: string, font: FontName, size: number): number {
    const face = `${font} ${size}`;
    let bySize = this.widths.get(face);
    if (!bySize) this.widths.set(face, (bySize = new Map()));
    let w = bySize.get(text);
    if (w === undefined) {
      w = this.doc.font(font).fontSize(size).widthOfString(text);
      // A memo, not a record: a huge text must not turn it into the biggest thing in memory.
      if (++this.measured > MAX_MEMO) {
        this.widths.clear();
        this.widths.set(face, (bySize = new Map()));
        this.measured = 1;
      }
      bySize.set(text, w);
    }
    return w;
  }

  /** Greedy word wrap; a word wider than the box is cut between characters, never left to overflow. */
  wrap(p: Para, width: number): string[] {
    const font = p.font ?? 'regular';
    const size = p.size ?? 9;
    // Most cells are one line of single-spaced words: nothing to split or join.
    if (!p.pre && PLAIN.test(p.text) && p.text.length <= lineCapacity(width, size) && this.measure(p.text, font, size) <= width) return [p.text];
    const out: string[] = [];
    for (const hard of p.text.replace(/\r\n?/g, '\n').split('\n')) {
      if (p.pre) {
        this.cut(hard, font, size, width, out, true);
        continue;
      }
      const words = hard.split(/[ \t]+/).filter(Boolean);
      const joined = words.join(' ');
      // Measured whole only when it might fit: shaping a huge paragraph at once costs memory by the glyph.
      if (joined.length <= lineCapacity(width, size) && this.measure(joined, font, size) <= width) {
        out.push(joined);
        continue;
      }
      let line = '';
      for (const word of words) {
        const candidate = line ? `${line} ${word}` : word;
        if (candidate.length <= lineCapacity(width, size) && this.measure(candidate, font, size) <= width) {
          line = candidate;
          continue;
        }
        if (line) out.push(line);
        line = this.cut(word, font, size, width, out, false);
      }
      out.push(line);
    }
    return out;
  }

  /** Cuts `text` into pieces that fit; pushes all (pre) or all but the last, which it returns. */
  private cut(text: string, font: FontName, size: number, width: number, out: string[], all: boolean): string {
    // Character advances add up (kerning aside): linear in the text, where measuring every longer piece
    // again was linear per character, and memoised each piece.
    let piece = '';
    let used = 0;
    for (const ch of text) {
      const w = this.measure(ch, font, size);
      if (piece && used + w > width) {
        out.push(piece);
        piece = '';
        used = 0;
      }
      piece += ch;
      used += w;
    }
    if (all) out.push(piece);
    return all ? '' : piece;
  }

  private lines(p: Para, width: number): Line[] {
    const font = p.font ?? 'regular';
    const size = p.size ?? 9;
    const color = p.color ?? COLOR.text;
    const align = p.align ?? 'left';
    return this.wrap(p, width).map((text) => ({ font, size, color, align, text }));
  }

  private draw(line: Line, x: number, y: number, width: number): void {
    if (!line.text) return;
    const doc = this.doc.font(line.font).fontSize(line.size).fillColor(line.color);
    let dx = 0;
    if (line.align !== 'left') {
      const w = this.measure(line.text, line.font, line.size);
      dx = line.align === 'right' ? width - w : (width - w) / 2;
    }
    doc.text(line.text, x + dx, y, { lineBreak: false });
  }

  /** Paragraphs across the full width (or indented), page-breaking between lines. */
  paragraphs(paras: Para[], indent = 0): void {
    for (const p of paras) {
      for (const line of this.lines(p, this.width - indent)) {
        const h = leading(line.size);
        this.ensure(h);
        this.draw(line, this.left + indent, this.y, this.width - indent);
        this.y += h;
      }
    }
  }

  private layRow(columns: Column[], cells: Para[][]) {
    const laid = cells.map((paras, i) => {
      const col = columns[i]!;
      return paras.flatMap((p) => this.lines({ align: col.align, ...p }, col.width - 2 * PAD_X));
    });
    const count = Math.max(0, ...laid.map((ls) => ls.length));
    const slices = Array.from({ length: count }, (_, k) => Math.max(...laid.map((ls) => (ls[k] ? leading(ls[k].size) : 0))));
    return { laid, slices, height: slices.reduce((a, b) => a + b, 0) + 2 * PAD_Y };
  }

  /** The height `row` will take for these cells. */
  rowHeight(columns: Column[], cells: Para[][]): number {
    return this.layRow(columns, cells).height;
  }

  /**
   * One table row: each cell holds paragraphs wrapped to its column. The row moves to the next page when
   * it does not fit; a row taller than a whole page is drawn line by line across pages.
   */
  row(columns: Column[], cells: Para[][], opts: { fill?: string; ruleBelow?: boolean; tight?: boolean } = {}): void {
    const { laid, slices, height } = this.layRow(columns, cells);
    const pad = opts.tight ? 0.5 : PAD_Y;
    if (height <= this.bottom - MARGIN.top - 80) this.ensure(height);
    if (opts.fill) this.doc.rect(this.left, this.y, this.width, Math.min(height, this.room)).fill(opts.fill);
    this.y += pad;
    slices.forEach((h, k) => {
      this.ensure(h);
      // Lines of different sizes side by side share one baseline.
      const biggest = Math.max(...laid.map((ls) => ls[k]?.size ?? 0));
      let x = this.left;
      columns.forEach((col, i) => {
        const line = laid[i]?.[k];
        if (line) this.draw(line, x + PAD_X, this.y + (biggest - line.size) * ASCENT, col.width - 2 * PAD_X);
        x += col.width;
      });
      this.y += h;
    });
    this.y = Math.min(this.y + pad, this.bottom);
    if (opts.ruleBelow) this.rule(COLOR.head, 0.5);
  }

  rule(color = COLOR.rule, width = 0.6): void {
    this.doc.save().moveTo(this.left, this.y).lineTo(this.left + this.width, this.y).lineWidth(width).strokeColor(color).stroke().restore();
  }

  /**
   * Text at a fixed place, outside the flow (page chrome). It is drawn on every page: a text longer than
   * MAX_PUT_LINES full lines could ever hold is cut first, so each page costs the same whatever the input.
   */
  put(text: string, x: number, y: number, width: number, p: Omit<Para, 'text'> = {}): void {
    const shown = text.slice(0, MAX_PUT_LINES * lineCapacity(width, p.size ?? 9));
    for (const [i, line] of this.lines({ ...p, text: shown }, width).entries()) this.draw(line, x, y + i * leading(line.size), width);
  }
}
