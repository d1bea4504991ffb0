import type { DateTime } from '../model/labreport.types.js';
import { type Delimiters, type EscapeIssue, Segment, unescapeHl7 } from './hl7-tokens.js';
import { InputError, type ParseWarning } from './types.js';
import { IMPOSSIBLE_DATE, Memo, impossibleDate, notAnIdentifier, parseRange, parseTimestamp } from './values.js';

/** Past this many warnings a file only gets a count: a broken 50 MB batch must not fill memory with them. */
const MAX_WARNINGS = 500;

/** A coded element (CE/CWE triplet). */
export interface Coding {
  code: string;
  label: string;
  system: string;
}

/**
 * Typed, unescaped access to the fields of one file's segments, recording every recoverable oddity
 * as a warning that names the segment number and the field.
 */
export class Hl7Reader {
  readonly warnings: ParseWarning[] = [];
  private dropped = 0;
  /** Per-file memos: a batch repeats the same dates, ranges, codes, labels and units on every message. */
  readonly ranges = new Memo(parseRange);
  readonly names = new Memo((text: string) => text);
  private readonly timestamps = new Memo(parseTimestamp);
  /** Codings by raw field text, for fields that decoded without a warning (a warning must repeat). */
  private readonly codingCache = new Map<string, Coding[]>();

  constructor(readonly file: string, public d: Delimiters, readonly charset: string) {}

  warn(seg: Segment | number, field: string | undefined, message: string): void {
    if (this.warnings.length >= MAX_WARNINGS) { this.dropped++; return; }
    const w: ParseWarning = { file: this.file, line: typeof seg === 'number' ? seg : seg.no, message };
    if (field) w.field = field;
    this.warnings.push(w);
  }

  /** Closes the warning list (adds the count of those left out). */
  finish(): ParseWarning[] {
    if (this.dropped > 0) this.warnings.push({ file: this.file, message: `${this.dropped} more warnings not listed` });
    return this.warnings;
  }

  /** Unescapes text read from a field, warning about stray escape characters. */
  text(raw: string, seg: Segment, field: string): string {
    if (raw.indexOf(this.d.escape) < 0) return raw;
    const issues: EscapeIssue[] = [];
    const out = unescapeHl7(raw, this.d, this.charset, issues);
    for (const i of issues) this.warn(seg, field, `${i.message} (${i.sequence})`);
    return out;
  }

  /**
   * Component `c` (1-based), subcomponent `s`, of repetition `rep` of field `n`, unescaped.
   * `""` (HL7 explicit null) reads as empty, with a warning.
   */
  get(seg: Segment, n: number, c = 1, s = 1, rep = 0): string {
    const f = seg.raw(n);
    if (f === '') return '';
    const r = rep === 0 && f.indexOf(this.d.repetition) < 0 ? f : f.split(this.d.repetition)[rep] ?? '';
    const comp = c === 1 && r.indexOf(this.d.component) < 0 ? r : r.split(this.d.component)[c - 1] ?? '';
    const sub = s === 1 && comp.indexOf(this.d.subcomponent) < 0 ? comp : comp.split(this.d.subcomponent)[s - 1] ?? '';
    if (sub === '""' || sub.indexOf(this.d.escape) >= 0) return this.clean(sub, seg, name(seg, n, c, s));
    return sub;
  }

  /** The components of one raw repetition, unescaped (subcomponents left joined). */
  comps(raw: string, seg: Segment, field: string): string[] {
    const out = raw.split(this.d.component);
    for (let i = 0; i < out.length; i++) {
      const c = out[i]!;
      if (c === '""' || c.indexOf(this.d.escape) >= 0) out[i] = this.clean(c, seg, `${field}.${i + 1}`);
    }
    return out;
  }

  /** Subcomponents of a raw component, unescaped. */
  subs(raw: string, seg: Segment, field: string): string[] {
    const out = raw.split(this.d.subcomponent);
    for (let i = 0; i < out.length; i++) {
      const c = out[i]!;
      if (c === '""' || c.indexOf(this.d.escape) >= 0) out[i] = this.clean(c, seg, field);
    }
    return out;
  }

