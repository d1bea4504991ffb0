import type { DateTime, Flag, Ins, Patient, Practitioner, Quantity, Range, Value } from '../../model/labreport.types.js';

/**
 * French spellings of LabReport values for the printed report. Values are printed exactly as the lab
 * wrote them: decimals are never reformatted, flags are never computed from ranges.
 */

const ISO = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/;

interface Parts {
  y: string;
  mo?: string;
  d?: string;
  h?: string;
  mi?: string;
}

/** Wall-clock parts of an instant in an IANA zone (Intl only: no clock, no locale data from disk). */
const formatters = new Map<string, Intl.DateTimeFormat>();

function zoned(epochMs: number, timezone: string): Required<Parts> {
  let fmt = formatters.get(timezone);
  if (!fmt) {
    fmt = makeFormatter(timezone);
    formatters.set(timezone, fmt);
  }
  const p: Record<string, string> = {};
  for (const part of fmt.formatToParts(new Date(epochMs))) p[part.type] = part.value;
  return { y: p.year!, mo: p.month!, d: p.day!, h: p.hour!, mi: p.minute! };
}

function makeFormatter(timezone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

function offsetMs(tz: string): number {
  if (tz === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(tz)!;
  const v = (Number(m[2]) * 60 + Number(m[3])) * 60_000;
  return m[1] === '-' ? -v : v;
}

/** Lab-local wall-clock parts: a time with an offset is shown in the lab's zone, one without as written. */
function localParts(dt: DateTime, timezone: string): Parts | undefined {
  const m = ISO.exec(dt.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, tz] = m;
  if (tz && h) {
    const utc = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi!, +(s ?? 0)) - offsetMs(tz);
    return zoned(utc, timezone);
  }
  return { y: y!, mo, d, h, mi };
}

/** `2024-03-05T08:30` → `05/03/2024 à 08:30`; `2024-03` → `03/2024`; unparseable text is printed as is. */
export function frDateTime(dt: DateTime | undefined, timezone: string): string {
  if (!dt) return '';
  const p = localParts(dt, timezone);
  if (!p) return dt;
  const date = p.d ? `${p.d}/${p.mo}/${p.y}` : p.mo ? `${p.mo}/${p.y}` : p.y;
  return p.h ? `${date} à ${p.h}:${p.mi}` : date;
}

/** The date only (birth dates, previous results). */
export function frDate(dt: DateTime | undefined, timezone: string): string {
  if (!dt) return '';
  const p = localParts(dt, timezone);
  if (!p) return dt;
  return p.d ? `${p.d}/${p.mo}/${p.y}` : p.mo ? `${p.mo}/${p.y}` : p.y;
}

/**
 * The instant a report time stands for, for the PDF's CreationDate. A time without an offset is lab-local:
 * its UTC offset in `timezone` is found from Intl (twice, so a time near a DST change settles).
 */
export function toInstant(dt: DateTime, timezone: string): Date | undefined {
  const m = ISO.exec(dt.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, tz] = m;
  const wall = Date.UTC(+y!, +(mo ?? 1) - 1, +(d ?? 1), +(h ?? 0), +(mi ?? 0), +(s ?? 0));
  if (tz) return new Date(wall - offsetMs(tz));
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const z = zoned(guess, timezone);
    const asUtc = Date.UTC(+z.y, +z.mo - 1, +z.d, +z.h, +z.mi, +(s ?? 0));
    guess = wall - (asUtc - guess);
  }
  return new Date(guess);
}

const COMPARATORS: Record<string, string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥' };

/** A value as printed: `5.40`, `< 0.12`, the text, the coded label; `—` (or the reason) when none. */
export function frValue(v: Value): string {
  switch (v.kind) {
    case 'numeric':
      return v.comparator ? `${COMPARATORS[v.comparator]} ${v.value}` : v.value;
    case 'text':
      return v.text;
    case 'coded':
      return v.label ?? v.code;
    case 'none':
      return v.reason ?? '—';
  }
}

/** A reference range as written by the lab when it gave the text, else built from its bounds. */
export function frRange(r: Range | undefined): string {
  if (!r) return '';
  if (r.text) return r.text;
  if (r.low !== undefined && r.high !== undefined) return `${r.low} – ${r.high}`;
  if (r.high !== undefined) return `≤ ${r.high}`;
  if (r.low !== undefined) return `≥ ${r.low}`;
  return '';
}

/** A quantity with its unit: `0.97 g/L`. */
export function frQuantity(q: Quantity): string {
  return q.unit ? `${frValue(q.value)} ${q.unit}` : frValue(q.value);
}

/** Flags that mean "outside the reference range": printed in bold with their flag text. */
const ABNORMAL: ReadonlySet<Flag> = new Set(['L', 'H', 'LL', 'HH', '<', '>', 'A', 'AA']);

export function isAbnormal(flag: Flag | undefined): boolean {
  return flag !== undefined && ABNORMAL.has(flag);
}

/** The flag column: H/L/HH/LL as is, `*`/`**` for abnormal without direction, nothing for normal. */
export function flagText(flag: Flag | undefined): string {
  if (flag === undefined || flag === 'N') return '';
  if (flag === 'A') return '*';
  if (flag === 'AA') return '**';
  return flag;
}

export const FLAG_LEGEND =
  'H : supérieur aux valeurs de référence · L : inférieur · HH / LL : très supérieur / très inférieur · * : anormal · ** : très anormal';

export function frSex(sex: Patient['sex']): string {
  return sex === 'M' ? 'Masculin' : sex === 'F' ? 'Féminin' : sex === 'U' ? 'Indéterminé' : '';
}

/** `Né le` / `Née le` / `Né(e) le`. */
export function bornLabel(sex: Patient['sex']): string {
  return sex === 'M' ? 'Né le' : sex === 'F' ? 'Née le' : 'Né(e) le';
}

const INS_KIND: Record<Ins['oid'], string> = {
  '1.2.250.1.213.1.4.8': 'NIR',
  '1.2.250.1.213.1.4.9': 'NIA',
  '1.2.250.1.213.1.4.10': 'NIR test',
  '1.2.250.1.213.1.4.11': 'NIA test',
};

/** `1 60 02 75 123 456 78 (NIR) — qualifiée`: the identity status must be visible to the reader. */
export function frIns(ins: Ins): string {
  return `${ins.value} (${INS_KIND[ins.oid]}) — ${ins.qualified ? 'qualifiée' : 'non qualifiée'}`;
}

export { practitionerName } from '../names.js';

/** Identifiers after the name: `RPPS 10001234567`. */
export function practitionerIds(p: Practitioner): string {
  const ids: string[] = [];
  if (p.rpps) ids.push(`RPPS ${p.rpps}`);
  else if (p.adeli) ids.push(`ADELI ${p.adeli}`);
  return ids.join(' · ');
}

const RESULT_STATUS: Record<string, string> = {
  preliminary: 'Résultat provisoire',
  corrected: 'Résultat corrigé',
  cancelled: 'Résultat annulé',
};

export function resultStatusText(status: string | undefined): string {
  return (status && RESULT_STATUS[status]) || '';
}

export const INTERPRETATION: Record<string, string> = {
  S: 'Sensible',
  I: 'Intermédiaire',
  R: 'Résistant',
  SDD: 'Sensible dose-dépendant',
  NS: 'Non sensible',
};
