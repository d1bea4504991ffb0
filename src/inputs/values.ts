import type { DateTime, Flag, Range, Value } from '../model/labreport.types.js';

/**
 * Value, range, flag and time spellings shared by every input format. They never guess: text that is
 * not clearly a number stays text, exactly as written.
 */

const DECIMAL = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;

/** `12,5` → `12.5`; keeps every digit (trailing zeros included). Undefined when not a plain decimal. */
export function decimal(text: string): string | undefined {
  const t = text.trim();
  return DECIMAL.test(t) ? t.replace(',', '.') : undefined;
}

const COMPARATOR = /^(<=|>=|≤|≥|<|>)\s*(.+)$/;

/**
 * A result value as written: `5.40`, `<0.12`, `> 60`, `12,5`, `Limpide`. A numeric value with a flag glued
 * to it (`85*`) stays text: the caller decides whether the glyph is a known flag convention.
 */
export function parseValue(text: string): Value {
  const t = text.trim();
  if (t === '' || t === '""') return { kind: 'none' };
  const d = decimal(t);
  if (d !== undefined) return { kind: 'numeric', value: d };
  const c = COMPARATOR.exec(t);
  if (c) {
    const v = decimal(c[2]!);
    if (v !== undefined) return { kind: 'numeric', value: v, comparator: normaliseComparator(c[1]!) };
  }
  return { kind: 'text', text: t };
}

function normaliseComparator(c: string): '<' | '<=' | '>' | '>=' {
  return c === '≤' ? '<=' : c === '≥' ? '>=' : (c as '<' | '<=' | '>' | '>=');
}

// Compiled once: parseRange runs for every result of files that can hold millions of them.
const NUM = String.raw`([+-]?\d+(?:[.,]\d*)?|[.,]\d+)`;
const RANGE_TWO = new RegExp(String.raw`^${NUM}\s*(?:-|–|à|a|to|_|\.\.|/)\s*${NUM}$`, 'i');
const RANGE_ONE = new RegExp(String.raw`^(<=|>=|≤|≥|<|>|inf\.?\s*(?:à)?|sup\.?\s*(?:à)?)\s*${NUM}$`, 'i');

/**
 * A reference range in the usual spellings: `10 - 40`, `10-40`, `10 à 40`, `4.3 to 6.2`, `70_105`,
 * `< 5`, `<0.50`, `> 60`, `<= 5`. The text is always kept; low/high only when unambiguous.
 */
export function parseRange(text: string): Range | undefined {
  const t = text.trim();
  if (t === '' || t === '""') return undefined;
  // Each shape is one literal: no property store added afterwards (millions of results keep these).
  const two = RANGE_TWO.exec(t);
  if (two) return { text: t, low: decimal(two[1]!)!, high: decimal(two[2]!)! };
  const one = RANGE_ONE.exec(t);
  if (!one) return { text: t };
  const op = one[1]!.toLowerCase();
  const v = decimal(one[2]!)!;
  return op.startsWith('<') || op === '≤' || op.startsWith('inf') ? { text: t, high: v } : { text: t, low: v };
}

/** A fresh copy of a parsed range (memoised ranges are shared; each result gets its own object). */
export function copyRange(r: Range): Range {
  if (r.low !== undefined) return r.high !== undefined ? { text: r.text!, low: r.low, high: r.high } : { text: r.text!, low: r.low };
  return r.high !== undefined ? { text: r.text!, high: r.high } : { text: r.text! };
}

/** Both bounds given separately (HPRIM Médecin RES fields, JSON); empty strings mean "no bound". */
export function rangeFromBounds(low: string, high: string): Range | undefined {
  const l = decimal(low);
  const h = decimal(high);
  if (l === undefined && h === undefined) {
    const text = [low.trim(), high.trim()].filter(Boolean).join(' - ');
    return text ? { text } : undefined;
  }
  const range: Range = {};
  if (l !== undefined) range.low = l;
  if (h !== undefined) range.high = h;
  range.text = l !== undefined && h !== undefined ? `${low.trim()} - ${high.trim()}` : l !== undefined ? `> ${low.trim()}` : `< ${high.trim()}`;
  return range;
}

const FLAGS: ReadonlySet<string> = new Set(['N', 'L', 'H', 'LL', 'HH', '<', '>', 'A', 'AA', 'S', 'R', 'I', 'POS', 'NEG', 'U', 'D', 'B', 'W']);
const FLAG_SYNONYMS: Record<string, Flag> = { '+': 'H', '-': 'L', '++': 'HH', '--': 'LL', '*': 'A', B: 'L', 'BAS': 'L', 'HAUT': 'H' };

/** The flag as written, when the coded flag does not say it the same way (`*`, `+`, a lab's own letter). */
export function flagAsWritten(text: string, flag: Flag | undefined): string | undefined {
  const t = text.trim();
  return t && t !== '""' && t.toUpperCase() !== flag ? t : undefined;
}

