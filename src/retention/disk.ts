import { existsSync, lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { sha256 } from '../queue/spool.js';
import { join, relative, sep, isAbsolute } from 'node:path';

/** Bytes under a path (a file, or a folder walked without following links); 0 when it is not there. */
export function bytesUnder(path: string): number {
  let st;
  try { st = lstatSync(path); } catch { return 0; }
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + bytesUnder(join(path, name)), 0);
}

/** The state directory's size by top-level entry (`journal.sqlite*` counted together as `journal`). */
export function diskUse(stateDir: string): { total: number; parts: Record<string, number> } {
  const parts: Record<string, number> = {};
  let names: string[] = [];
  try { names = readdirSync(stateDir); } catch { /* no state directory yet */ }
  for (const name of names) {
    const key = name.startsWith('journal.sqlite') ? 'journal' : name;
    parts[key] = (parts[key] ?? 0) + bytesUnder(join(stateDir, name));
  }
  return { total: Object.values(parts).reduce((a, b) => a + b, 0), parts };
}

/** True when `path` is strictly inside `root`: retention never removes anything the journal points outside its folders. */
export function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/** Removes a file or folder and says how many bytes that freed (0 when it was already gone). */
export function removeCounting(path: string, dryRun: boolean): number {
  const bytes = bytesUnder(path);
  if (bytes && !dryRun) rmSync(path, { recursive: true, force: true });
  return bytes;
}

/**
 * Where a processed input file is now: the journal's spool path, else `done/NAME` or the `NAME.1`, `NAME.2`…
 * a name clash gave it, whichever has the journal's size and SHA-256 (so nothing else is ever removed).
 */
export function locateInput(row: { spool_path: string; name: string; sha256: string; size: number }, doneDir: string): string | undefined {
  const candidates = [row.spool_path, join(doneDir, row.name)];
  for (let i = 1; existsSync(join(doneDir, `${row.name}.${i}`)); i++) candidates.push(join(doneDir, `${row.name}.${i}`));
  return candidates.find((p) => {
    try {
      return isInside(p, doneDir) && lstatSync(p).size === row.size && sha256(readFileSync(p)) === row.sha256;
    } catch { return false; }
  });
}
