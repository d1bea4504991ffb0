import iconv from 'iconv-lite';
import { splitOn } from './split.js';

/**
 * HL7 v2 tokenizer: delimiters, segments, fields, components and escapes. Fields are split once per
 * segment; components, repetitions and escapes are resolved only for the fields a caller reads, so a
 * 300 KB base64 line or a 50 MB batch costs one pass, not copies of copies.
 */

export interface Delimiters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
  /** v2.7 truncation character, when MSH-2 has five characters. */
  truncation?: string;
}

export const DEFAULT_DELIMITERS: Delimiters = { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' };

/** Reads the delimiters from the start of an MSH/FHS/BHS segment; undefined when they are unusable. */
export function delimitersOf(header: string): Delimiters | undefined {
  const field = header.charAt(3);
  if (field === '' || /[A-Za-z0-9\s]/.test(field)) return undefined;
  const end = header.indexOf(field, 4);
  const enc = end < 0 ? header.slice(4) : header.slice(4, end);
  if (enc.length < 2) return undefined;
  const chars = [...enc];
  if (new Set([field, ...chars]).size !== chars.length + 1) return undefined;
  const d: Delimiters = {
    field,
    component: chars[0]!,
    repetition: chars[1]!,
    escape: chars[2] ?? '\\',
    subcomponent: chars[3] ?? '&',
  };
  if (chars[4] !== undefined) d.truncation = chars[4];
  return d;
}

/** What an escape-decoding pass noticed that the caller may want to report. */
export interface EscapeIssue {
  sequence: string;
  message: string;
}

/**
 * Decodes HL7 escape sequences left to right (`\F\ \S\ \T\ \R\ \E\ \Xhh\ \.br\`; `\H\ \N\` and other
 * formatting commands dropped). An escape character that does not start a known sequence is kept as a
 * literal character (labs write Windows paths and stray backslashes), and the caller is told.
 */
export function unescapeHl7(text: string, d: Delimiters, charset: string, issues?: EscapeIssue[]): string {
  const esc = d.escape;
  let at = text.indexOf(esc);
  if (at < 0) return text;
  const parts: string[] = [];
  let from = 0;
  while (at >= 0) {
    const close = text.indexOf(esc, at + 1);
    if (close < 0) {
      issues?.push({ sequence: text.slice(at, at + 12), message: 'escape character without a closing one: kept as written' });
      break;
    }
    const seq = text.slice(at + 1, close);
    const decoded = decodeSequence(seq, d, charset);
    if (decoded === undefined) {
      issues?.push({ sequence: `${esc}${seq}${esc}`, message: 'unknown escape sequence: kept as written' });
      parts.push(text.slice(from, at + 1));
      from = at + 1;
      at = text.indexOf(esc, at + 1);
      continue;
    }
    parts.push(text.slice(from, at), decoded);
    from = close + 1;
    at = text.indexOf(esc, from);
  }
  parts.push(text.slice(from));
  return parts.join('');
}

function decodeSequence(seq: string, d: Delimiters, charset: string): string | undefined {
  switch (seq) {
    case 'F': return d.field;
    case 'S': return d.component;
    case 'T': return d.subcomponent;
    case 'R': return d.repetition;
    case 'E': return d.escape;
    case 'P': return d.truncation;
    case 'H': case 'N': return '';
    case '.br': return '\n';
    case '.fi': case '.nf': case '.ce': return '';
  }
  if (/^X(?:[0-9A-Fa-f]{2})+$/.test(seq)) return iconv.decode(Buffer.from(seq.slice(1), 'hex'), charset);
  if (/^\.sp(?:\s*\+?\d+)?$/.test(seq)) return '\n'.repeat(Math.min(Number(/\d+/.exec(seq)?.[0] ?? '1'), 20));
  if (/^\.(?:in|ti|sk)\s*[+-]?\d+$/.test(seq)) return '';
  if (/^[CM][0-9A-Fa-f]{4,6}$/.test(seq)) return '';
  return undefined;
}

/** One segment: its id, its 1-based number in the file, and its raw (still escaped) fields. */
export class Segment {
  /** fields[0] is the segment id; fields[n] is field n (for MSH/FHS/BHS, fields[1] is field 2, see raw()). */
  readonly fields: string[];
  readonly id: string;
  private readonly header: boolean;

  constructor(readonly text: string, readonly no: number, readonly d: Delimiters) {
    this.fields = splitOn(text, d.field);
    this.id = this.fields[0]!;
    this.header = this.id === 'MSH' || this.id === 'FHS' || this.id === 'BHS';
  }

  /** Number of the last field present (MSH counts its separator as field 1). */
  get lastField(): number {
    return this.header ? this.fields.length : this.fields.length - 1;
  }

  /** Raw field n (1-based HL7 numbering), still escaped; '' when absent. */
  raw(n: number): string {
    if (this.header) return n === 1 ? this.d.field : this.fields[n - 1] ?? '';
    return this.fields[n] ?? '';
  }

  /** Raw repetitions of field n; [] when the field is empty. */
  reps(n: number): string[] {
    const f = this.raw(n);
    return f === '' ? [] : f.indexOf(this.d.repetition) < 0 ? [f] : f.split(this.d.repetition);
  }
}

/** A raw repetition (or field) split into raw components, each into raw subcomponents on demand. */
export function components(raw: string, d: Delimiters): string[] {
  return raw.split(d.component);
}

export function subcomponents(raw: string, d: Delimiters): string[] {
  return raw.split(d.subcomponent);
}
