import { createHash } from 'node:crypto';
import type { LabReport } from '../model/labreport.types.js';
import type { ParseResult } from './types.js';

/**
 * The same report written several times in one file (a LIS that re-exports its queue, a batch
 * concatenated with itself) is one report: each copy would otherwise become a new version and new
 * messages to the doctor. Identical means everything but where it stands (line, message id).
 * Keeps the first copy, warns once per collapsed report, and points holds at the copy kept.
 */
export function collapseIdentical(parsed: ParseResult, file: string): ParseResult {
  if (parsed.reports.length < 2) return parsed;
  const firstByKey = new Map<string, number>();
  const keptIndex: number[] = [];
  const reports: LabReport[] = [];
  const copies = new Map<number, number[]>();
  parsed.reports.forEach((report, i) => {
    const key = contentKey(report);
    const first = firstByKey.get(key);
    if (first === undefined) {
      firstByKey.set(key, reports.length);
      keptIndex[i] = reports.length;
      reports.push(report);
      return;
    }
    keptIndex[i] = first;
    const lines = copies.get(first) ?? [];
    lines.push(report.source?.line ?? 0);
    copies.set(first, lines);
  });
  if (!copies.size) return parsed;
  const warnings = [...parsed.warnings];
  for (const [index, lines] of copies) {
    const line = reports[index]!.source?.line;
    warnings.push({ file, ...(line !== undefined ? { line } : {}), message: `the same report is repeated ${lines.length} more time(s) in the file (line(s) ${lines.slice(0, 5).join(', ')}${lines.length > 5 ? ', …' : ''}): sent once` });
  }
  const seen = new Set<string>();
  const holds = parsed.holds.flatMap((h) => {
    const moved = h.report === undefined ? h : { ...h, report: keptIndex[h.report]! };
    const key = JSON.stringify(moved);
    if (seen.has(key)) return [];
    seen.add(key);
    return [moved];
  });
  return { ...parsed, reports, warnings, holds };
}

function contentKey(report: LabReport): string {
  const { line: _line, messageId: _messageId, ...source } = report.source ?? { format: 'json' as const };
  return createHash('sha256').update(JSON.stringify({ ...report, source })).digest('base64');
}
