import type { Warnings } from './hprim-text.js';
import { LineReader } from './lines.js';
import { splitOn } from './split.js';
import { InputError } from './types.js';

/**
 * HPRIM Santé record tokenizer: reads the delimiters from the H record, joins `A` continuation records
 * to the record they continue (exactly: the split may fall mid-word) and splits records into fields.
 */

export interface Delimiters {
  field: string;
  /** HPRIM swaps HL7's roles: the character right after the field separator is the component separator. */
  component: string;
  repetition: string;
  escape: string;
  subComponent: string;
}

export interface HprimRecord {
  /** H, P, OBR, OBX, C, L… */
  type: string;
  /** fields[0] is the type; HPRIM field `n.k` is fields[k - 1]. */
  fields: string[];
  /** Line of the record's first physical line. */
  line: number;
}

const PUNCT = /^[^A-Za-z0-9\s]$/;

export function readDelimiters(headerLine: string, file: string, line: number): Delimiters {
  const chars = headerLine.slice(1, 6);
  const set = new Set(chars);
  if (chars.length < 5 || set.size !== 5 || ![...chars].every((c) => PUNCT.test(c))) {
    throw new InputError({ file, line, field: 'H 7.2' }, `the H record must start with five distinct delimiter characters (field, component, repetition, escape, sub-component), found "${chars}"`);
  }
  return { field: chars[0]!, component: chars[1]!, repetition: chars[2]!, escape: chars[3]!, subComponent: chars[4]! };
}

export class RecordReader {
  delimiters: Delimiters | undefined;
  /** Whether the last physical line of the file ended with a line terminator. */
  lastTerminated = true;
  private readonly lines: LineReader;
  private pending: { text: string; line: number } | undefined;
  private eolSeen = '';
  private blankWarned = false;

  constructor(text: string, private readonly file: string, private readonly w: Warnings) {
    this.lines = new LineReader(text);
  }

  /** Number of the last physical line read. */
  get physicalLine(): number {
    return this.lines.line;
  }

  /** The next logical record (continuations joined), or undefined at the end of the file. */
  next(): HprimRecord | undefined {
    const l = this.lines;
    while (l.next()) {
      this.lastTerminated = l.terminated;
      this.noteEol(l.eol, l.line);
      const text = l.text;
      if (text.trim() === '') {
        if (!this.blankWarned) { this.blankWarned = true; this.w.add({ line: l.line }, 'empty line between records ignored'); }
        continue;
      }
      if (this.delimiters === undefined || text.startsWith('H') && PUNCT.test(text[1] ?? '') && text[1] === text[6]) {
        if (!text.startsWith('H')) throw new InputError({ file: this.file, line: l.line, field: 'H' }, 'an HPRIM Santé file must start with its H record');
        this.delimiters = readDelimiters(text, this.file, l.line);
      }
      const d = this.delimiters;
      if (text.length > 1 && text[0] === 'A' && text[1] === d.field) {
        if (!this.pending) throw new InputError({ file: this.file, line: l.line, field: 'A' }, 'continuation record (A) with no record before it');
        this.pending.text += text.slice(2);
        continue;
      }
      const done = this.pending;
      this.pending = { text, line: l.line };
      if (done) return this.split(done.text, done.line);
    }
    const done = this.pending;
    this.pending = undefined;
    return done ? this.split(done.text, done.line) : undefined;
  }

  private split(text: string, line: number): HprimRecord {
    const d = this.delimiters!;
    const sep = text.indexOf(d.field);
    if (sep < 0) {
      if (text.trim() === 'L') return { type: 'L', fields: ['L'], line };
      throw new InputError({ file: this.file, line, field: 'record type' }, `line cannot be split into fields (no "${d.field}" separator)`);
    }
    const fields = splitOn(text, d.field);
    const type = fields[0]!;
    if (type !== type.trim()) {
      this.w.add({ line, field: 'record type' }, `spaces around the record type "${type}" ignored`);
      fields[0] = type.trim();
    }
    return { type: fields[0]!, fields, line };
  }

  private noteEol(eol: string, line: number): void {
    if (eol === '' || eol === this.eolSeen) return;
    if (this.eolSeen === '' && eol === '\r') { this.eolSeen = eol; return; }
    const name = (e: string) => (e === '\r' ? 'CR' : e === '\n' ? 'LF' : 'CRLF');
    this.w.add({ line }, this.eolSeen === '' ? `records end with ${name(eol)} instead of CR` : `line ends change from ${name(this.eolSeen)} to ${name(eol)}`);
    this.eolSeen = eol;
  }
}

/** A short, single-line excerpt for messages (never a whole record: it may hold patient data). */
export function preview(text: string): string {
  return JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}…` : text);
}

/**
 * Decodes HPRIM/HL7-style escapes (`\F\ \S\ \R\ \E\ \T\ \.br\ \Xhh\` with the file's escape character)
 * after splitting; a malformed sequence stays as written.
 */
export function unescapeHprim(text: string, d: Delimiters): string {
  const e = d.escape;
  if (!text.includes(e)) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== e) { out += c; i++; continue; }
    const end = text.indexOf(e, i + 1);
    const seq = end > i ? text.slice(i + 1, end) : undefined;
    const rep = seq === undefined || seq.length > 16 ? undefined : escapeValue(seq, d);
    if (rep === undefined) { out += c; i++; continue; }
    out += rep;
    i = end + 1;
  }
  return out;
}

function escapeValue(seq: string, d: Delimiters): string | undefined {
  switch (seq) {
    case 'F': return d.field;
    case 'S': return d.component;
    case 'R': return d.repetition;
    case 'E': return d.escape;
    case 'T': return d.subComponent;
    case '.br': return '\n';
  }
  if (/^X(?:[0-9A-Fa-f]{2})+$/.test(seq)) return Buffer.from(seq.slice(1), 'hex').toString('latin1');
  return undefined;
}
