/**
 * Runs the official CDA validator (../shared/conformance/validate-cda) once on a batch of files
 * (~20 s a call, so tests batch) and splits its report per file.
 */
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import type { TestContext } from 'node:test';
import { needsShared } from './paths.js';

export interface CdaValidation {
  file: string;
  valid: boolean;
  /** ERROR lines with their `at` XPath, as printed by the validator. */
  errors: string[];
  /** The validator's whole section for this file. */
  report: string;
}

/** Validates the files, or returns undefined after skipping the test (with the reason) when ../shared is absent. */
export function validateCda(t: TestContext, files: string[]): CdaValidation[] | undefined {
  const tool = needsShared(t, 'conformance', 'validate-cda');
  if (!tool) return undefined;
  const run = spawnSync(tool, files, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status === 2 || run.status === null) {
    throw new Error(`validate-cda failed to run (exit ${run.status}): ${run.stderr}\n${run.stdout}`);
  }
  const out = `${run.stdout}\n${run.stderr}`;
  return files.map((file) => {
    const name = basename(file);
    const start = out.indexOf(file) >= 0 ? out.indexOf(file) : out.indexOf(name);
    const rest = start >= 0 ? out.slice(start) : '';
    const next = files.filter((f) => f !== file).map((f) => rest.indexOf(f, 1)).filter((i) => i > 0);
    const report = next.length ? rest.slice(0, Math.min(...next)) : rest;
    const lines = report.split('\n');
    const errors: string[] = [];
    lines.forEach((l, i) => {
      if (/^\s*ERROR\b/.test(l)) errors.push(`${l.trim()} ${(lines[i + 1] ?? '').trim()}`);
    });
    return { file, valid: start >= 0 && /-> VALID/.test(report) && errors.length === 0, errors, report };
  });
}
