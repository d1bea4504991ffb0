import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import schema from './labreport.schema.json' with { type: 'json' };
import { validate } from './labreport.validate.js';
import type { LabReport } from './labreport.types.js';
import { describeFieldLength, fieldLengthProblems } from '../gate/limits.js';

export { schema as labReportSchema };

/** The schema compiled at build time (scripts/gen-validators.mjs): no schema compilation at start-up. */
const check = validate as ValidateFunction<LabReport>;

export interface SchemaProblem {
  /** JSON pointer to the offending value, `/` for the root. */
  pointer: string;
  message: string;
  /** The JSON Schema keyword that failed and its ajv parameters, for callers that word it their own way. */
  keyword?: string;
  params?: Record<string, unknown>;
}

/**
 * Problems of a value against the LabReport schema, then of its field lengths (gate/limits.ts: a
 * damaged or hostile file never reaches the renderers); empty when it is valid.
 */
export function labReportProblems(value: unknown): SchemaProblem[] {
  if (check(value)) return fieldLengthProblems(value).map((p) => ({ pointer: p.pointer, message: describeFieldLength(p) }));
  return describeErrors(check.errors ?? []);
}


/** Turns ajv errors into one line each that says where and what was expected; oneOf noise is folded. */
export function describeErrors(errors: ErrorObject[]): SchemaProblem[] {
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') continue;
    const pointer = e.instancePath || '/';
    let message: string;
    switch (e.keyword) {
      case 'required': message = `missing required property "${String(e.params.missingProperty)}"`; break;
      case 'additionalProperties': message = `unknown property "${String(e.params.additionalProperty)}"`; break;
      case 'enum': message = `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`; break;
      case 'const': message = `must be ${JSON.stringify(e.params.allowedValue)}`; break;
      default: message = e.message ?? e.keyword;
    }
    const key = `${pointer} ${message}`;
    if (!seen.has(key)) { seen.add(key); out.push({ pointer, message, keyword: e.keyword, params: e.params as Record<string, unknown> }); }
  }
  return out;
}
