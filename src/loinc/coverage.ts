// How far a lab is from full stage 2: the share of results that get a LOINC code, and the local
// codes that do not, most frequent first (what to add to the lab's mapping file next).

import type { LabReport, Result } from '../model/labreport.types.js';
import type { Catalog } from './catalog.js';
import { resolveLoinc, type LoincMapping } from './mapping.js';

export interface Coverage {
  total: number;
  mapped: number;
  /** mapped / total, 0 when there is no result. */
  share: number;
  unmapped: Array<{ code: string; label: string; count: number }>;
}

/** Counts every result of every battery and isolate. Pure: the catalog is read by the caller's
 * first resolve (or passed in). */
export function coverage(reports: LabReport[], mapping?: LoincMapping, catalog?: Catalog): Coverage {
  let total = 0;
  let mapped = 0;
  const missing = new Map<string, { code: string; label: string; count: number }>();
  const count = (result: Result, section: string) => {
    total++;
    if (resolveLoinc(result, mapping, { section, ...(catalog ? { catalog } : {}) })) {
      mapped++;
      return;
    }
    const key = result.code.trim().toUpperCase();
    const seen = missing.get(key);
    if (seen) seen.count++;
    else missing.set(key, { code: result.code.trim(), label: result.label, count: 1 });
  };
  for (const report of reports) {
    for (const chapter of report.chapters) {
      const section = chapter.loinc ?? chapter.code ?? chapter.label;
      for (const battery of chapter.batteries) {
        for (const result of battery.results) count(result, section);
        for (const isolate of battery.isolates ?? []) for (const result of isolate.results ?? []) count(result, section);
      }
    }
  }
  const unmapped = [...missing.values()].sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { total, mapped, share: total ? mapped / total : 0, unmapped };
}
