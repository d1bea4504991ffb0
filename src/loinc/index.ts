// The LOINC layer: catalog, lab mapping, UCUM units, interpretation flags, specimen types, coverage.
export { isValidLoinc, loincCheckDigit } from './check-digit.js';
export { CHAPTERS, chapterFor, chapterByLoinc, type Chapter } from './chapters.js';
export { loadCatalog, parseCatalog, type Catalog, type CatalogEntry } from './catalog.js';
export { toUcum, isAnsUcum } from './ucum.js';
export { multiplyDecimal } from './decimal.js';
export {
  loadMapping,
  mappingFromConfig,
  resolveLoinc,
  convertValue,
  type LoincMapping,
  type LoincMatch,
  type MappingEntry,
  type Conversion,
  type ResultRef,
  type ResolveContext,
} from './mapping.js';
export { toInterpretation, INTERPRETATION_SYSTEM, type Interpretation } from './interpretation.js';
export { toSpecimenType, SPECIMEN_SYSTEM, type SpecimenType } from './specimen.js';
export { coverage, type Coverage } from './coverage.js';
export { suggestMapping, draftMappingCsv, type Suggestion } from './suggest.js';
