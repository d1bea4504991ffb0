// What the generators (gen-types, gen-validators) share: write a generated file, or with --check only
// say it is out of date.
import { readFileSync, writeFileSync } from 'node:fs';

export const check = process.argv.includes('--check');

/** Writes `text` to `outPath` when it differs; with --check, reports it instead. Returns whether it was stale. */
export function writeGenerated(outPath, text, script) {
  let current = '';
  try { current = readFileSync(outPath, 'utf8'); } catch {}
  if (current === text) return false;
  if (check) console.error(`${outPath} is out of date: run node ${script}`);
  else writeFileSync(outPath, text);
  return check;
}
