import type { ValidateFunction } from 'ajv/dist/2020.js';
import schema from './labreport.schema.json' with { type: 'json' };
import { validate } from './labreport.validate.js';
import type { LabReport } from './labreport.types.js';
import { describeFieldLength, fieldLengthProblems } from '../gate/limits.js';
import { describeErrors, type SchemaProblem } from './schema-problems.js';

export { schema as labReportSchema };

/** The schema compiled at build time (scripts/gen-validators.mjs): no schema compilation at start-up. */
const check = validate as ValidateFunction<LabReport>;

/**
 * Problems of a value against the LabReport schema, then of its field lengths (gate/limits.ts: a
 * damaged or hostile file never reaches the renderers); empty when it is valid.
 */
export function labReportProblems(value: unknown): SchemaProblem[] {
  if (check(value)) return fieldLengthProblems(value).map((p) => ({ pointer: p.pointer, message: describeFieldLength(p) }));
  return describeErrors(check.errors ?? []);
}
