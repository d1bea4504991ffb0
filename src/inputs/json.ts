import { labReportProblems } from '../model/validate.js';
import type { LabReport } from '../model/labreport.types.js';
import { InputError, type ParseOptions, type ParseResult } from './types.js';

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
    const report = item as LabReport;
    reports.push({ ...report, source: { ...report.source, format: 'json', file: opts.file } });
  });
  return { format: 'json', charset: 'utf-8', reports, warnings: [], holds: [] };
}