/** An abnormal flag (HL7 table 0078 and the usual French LIS spellings); undefined when empty or unknown. */
export function parseFlag(text: string): Flag | undefined {
  const t = text.trim().toUpperCase();
  if (t === '' || t === '""') return undefined;
  if (FLAGS.has(t)) return t as Flag;
  return FLAG_SYNONYMS[t];
}

/**
 * HL7/HPRIM timestamps `YYYY[MM[DD[HHMM[SS[.S+]]]]][+/-ZZZZ]` → ISO 8601 at the same precision.
 * Undefined when the text is not such a timestamp (the caller warns; it never guesses).
 */
export function parseTimestamp(text: string): DateTime | undefined {
  const t = text.trim();
  const m = /^(\d{4})(\d{2})?(\d{2})?(?:(\d{2})(\d{2})(?:(\d{2})(\.\d+)?)?)?([+-]\d{4})?$/.exec(t);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  if (mo && (Number(mo) < 1 || Number(mo) > 12)) return undefined;
  if (d && (Number(d) < 1 || Number(d) > daysIn(Number(y), Number(mo)))) return undefined;
  if (h && (Number(h) > 23 || Number(mi) > 59 || (s !== undefined && Number(s) > 59))) return undefined;
  let out = y!;
  if (mo) out += `-${mo}`;
  if (d) out += `-${d}`;
  if (h && d) out += `T${h}:${mi}` + (s ? `:${s}${frac ?? ''}` : '');
  if (tz && h && d) out += `${tz.slice(0, 3)}:${tz.slice(3)}`;
  return out;
}

/**
 * Whether a date written in a date field is shaped like a date but names no day of the calendar
 * (`20261345`, `2026-13-45`, `31/02/2024`, `202401012575`): such a value is not a typo to leave out
 * but a sign the export is damaged, so the file is quarantined naming the field.
 */
export const IMPOSSIBLE_DATE = 'a date that does not exist in the calendar (month, day or time out of range): the export is damaged';

export function impossibleDate(text: string): boolean {
  const t = text.trim();
  const m = /^(\d{4})-?(\d{2})?-?(\d{2})?(?:T?(\d{2}):?(\d{2})(?::?(\d{2})(?:\.\d+)?)?)?(?:[+-]\d{2}:?\d{2}|Z)?$/.exec(t)
    ?? frenchAsIso(t);
  if (!m) return false;
  const [, y, mo, d, h, mi, s] = m;
  // `00000000`, `19800000`: an unknown month or day spelled with zeros, not a damaged date.
  if (mo === '00' && (d === undefined || d === '00')) return false;
  if (mo !== undefined && (Number(mo) < 1 || Number(mo) > 12)) return true;
  if (d !== undefined && (Number(d) < 1 || Number(d) > daysIn(Number(y), Number(mo)))) return true;
  return h !== undefined && (Number(h) > 23 || Number(mi) > 59 || (s !== undefined && Number(s) > 59));
}

function frenchAsIso(t: string): (string | undefined)[] | null {
  const f = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(t);
  return f && [t, f[3], f[2], f[1]];
}

function daysIn(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const MAX_ID_LENGTH = 64;

/**
 * Why a text cannot be an identifier (an IPP, a request number): spaces inside it, more than 64
 * characters, control characters. A fixed-width routing record or a free-text line is never an id.
 * Undefined when it can be one.
 */
export function notAnIdentifier(id: string): string | undefined {
  if (id.length > MAX_ID_LENGTH) return `${id.length} characters (at most ${MAX_ID_LENGTH})`;
  if (/[\x00-\x1F\x7F-\x9F]/.test(id)) return 'control characters';
  if (/\s/.test(id)) return 'spaces inside';
  return undefined;
}

/**
 * A bounded memo for the pure text → value functions above, one per file being parsed: big files repeat
 * the same dates, ranges and units, so each spelling is parsed once and its strings are stored once.
 */
export class Memo<T> {
  private readonly map = new Map<string, T>();
  constructor(private readonly fn: (text: string) => T, private readonly max = 4096) {}

  get(text: string): T {
    const v = this.map.get(text);
    if (v !== undefined || this.map.has(text)) return v as T;
    const computed = this.fn(text);
    if (this.map.size >= this.max) this.map.clear();
    this.map.set(text, computed);
    return computed;
  }
}

/** French dates `JJ/MM/AAAA` (HPRIM Médecin header) → `AAAA-MM-JJ`. */
export function parseFrenchDate(text: string): DateTime | undefined {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text.trim());
  if (!m) return undefined;
  const [, d, mo, y] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > daysIn(Number(y), Number(mo))) return undefined;
  return `${y}-${mo}-${d}`;
}
