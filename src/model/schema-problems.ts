import type { ErrorObject } from 'ajv/dist/2020.js';

/**
 * Schema problems in one line each, for the LabReport and the config alike. A module of its own: reading
 * the config (every command) needs these words, not the LabReport validator (184 KB of generated code).
 */

export interface SchemaProblem {
  /** JSON pointer to the offending value, `/` for the root. */
  pointer: string;
  message: string;
  /** The JSON Schema keyword that failed and its ajv parameters, for callers that word it their own way. */
  keyword?: string;
  params?: Record<string, unknown>;
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
