/**
 * LabReport date-times (ISO at the source's precision, lab-local when no offset) → HL7 TS.
 * CDA wants the time zone on every time-of-day value; local times get the offset the lab's
 * IANA zone had at that moment (DST-correct through Intl), so 09:00 in January is +0100 and
 * 09:00 in July is +0200. Dates without a time stay dates (YYYYMMDD, no offset).
 */

const ISO = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset in minutes of `timeZone` at the UTC instant `utcMs`. */
function offsetAt(utcMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(utcMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60000);
}

/** Offset (minutes) of a wall-clock time in `timeZone` (two passes: exact away from transitions; in the autumn overlap the later occurrence). */
const offsets = new Map<string, number>();
export function localOffset(y: number, mo: number, d: number, h: number, mi: number, s: number, timeZone: string): number {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const key = `${timeZone}|${wall}`;
  let o = offsets.get(key);
  if (o === undefined) {
    o = offsetAt(wall - offsetAt(wall, timeZone) * 60000, timeZone);
    // Reports repeat the same few times; the cache is bounded so a long-running daemon stays small.
    if (offsets.size > 10_000) offsets.clear();
    offsets.set(key, o);
  }
  return o;
}

function fmtOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

/** ISO date-time → HL7 TS (`20240104073500+0100`, `202401040735+0100`, `20240104`); throws on a malformed value. */
export function hl7Time(iso: string, timeZone: string): string {
  const m = ISO.exec(iso.trim());
  if (!m) throw new Error(`not an ISO date-time: ${JSON.stringify(iso)}`);
  const [, y, mo, d, h, mi, s, zone] = m;
  const date = `${y}${mo ?? ''}${d ?? ''}`;
  if (h === undefined || mi === undefined) return date;
  const time = `${date}${h}${mi}${s ?? ''}`;
  let offset: number;
  if (zone === 'Z') offset = 0;
  else if (zone) {
    const z = zone.replace(':', '');
    offset = (z[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5)));
  } else offset = localOffset(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s ?? 0), timeZone);
  return time + fmtOffset(offset);
}

/** French display of a date-time for the narrative: `04/01/2024 07:35` or `04/01/2024`. */
export function frenchTime(iso: string): string {
  const m = ISO.exec(iso.trim());
  if (!m) return iso;
  const [, y, mo, d, h, mi] = m;
  const date = d && mo ? `${d}/${mo}/${y}` : mo ? `${mo}/${y}` : `${y}`;
  return h !== undefined && mi !== undefined ? `${date} ${h}:${mi}` : date;
}

/** ISO date-time → UTC `YYYYMMDDHHMMSS` (XDS metadata times); a date alone stays `YYYYMMDD`. */
export function utcTime(iso: string, timeZone: string): string {
  const ts = hl7Time(iso, timeZone);
  const m = /^(\d{8})(\d{2})(\d{2})(\d{2})?([+-])(\d{2})(\d{2})$/.exec(ts);
  if (!m) return ts;
  const [, date, h, mi, s, sign, oh, om] = m;
  const local = Date.UTC(Number(date!.slice(0, 4)), Number(date!.slice(4, 6)) - 1, Number(date!.slice(6, 8)), Number(h), Number(mi), Number(s ?? 0));
  const utc = new Date(local - (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${utc.getUTCFullYear()}${p2(utc.getUTCMonth() + 1)}${p2(utc.getUTCDate())}${p2(utc.getUTCHours())}${p2(utc.getUTCMinutes())}${p2(utc.getUTCSeconds())}`;
}
