// `labmss loinc suggest`: a draft of the lab's mapping file for its biologist to review. labmss never
// sends a catalog guess on its own (loinc.catalogAliases is off by default); here it lists each local
// code the lab's results carry without a validated LOINC code, with what the catalog would propose and
// why, as commented-out rows: only the rows the biologist un-comments are ever loaded.

import type { LabReport, Result } from '../model/labreport.types.js';
import { loadCatalog, type Catalog, type CatalogEntry } from './catalog.js';
import { resolveLoinc, type LoincMapping } from './mapping.js';
import { toUcum } from './ucum.js';

export interface Suggestion {
  code: string;
  label: string;
  /** The unit as the lab writes it ('' when none). */
  unit: string;
  /** Results seen with this code and unit. */
  count: number;
  /** The proposed code and its catalog label; absent when the catalog has nothing that fits. */
  loinc?: string;
  loincLabel?: string;
  why: string;
}

/** Words that change what is measured: a label with one and a proposal without it (or the reverse) needs a look. */
const QUALIFIERS = ['jeun', 'urin', 'capillaire', 'total', 'libre', 'sang', 'lcr', '24'];

/**
 * Every (local code, unit) that no validated source codes (a LOINC in the input or the lab's mapping),
 * most frequent first, with the catalog's proposal. Pure: the catalog is passed in or the shipped one.
 */
export function suggestMapping(reports: LabReport[], mapping?: LoincMapping, catalog: Catalog = loadCatalog()): Suggestion[] {
  const validated = mapping ? { ...mapping, catalogAliases: false } : undefined;
  const seen = new Map<string, Suggestion>();
  const visit = (r: Result) => {
    if (resolveLoinc(r, validated, { catalog })) return;
    const code = r.code.trim();
    const unit = r.unit?.trim() ?? '';
    const key = `${code.toUpperCase()}\u0000${unit}`;
    const s = seen.get(key);
    if (s) { s.count++; return; }
    seen.set(key, { code, label: r.label.trim(), unit, count: 1, ...propose(code, r.label, unit, catalog) });
  };
  for (const report of reports) {
    for (const b of report.chapters.flatMap((c) => c.batteries)) {
      b.results.forEach(visit);
      for (const i of b.isolates ?? []) (i.results ?? []).forEach(visit);
    }
  }
  return [...seen.values()].sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : a.code > b.code ? 1 : a.unit < b.unit ? -1 : 1));
}

function propose(code: string, label: string, unit: string, catalog: Catalog): Pick<Suggestion, 'loinc' | 'loincLabel' | 'why'> {
  const candidates = catalog.byAlias.get(code.toUpperCase()) ?? [];
  if (!candidates.length) return { why: 'no catalog entry uses this local code: find the LOINC code with the biologist' };
  const ucum = unit ? toUcum(unit)?.ucum : undefined;
  const fitting = candidates.filter((e) => e.ucum === ucum);
  const list = candidates.map((e) => `${e.loinc} (${e.ucum ?? 'no unit'})`).join(', ');
  if (fitting.length !== 1) {
    return { why: `the catalog has ${list} for this local code; ${fitting.length ? 'several fit' : 'none fits'} the unit ${unit || '(none)'}: choose with the biologist` };
  }
  const entry = fitting[0]!;
  const caution = qualifierMismatch(label, entry);
  return {
    loinc: entry.loinc,
    loincLabel: entry.label,
    why: `catalog alias of ${entry.loinc} with the same unit (${entry.ucum ?? 'none'})${caution ? `; CAUTION: ${caution}` : ''}`,
  };
}

function qualifierMismatch(label: string, entry: CatalogEntry): string | undefined {
  const words = (t: string) => new Set(QUALIFIERS.filter((q) => fold(t).includes(q)));
  const mine = words(label);
  const theirs = words(entry.label);
  const differ = [...new Set([...mine, ...theirs])].filter((q) => mine.has(q) !== theirs.has(q));
  return differ.length ? `the lab's label and the LOINC label differ on « ${differ.join(' », « ')} »: it may be another test` : undefined;
}

function fold(t: string): string {
  return t.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/**
 * The draft file: loadable as it is by loadMapping (every proposal is a comment), each code described
 * on the comment line above its row. The biologist un-comments (or corrects) the rows he validates.
 */
export function draftMappingCsv(suggestions: Suggestion[], about: { date: string; reports: number }): string {
  const lines = [
    `# labmss loinc suggest, ${about.date}, from ${about.reports} report(s): a DRAFT. Nothing in it is validated.`,
    '# For each local code, check the proposal against the lab\'s technique, specimen and unit, then remove the "#"',
    '# in front of its local_code,loinc row (or write the right LOINC code). Rows left commented are never used.',
    '# Load the reviewed file with the configuration key loinc.mapping.',
    'local_code,loinc',
  ];
  for (const s of suggestions) {
    const proposal = s.loinc ? `proposed ${s.loinc} « ${s.loincLabel} »` : 'no proposal';
    lines.push(comment(`# ${s.code} « ${s.label} », unit ${s.unit || '(none)'}, ${s.count} result(s): ${proposal}. Why: ${s.why}`));
    lines.push(comment(`#${csvField(s.code)},${s.loinc ?? ''}`));
  }
  return `${lines.join('\n')}\n`;
}

/** A comment line that a CSV reader takes as one field starting with `#` (quoted when it holds a quote or a line end). */
function comment(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  return /["]/.test(flat) ? `"${flat.replace(/"/g, '""')}"` : flat;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
