// The lab's own mapping file (local code → LOINC, optionally a unit conversion) and the resolution
// of a result's LOINC code. Order: LOINC written in the input > lab mapping > catalog alias on the
// local code (only when the lab turned loinc.catalogAliases on). Never a match on the label: a wrong
// LOINC code is worse than none.

import { loadCatalog, type Catalog, type CatalogEntry } from './catalog.js';
import { isValidLoinc } from './check-digit.js';
import { CHAPTERS, chapterFor, type Chapter } from './chapters.js';
import { parseCsv } from './csv.js';
import { isDecimal, multiplyDecimal } from './decimal.js';
import { toUcum } from './ucum.js';

export interface MappingEntry {
  localCode: string;
  loinc: string;
  /** Convert the local value: value × factor is in `ucum` (both present or both absent). */
  conversion?: Conversion;
  /** Where the row is, for messages. */
  line: number;
}

export interface Conversion {
  /** Decimal string, applied exactly by convertValue. */
  factor: string;
  /** Target unit, UCUM. */
  ucum: string;
}

export interface LoincMapping {
  file: string;
  /** Upper-cased local code → entry. */
  byCode: Map<string, MappingEntry>;
  /** Also code results by the catalog's usual local codes (config loinc.catalogAliases). Off unless the
   * lab asks: an alias names a test the lab's biologist never validated (`GLY` may be fasting or not). */
  catalogAliases?: boolean;
}

export interface LoincMatch {
  loinc: string;
  /** French CR-BIO label (the catalog's; the local label when the code is not in the catalog). */
  label: string;
  /** UCUM unit the coded value carries: the converted unit, else the input unit in UCUM form,
   * else the catalog's. */
  ucum?: string;
  chapter: Chapter;
  source: 'input' | 'lab-mapping' | 'catalog-alias';
  /** Present when the lab mapping asks for a conversion: code the converted value (convertValue)
   * and keep the original value and unit beside it in the narrative. */
  conversion?: Conversion;
}

export interface ResultRef {
  code: string;
  label: string;
  loinc?: string;
  unit?: string;
}

export interface ResolveContext {
  /** Chapter (section) code or label the result sits in: the fallback chapter for a LOINC code
   * the catalog does not know. */
  section?: string;
  /** Catalog to use instead of the shipped one (tests). */
  catalog?: Catalog;
}

const HEADER = ['local_code', 'loinc', 'unit', 'factor'];

/** Parses a lab mapping file: `local_code,loinc[,unit,factor]`, optional header line, `#` comments.
 * Throws an Error naming file, line and field at the first defect. */
export function loadMapping(csvText: string, file: string): LoincMapping {
  const mapping: LoincMapping = { file, byCode: new Map() };
  for (const { line, fields } of parseCsv(csvText, file)) {
    const cells = fields.map((f) => f.trim());
    if (cells[0]?.startsWith('#')) continue;
    if (cells[0]?.toLowerCase() === HEADER[0] && mapping.byCode.size === 0) continue;
    while (cells.length > 2 && cells[cells.length - 1] === '') cells.pop();
    const at = (field: string) => `${file}:${line}: ${field}`;
    if (cells.length !== 2 && cells.length !== 4) {
      throw new Error(`${at('row')} has ${cells.length} fields; expected local_code,loinc or local_code,loinc,unit,factor`);
    }
    const [localCode, loinc, unit, factor] = cells as [string, string, string?, string?];
    if (!localCode) throw new Error(`${at('local_code')} is empty`);
    if (!isValidLoinc(loinc)) throw new Error(`${at('loinc')} ${JSON.stringify(loinc)} is not a valid LOINC code (format NNNNN-C, check digit)`);
    const key = localCode.toUpperCase();
    const previous = mapping.byCode.get(key);
    if (previous) throw new Error(`${at('local_code')} ${JSON.stringify(localCode)} is already mapped on line ${previous.line}`);
    const entry: MappingEntry = { localCode, loinc, line };
    if (cells.length === 4) {
      if (!unit) throw new Error(`${at('unit')} is empty although a factor is given`);
      if (!factor || !isDecimal(factor) || !/[1-9]/.test(factor) || factor.startsWith('-')) {
        throw new Error(`${at('factor')} ${JSON.stringify(factor ?? '')} is not a positive decimal (point as separator)`);
      }
      const target = toUcum(unit)!;
      if (!target.known) throw new Error(`${at('unit')} ${JSON.stringify(unit)} is not a UCUM unit of the ANS list`);
      entry.conversion = { factor, ucum: target.ucum };
    }
    mapping.byCode.set(key, entry);
  }
  return mapping;
}

/**
 * The LOINC rules the configuration asks for: the lab's mapping file (read here) and whether catalog
 * aliases apply; undefined when neither. Throws an Error naming the file and line of a bad row.
 */
export function mappingFromConfig(loinc: { mapping?: string; catalogAliases?: boolean }, read: (file: string) => string): LoincMapping | undefined {
  const mapping = loinc.mapping ? loadMapping(read(loinc.mapping), loinc.mapping) : undefined;
  if (!loinc.catalogAliases) return mapping;
  return { ...(mapping ?? { file: '', byCode: new Map() }), catalogAliases: true };
}

/** The converted value of a result whose match carries a conversion (exact decimal product). */
export function convertValue(value: string, conversion: Conversion): string {
  return multiplyDecimal(value, conversion.factor);
}

/** The LOINC code of a result, or undefined when nothing trustworthy names it. */
export function resolveLoinc(result: ResultRef, mapping?: LoincMapping, context: ResolveContext = {}): LoincMatch | undefined {
  const catalog = context.catalog ?? loadCatalog();
  const inputUcum = result.unit?.trim() ? toUcum(result.unit)?.ucum : undefined;
  const fallbackChapter = (context.section && chapterFor(context.section)) || CHAPTERS.laboratory;

  const fromCode = (loinc: string, source: LoincMatch['source'], conversion?: Conversion): LoincMatch => {
    const entry = catalog.byLoinc.get(loinc);
    const ucum = conversion?.ucum ?? inputUcum ?? entry?.ucum;
    return {
      loinc,
      label: entry?.label ?? result.label,
      ...(ucum ? { ucum } : {}),
      chapter: entry?.chapter ?? fallbackChapter,
      source,
      ...(conversion ? { conversion } : {}),
    };
  };

  // A LOINC code that fails its check digit is a typo, not a code: fall through to the mapping.
  const given = result.loinc?.trim();
  if (given && isValidLoinc(given)) return fromCode(given, 'input');

  const mapped = mapping?.byCode.get(result.code.trim().toUpperCase());
  if (mapped) return fromCode(mapped.loinc, 'lab-mapping', mapped.conversion);

  const alias = mapping?.catalogAliases ? aliasMatch(catalog, result.code, inputUcum) : undefined;
  return alias ? fromCode(alias.loinc, 'catalog-alias') : undefined;
}

// Exact (case-insensitive) local code, and the units must agree: GLY in g/L and GLY in mmol/L are
// two LOINC codes. More than one candidate left, or a unit missing on one side only: no match.
function aliasMatch(catalog: Catalog, code: string, inputUcum: string | undefined): CatalogEntry | undefined {
  const candidates = catalog.byAlias.get(code.trim().toUpperCase());
  if (!candidates) return undefined;
  const fitting = candidates.filter((e) => e.ucum === inputUcum);
  return fitting.length === 1 ? fitting[0] : undefined;
}
