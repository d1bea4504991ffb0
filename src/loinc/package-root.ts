import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The folder holding labmss's package.json, found by walking up from this module (works from
 * dist/loinc/ in an installed package and from build/src/loinc/ in the tests). */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'loinc'))) return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('labmss package root (package.json beside loinc/) not found');
    dir = up;
  }
}

/** A data file shipped in the package's loinc/ folder. */
export const loincDataPath = (name: string): string => join(packageRoot(), 'loinc', name);
