import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

/** The repository root (tests run compiled from build/test/…). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const fixtures = (...parts: string[]) => join(repoRoot, 'test', 'fixtures', ...parts);
/** ../shared beside the repository (read-only material: samples, conformance, mss-box). */
export const sharedDir = process.env.LABMSS_SHARED ?? resolve(repoRoot, '..', 'shared');

/** Skips the test, saying why, when ../shared is not there: never a silent pass. */
export function needsShared(t: TestContext, ...parts: string[]): string | undefined {
  const p = join(sharedDir, ...parts);
  if (existsSync(p)) return p;
  const msg = `needs ${p} (the shared folder beside the repository), which is absent`;
  console.warn(`# SKIPPED: ${msg}`);
  t.skip(msg);
  return undefined;
}
