import type { LabReport } from '../model/labreport.types.js';
import type { Hold } from '../gate/hold.js';

export type InputFormat = NonNullable<LabReport['source']>['format'];

/** Where a problem is in an input file: what a technician needs to find it. */
export interface InputLocation {
  file: string;
  /** 1-based line number (HPRIM, JSON) or segment number (HL7). */
  line?: number;
  /** Field name or position, e.g. `OBX-5`, `OBX 10.6`, `RES field 5`, `/patient/familyName`. */
  field?: string;
}

export interface ParseWarning extends InputLocation {
  message: string;
}

/** `FILE:LINE FIELD: message`, as the journal and the CLI print a warning. */
export function formatWarning(w: ParseWarning): string {
  return `${w.file}${w.line !== undefined ? `:${w.line}` : ''}${w.field ? ` ${w.field}` : ''}: ${w.message}`;
}

export interface ParseResult {
  format: InputFormat;
  charset: string;
  reports: LabReport[];
  warnings: ParseWarning[];
  /** What the file itself says must wait for a person (typed, never a warning prefix). */
  holds: Hold[];
}

export interface ParseOptions {
  /** Name of the file, used in messages and to find companion files. */
  file: string;
  /** Charset of HPRIM files that declare none (default latin1). */
  hprimCharset?: string;
  /** Reads a companion file next to the input (HPRIM FIC results); undefined when absent. Keeps parsers pure. */
  companion?: (name: string) => Buffer | undefined;
  /** Larger files are refused unparsed (`intake.maxFileMegabytes`; default 20 MB, gate/limits.ts). */
  maxFileBytes?: number;
}

/**
 * An input that cannot be used as a whole: the file goes to quarantine and nothing from it is sent.
 * The message names the file, the line (or segment) and the field.
 */
export class InputError extends Error {
  constructor(readonly where: InputLocation, readonly reason: string) {
    super(`${where.file}${where.line !== undefined ? `:${where.line}` : ''}${where.field ? ` ${where.field}` : ''}: ${reason}`);
    this.name = 'InputError';
  }
}
