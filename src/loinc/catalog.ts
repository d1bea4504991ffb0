// The catalog of common French lab tests (loinc/catalog.csv): LOINC code, CR-BIO French label,
// UCUM unit, chapter and the local LIS codes that usually name the test. Read once, on first use.

import { readFileSync } from 'node:fs';
import { isValidLoinc } from './check-digit.js';
import { type Chapter } from './chapters.js';
import { parseCsv } from './csv.js';
import { loincDataPath } from './package-root.js';

export interface CatalogEntry {
  loinc: string;
  label: string;
  /** UCUM unit of the test as coded (absent for unitless or qualitative results). */
  ucum?: string;
  chapter: Chapter;
  /** Local LIS codes, upper case. */
  aliases: string[];
}

export interface Catalog {
  entries: CatalogEntry[];
  byLoinc: Map<string, CatalogEntry>;
  /** Upper-cased alias → every entry that carries it (units tell them apart). */
  byAlias: Map<string, CatalogEntry[]>;
}

export const CATALOG_COLUMNS = ['loinc', 'label_fr', 'ucum', 'chapter_loinc', 'chapter_label', 'local_aliases'] as const;

/** Parses catalog CSV text; any defect is an error naming file and line (the catalog ships with labmss). */
export function parseCatalog(text: string, file: string): Catalog {
  const records = parseCsv(text, file);
  const header = records.shift();
  if (!header || header.fields.join(',') !== CATALOG_COLUMNS.join(',')) {
    throw new Error(`${file}:1: header must be ${CATALOG_COLUMNS.join(',')}`);
  }
  const catalog: Catalog = { entries: [], byLoinc: new Map(), byAlias: new Map() };
  for (const { line, fields } of records) {
    const at = `${file}:${line}`;
    if (fields.length !== CATALOG_COLUMNS.length) throw new Error(`${at}: ${fields.length} fields, expected ${CATALOG_COLUMNS.length}`);
    const [loinc, label, ucum, chapterLoinc, chapterLabel, aliasText] = fields.map((f) => f.trim()) as [string, string, string, string, string, string];
    if (!isValidLoinc(loinc)) throw new Error(`${at}: loinc ${JSON.stringify(loinc)} is not a valid LOINC code`);
    if (!isValidLoinc(chapterLoinc)) throw new Error(`${at}: chapter_loinc ${JSON.stringify(chapterLoinc)} is not a valid LOINC code`);
    if (!label || !chapterLabel) throw new Error(`${at}: label_fr and chapter_label are required`);
    if (catalog.byLoinc.has(loinc)) throw new Error(`${at}: loinc ${loinc} listed twice`);
    const entry: CatalogEntry = {
      loinc,
      label,
      ...(ucum ? { ucum } : {}),
      chapter: { loinc: chapterLoinc, label: chapterLabel },
      aliases: aliasText ? aliasText.split('|').map((a) => a.trim().toUpperCase()).filter(Boolean) : [],
    };
    catalog.entries.push(entry);
    catalog.byLoinc.set(loinc, entry);
    for (const alias of entry.aliases) {
      const list = catalog.byAlias.get(alias) ?? [];
      list.push(entry);
      catalog.byAlias.set(alias, list);
    }
  }
  return catalog;
}

let shipped: Catalog | undefined;

/** The catalog shipped in loinc/catalog.csv, parsed on first call. */
export function loadCatalog(): Catalog {
  if (!shipped) {
    const file = loincDataPath('catalog.csv');
    shipped = parseCatalog(readFileSync(file, 'utf8'), file);
  }
  return shipped;
}
