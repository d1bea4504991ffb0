/**
 * Walks a decoded text line by line without splitting it into an array (huge files stay cheap).
 * After `next()` returns true, `text` is the line, `line` its 1-based number, `terminated` whether an
 * end-of-line followed it, and `eol` which one.
 */
export class LineReader {
  text = '';
  line = 0;
  terminated = false;
  eol: '' | '\r' | '\n' | '\r\n' = '';
  private pos = 0;
  /** Next CR and LF at or after pos (-1: none left); found with indexOf, which is far faster than a char loop. */
  private cr = -2;
  private lf = -2;
  constructor(private readonly src: string) {}

  next(): boolean {
    const s = this.src;
    const n = s.length;
    const pos = this.pos;
    if (pos >= n) return false;
    if (this.cr !== -1 && this.cr < pos) this.cr = s.indexOf('\r', pos);
    if (this.lf !== -1 && this.lf < pos) this.lf = s.indexOf('\n', pos);
    const cr = this.cr;
    const lf = this.lf;
    const i = cr < 0 ? (lf < 0 ? n : lf) : lf < 0 || cr < lf ? cr : lf;
    this.text = s.slice(pos, i);
    this.line++;
    if (i >= n) { this.terminated = false; this.eol = ''; this.pos = n; return true; }
    this.terminated = true;
    if (i === cr && lf === i + 1) { this.eol = '\r\n'; this.pos = i + 2; }
    else { this.eol = i === cr ? '\r' : '\n'; this.pos = i + 1; }
    return true;
  }
}
