import { closeSync, readFileSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, statSync, existsSync, chmodSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { link, mkdir, open, rename, stat } from 'node:fs/promises';

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

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch { /* some filesystems refuse fsync on directories; the rename is still atomic */ }
}

let writes = 0;

/** What a spool file holds: bytes, text, or pieces written one after the other (a message's head and shared body). */
export type FileData = Buffer | string | readonly Buffer[];

/**
 * Writes bytes to `path` atomically (temp name in the same folder, fsync, rename, fsync folder), mode 0600.
 * Asynchronous: the file's write and fsync happen off the main thread, so messages keep going out while it
 * syncs.
 */
export async function writeAtomic(path: string, data: FileData): Promise<void> {
  await writeAllAtomic([{ path, data }]);
}

/**
 * Writes several files atomically as one step: all written and fsynced side by side (libuv's threads),
 * then renamed, then each folder fsynced once (off the main thread), not once per file. When it resolves,
 * every file is durable under its name; after a crash before that, each is there complete or not at all.
 */
export async function writeAllAtomic(files: ReadonlyArray<{ path: string; data: FileData }>): Promise<void> {
  const dirs = [...new Set(files.map((f) => dirname(f.path)))];
  await Promise.all(dirs.map((dir) => mkdir(dir, { recursive: true, mode: 0o700 })));
  const written = await Promise.all(files.map(async ({ path, data }) => {
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++writes}.tmp`);
    const file = await open(tmp, 'w', 0o600);
    try {
      // A handle's writeFile goes on from where the last write ended: the pieces follow each other.
      for (const piece of typeof data === 'string' || Buffer.isBuffer(data) ? [data] : data) await file.writeFile(piece);
      await file.sync();
    } finally {
      await file.close();
    }
    return { tmp, path };
  }));
  for (const { tmp, path } of written) await rename(tmp, path);
  await syncDirs(dirs);
}

/** Folders fsynced side by side, off the main thread: the renames into them are durable. */
async function syncDirs(dirs: readonly string[]): Promise<void> {
  await Promise.all(dirs.map(async (dir) => {
    try {
      const handle = await open(dir, 'r');
      try { await handle.sync(); } finally { await handle.close(); }
    } catch { /* some filesystems refuse fsync on directories; the renames are still atomic */ }
  }));
}

/**
 * Gives a durable file a second name, atomically (link to a temporary name, rename over `path`): the same
 * bytes on disk once, not a copy. False when `existing` is on another filesystem or links are refused:
 * the caller writes a copy instead.
 */
export async function linkAtomic(existing: string, path: string): Promise<boolean> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Already that file (sent again after a crash): renaming a link over its twin would do nothing, leaving the temporary name.
  const [a, b] = await Promise.all([stat(existing), stat(path).catch(() => undefined)]);
  if (b && a.ino === b.ino && a.dev === b.dev) {
    await syncDirs([dir]);
    return true;
  }
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${++writes}.tmp`);
  try {
    await link(existing, tmp);
  } catch (err) {
    if (['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP'].includes((err as NodeJS.ErrnoException).code ?? '')) return false;
    throw err;
  }
  await rename(tmp, path);
  await syncDirs([dir]);
  return true;
}

/** A name in `dir` that does not exist yet: `name`, else `name.1`, `name.2`… (never overwrite evidence). */
export function freeName(dir: string, name: string): string {
  let candidate = name;
  for (let i = 1; existsSync(join(dir, candidate)); i++) candidate = `${name}.${i}`;
  return join(dir, candidate);
}

/**
 * Claims a file from the export folder by an atomic rename into the spool: afterwards it is in exactly
 * one of the two places. Returns the new path, or undefined when another process claimed it first.
 */
export function claim(exportPath: string, layout: SpoolLayout, stamp: string): string | undefined {
  const target = freeName(layout.incoming, `${stamp}-${basename(exportPath)}`);
  try {
    renameSync(exportPath, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EXDEV') {
      throw new Error(`cannot claim ${exportPath}: the export folder and the state directory must be on the same filesystem (atomic rename)`);
    }
    throw err;
  }
  try { chmodSync(target, 0o600); } catch { /* the LIS may own the file; the folder is 0700 anyway */ }
  fsyncDir(layout.incoming);
  return target;
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

export interface Candidate { path: string; name: string; size: number; mtimeMs: number }

/** Files of the export folder that may be claimed: regular files, not ignored names, not modified too recently. */
export function listExport(dir: string, opts: { ignore: string[]; settleMs: number; now: number; tooRecent?: string[] }): Candidate[] {
  let names: string[];
  try { names = readdirSync(dir); } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`export folder ${dir} does not exist: create it or fix paths.export`);
    throw err;
  }
  const ignored = globMatcher(opts.ignore);
  const out: Candidate[] = [];
  for (const name of names.sort()) {
    if (ignored(name)) continue;
    const path = join(dir, name);
    let st;
    try { st = statSync(path); } catch { continue; }
    if (!st.isFile()) continue;
    if (opts.now - st.mtimeMs < opts.settleMs) {
      opts.tooRecent?.push(name);
      continue;
    }
    out.push({ path, name, size: st.size, mtimeMs: st.mtimeMs });
  }
  return out;
}

/** Simple file-name globs (`*`, `?`), enough for temp-name conventions like `*.tmp`, `~*`, `.*`. */
export function globMatcher(globs: string[]): (name: string) => boolean {
  const res = globs.map((g) => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  return (name) => res.some((r) => r.test(name));
}
