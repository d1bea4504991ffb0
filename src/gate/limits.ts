import type { LabReport } from '../model/labreport.types.js';

/**
 * Bounds on what one input may ask of labmss, checked before the expensive work: the size of a file
 * before it is read, and the length of each text field once it is parsed. A lab system never writes a
 * 5 MB patient name; a file that does is damaged or hostile, and goes to quarantine with a reason that
 * names the field and the limit, never its content.
 */

export const DEFAULT_MAX_FILE_BYTES = 20_000_000;

/** The configured file size limit in bytes (`intake.maxFileMegabytes`, default 20). */
export function maxFileBytes(config: { intake: { maxFileMegabytes?: number } }): number {
  const mb = config.intake.maxFileMegabytes;
  return mb === undefined ? DEFAULT_MAX_FILE_BYTES : Math.round(mb * 1_000_000);
}

/** Why a file of `size` bytes is refused unread, or undefined when it may be read. */
export function fileTooLarge(size: number, maxBytes: number): string | undefined {
  if (size <= maxBytes) return undefined;
  return `the file is ${(size / 1_000_000).toFixed(1)} MB, over the ${maxBytes / 1_000_000} MB limit (intake.maxFileMegabytes): not parsed`;
}

/** Characters allowed per kind of field. */
export const FIELD_LIMITS = { name: 200, identifier: 100, address: 254, comment: 20_000, text: 2_000 } as const;
export type FieldKind = keyof typeof FIELD_LIMITS;

const NAMES = new Set(['familyName', 'givenName', 'givenNames', 'usedGivenName', 'birthFamilyName', 'name', 'title', 'organization']);
const IDENTIFIERS = new Set(['ipp', 'fillerId', 'placerId', 'requesterId', 'code', 'rpps', 'adeli', 'nir', 'id', 'oid', 'messageId',
  'finess', 'subId', 'loinc', 'birthPlaceCode', 'number']);
const ADDRESSES = new Set(['mssAddress', 'email', 'address']);
const COMMENTS = new Set(['comments', 'comment', 'text', 'flagText']);
/** Bounded by the file size, never by a field limit: embedded documents (PDF, CDA). */
const EXEMPT = new Set(['base64']);

/** The kind of a field by its property name (array items take their array's name). */
export function fieldKind(key: string): FieldKind {
  if (NAMES.has(key)) return 'name';
  if (IDENTIFIERS.has(key)) return 'identifier';
  if (ADDRESSES.has(key)) return 'address';
  if (COMMENTS.has(key)) return 'comment';
  return 'text';
}

export interface FieldLengthProblem {
  /** JSON pointer of the field in the report. */
  pointer: string;
  kind: FieldKind;
  limit: number;
  length: number;
}

/** Every text field of a report longer than its kind allows. Pure; linear in the size of the report. */
export function fieldLengthProblems(report: LabReport): FieldLengthProblem[] {
  const out: FieldLengthProblem[] = [];
  // The JSON pointer is spelled only for a field found too long: every report has hundreds of fields.
  const path: Array<string | number> = [];
  const pointer = () => path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  const visit = (value: unknown, key: string) => {
    if (typeof value === 'string') {
      const kind = fieldKind(key);
      if (value.length > FIELD_LIMITS[kind]) out.push({ pointer: pointer(), kind, limit: FIELD_LIMITS[kind], length: value.length });
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) (path.push(i), visit(value[i], key), path.pop());
    } else if (value && typeof value === 'object') {
      for (const k of Object.keys(value)) if (!EXEMPT.has(k)) (path.push(k), visit((value as Record<string, unknown>)[k], k), path.pop());
    }
  };
  visit(report, '');
  return out;
}

/** One line for a quarantine reason: the field, its length and the limit, never its content. */
export function describeFieldLength(p: FieldLengthProblem): string {
  return `${p.length} characters, over the ${p.limit} allowed for ${p.kind === 'identifier' ? 'an identifier' : p.kind === 'address' ? 'an address' : `a ${p.kind}`}`;
}