  /** subs(raw)[0], with the same warnings, without the array in the usual case (no subcomponents). */
  sub0(raw: string, seg: Segment, field: string): string {
    if (raw.indexOf(this.d.subcomponent) >= 0) return this.subs(raw, seg, field)[0]!;
    return raw === '""' || raw.indexOf(this.d.escape) >= 0 ? this.clean(raw, seg, field) : raw;
  }

  private clean(raw: string, seg: Segment, field: string): string {
    if (raw === '""') {
      this.warn(seg, field, '"" (HL7 null) read as empty');
      return '';
    }
    return this.text(raw, seg, field);
  }

  /** The codings of a CE/CWE field: each repetition, and the alternate triplet (components 4–6) of each. Shared: read only. */
  codings(seg: Segment, n: number): Coding[] {
    const raw = seg.raw(n);
    if (raw === '') return [];
    const cached = this.codingCache.get(raw);
    if (cached) return cached;
    const out: Coding[] = [];
    const warned = this.warnings.length + this.dropped;
    const field = `${seg.id}-${n}`;
    for (const rep of seg.reps(n)) this.codingsOf(this.comps(rep, seg, field), out);
    if (this.warnings.length + this.dropped === warned) {
      if (this.codingCache.size >= 4096) this.codingCache.clear();
      this.codingCache.set(raw, out);
    }
    return out;
  }

  /** Codings from already-split components (used for subcomponent-level CE inside OBR-26). */
  codingsOf(c: string[], out: Coding[] = []): Coding[] {
    const before = out.length;
    const code = c[0]?.trim() ?? '';
    const label = c[1] ?? '';
    const original = c[8] ?? '';
    if (code || label) out.push(this.coding(code, label || original, c[2]?.trim() ?? ''));
    const altCode = c[3]?.trim() ?? '';
    const altLabel = c[4] ?? '';
    if (altCode || altLabel) out.push(this.coding(altCode, altLabel, c[5]?.trim() ?? ''));
    if (out.length === before && original) out.push(this.coding('', original, ''));
    return out;
  }

  private coding(code: string, label: string, system: string): Coding {
    return { code: this.names.get(code), label: this.names.get(label), system: this.names.get(system) };
  }

  /** `text` when it can be an identifier; else undefined, with a warning naming the field. */
  id(text: string, seg: Segment, field: string): string | undefined {
    const t = text.trim();
    const why = t && notAnIdentifier(t);
    if (why) this.warn(seg, field, `not an identifier (${why}): left out`);
    return t && !why ? t : undefined;
  }

  /** An HL7 timestamp (TS/DTM, first component) as ISO 8601; undefined (with a warning) when unreadable. */
  time(seg: Segment, n: number, c = 1, s = 1): DateTime | undefined {
    const t = this.get(seg, n, c, s).trim();
    if (t === '') return undefined;
    // The field name is built only for a warning: this runs for several fields of every OBR and OBX.
    const iso = this.timestamps.get(t);
    return iso === undefined ? this.timeOf(t, seg, name(seg, n, c, s)) : iso;
  }

  timeOf(t: string, seg: Segment, field: string): DateTime | undefined {
    if (t === '') return undefined;
    const iso = this.timestamps.get(t);
    if (iso === undefined && impossibleDate(t)) throw new InputError({ file: this.file, line: seg.no, field }, IMPOSSIBLE_DATE);
    if (iso === undefined) this.warn(seg, field, 'not an HL7 date/time (ignored)');
    return iso;
  }
}

/** `OBX-5`, `PID-5.2`, `OBR-32.1.2`: how a technician finds a field. */
export function name(seg: Segment, n: number, c = 1, s = 1): string {
  return `${seg.id}-${n}${c > 1 || s > 1 ? `.${c}` : ''}${s > 1 ? `.${s}` : ''}`;
}
