import { labReportProblems, labReportSchema } from '../model/validate.js';
import type { LabReport } from '../model/labreport.types.js';
import { InputError, type ParseOptions, type ParseResult } from './types.js';
import { IMPOSSIBLE_DATE, impossibleDate } from './values.js';

/** Property names the schema types as DateTime: its pattern checks the shape, not the calendar. */
const DATE_KEYS: ReadonlySet<string> = new Set(Object.values(labReportSchema.$defs).flatMap((d) =>
  Object.entries((d as { properties?: Record<string, { $ref?: string }> }).properties ?? {})
    .filter(([, p]) => p.$ref === '#/$defs/DateTime').map(([k]) => k)));

/** JSON pointer of the first DateTime that names no day of the calendar (`2026-13-45`). */
function impossibleDateAt(value: unknown, pointer: string): string | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) { const at = impossibleDateAt(value[i], `${pointer}/${i}`); if (at) return at; }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' ? DATE_KEYS.has(k) && impossibleDate(v) : false) return `${pointer}/${k}`;
      const at = impossibleDateAt(v, `${pointer}/${k}`);
      if (at) return at;
    }
  }
  return undefined;
}

/** labmss JSON export: one LabReport or an array of them. */
export function parseJson(text: string, opts: ParseOptions): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
    // V8's message quotes the text around the error: the reason says where, never what.
    const column = /column (\d+)/.exec(msg)?.[1];
    throw new InputError({ file: opts.file, line }, `not valid JSON: ${/end of (JSON|data) input/i.test(msg) ? 'the text ends too early' : 'syntax error'}${column ? ` at column ${column}` : ''}`);
  }
  const items = Array.isArray(value) ? value : [value];
  const reports: LabReport[] = [];
  items.forEach((item, i) => {
    const base = Array.isArray(value) ? `/${i}` : '';
    const problems = labReportProblems(item);
    if (problems.length) {
      const p = problems[0]!;
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
      throw new InputError({ file: opts.file, field: `${base}${p.pointer === '/' ? '' : p.pointer}` || '/' }, `${p.message}${more}`);
    }
    const badDate = impossibleDateAt(item, base);
    if (badDate) throw new InputError({ file: opts.file, field: badDate }, IMPOSSIBLE_DATE);
    const report = item as LabReport;
    reports.push({ ...report, source: { ...report.source, format: 'json', file: opts.file } });
  });
  return { format: 'json', charset: 'utf-8', reports, warnings: [], holds: [] };
}
