import { closeSync, readFileSync, fsyncSync, mkdirSync, openSync, renameSync, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { mkdir, open, rename } from 'node:fs/promises';

/**
 * The spool: files on disk next to the journal. Everything is written to a temporary name, fsynced and
 * renamed, so a crash leaves either the old state or the new one, never half a file. Files are 0600 and
 * folders 0700: they hold patients' results.
 */

export interface SpoolLayout {
  root: string;
  /** Claimed input files, while they are processed. */
  incoming: string;
  /** Input files once processed (kept: the original bytes are part of the proof). */
  done: string;
  /** Files that could not be used, each with NAME.error.txt. */
  quarantine: string;
  /** Rendered documents, one folder per report. */
  reports: string;
  /** The exact .eml of each delivery. */
  mail: string;
}

export function spoolLayout(stateDir: string): SpoolLayout {
  return {
    root: stateDir,
    incoming: join(stateDir, 'incoming'),
    done: join(stateDir, 'done'),
    quarantine: join(stateDir, 'quarantine'),
    reports: join(stateDir, 'reports'),
    mail: join(stateDir, 'mail'),
  };
}

/** Where one version of a report's documents lives: `reports/<setId>.v<version>/`. */
export function reportDir(layout: SpoolLayout, setId: string, version: number): string {
  return join(layout.reports, `${setId}.v${version}`);
}

export function ensureSpool(layout: SpoolLayout): void {
  for (const dir of [layout.root, layout.incoming, layout.done, layout.quarantine, layout.reports, layout.mail]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
}

/** Makes a rename or unlink in `dir` durable. */
export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch { /* some filesystems refuse fsync on directories; the rename is still atomic */ }
}

let writes = 0;

/**
 * Writes bytes to `path` atomically (temp name in the same folder, fsync, rename, fsync folder), mode 0600.
 * Asynchronous: the file's write and fsync happen off the main thread, so messages keep going out while it
 * syncs (the folder's fsync, a fraction of a millisecond, is the one moveTo and claim use).
 */
export async function writeAtomic(path: string, data: Buffer | string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${++writes}.tmp`);
  const file = await open(tmp, 'w', 0o600);
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  fsyncDir(dir);
}

/**
 * A name in `dir` that does not exist yet: `name`, else `name.1`, `name.2`… (never overwrite evidence).
 * `alsoFreeIn`: folders where the same name must be free too (a file about to move there).
 */
export function freeName(dir: string, name: string, alsoFreeIn: string[] = []): string {
  let candidate = name;
  for (let i = 1; [dir, ...alsoFreeIn].some((d) => existsSync(join(d, candidate))); i++) candidate = `${name}.${i}`;
  return join(dir, candidate);
}

/** Moves a spooled file to another spool folder (done, quarantine) atomically; returns the new path. */
export function moveTo(path: string, dir: string, name = basename(path)): string {
  const target = freeName(dir, name);
  renameSync(path, target);
  fsyncDir(dir);
  return target;
}

/** Quarantines a spooled input: the original bytes untouched, plus NAME.error.txt with the reason. */
export async function quarantine(path: string, layout: SpoolLayout, originalName: string, reason: string): Promise<string> {
  const target = moveTo(path, layout.quarantine, originalName);
  await writeAtomic(`${target}.error.txt`, `${reason}\n`);
  return target;
}

/**
 * Reads the companion files an input names (HPRIM `FIC` results, e.g. `ACROBAT\CR.PDF`) from one folder:
 * only the file name counts, so a reference cannot leave the folder. Undefined when the file is absent.
 */
export function companionReader(dir: string): (name: string) => Buffer | undefined {
  return (name) => {
    const path = join(dir, basename(name.replace(/\\/g, '/')));
    return existsSync(path) ? readFileSync(path) : undefined;
  };
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Simple file-name globs (`*`, `?`), enough for temp-name conventions like `*.tmp`, `~*`, `.*`. */
export function globMatcher(globs: string[]): (name: string) => boolean {
  const res = globs.map((g) => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  return (name) => res.some((r) => r.test(name));
}
