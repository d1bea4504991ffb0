import { closeSync, readFileSync, readSync, fsync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, existsSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { crypto } from './crypto.js';

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
 * The fsyncs, which wait for the disk, happen off the main thread, so messages keep going out meanwhile.
 * `exclusive`: the file must not exist yet (proofs are never overwritten): EEXIST otherwise.
 * Whatever fails (a full disk, a name refused), no temporary file is left behind.
 */
export async function writeAtomic(path: string, data: Buffer | string, opts: { exclusive?: boolean } = {}): Promise<void> {
  await writeAllAtomic([{ path, data, exclusive: opts.exclusive }]);
}

/**
 * Writes several files atomically as one step (a file's documents): all written, then fsynced side by side
 * (libuv's threads), then put under their names, then each folder fsynced once, not once per file. When it
 * resolves, every file is durable under its name; after a crash before that, each is there complete or not
 * at all. On a failure no temporary file is left behind.
 *
 * Only the fsyncs leave the main thread. The other calls (open, write into the page cache, close, rename,
 * mkdir) take microseconds, and each one handed to a libuv thread cost about 0.1 ms of CPU in thread
 * hand-offs, about thirty per report: 1.3 ms of CPU per report less in place (`run` of 200 stage-2 reports).
 */
export async function writeAllAtomic(files: ReadonlyArray<{ path: string; data: Buffer | string; exclusive?: boolean }>): Promise<void> {
  try {
    await writeAllOnce(files);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    // A folder made earlier is gone (`purge`, a person): made again, once.
    for (const f of files) knownDirs.delete(dirname(f.path));
    await writeAllOnce(files);
  }
}

/** Folders this process made or met (mail/, outbox/…): not made again before every file. */
const knownDirs = new Set<string>();

function ensureDirs(dirs: string[]): void {
  if (knownDirs.size > 1000) knownDirs.clear();
  for (const dir of dirs) {
    if (knownDirs.has(dir)) continue;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    knownDirs.add(dir);
  }
}

/** fsync(2) of an open file or folder on a libuv thread. */
function syncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
}

async function writeAllOnce(files: ReadonlyArray<{ path: string; data: Buffer | string; exclusive?: boolean }>): Promise<void> {
  const dirs = [...new Set(files.map((f) => dirname(f.path)))];
  ensureDirs(dirs);
  // The temporary name never derives from the target's (a patient's name can make that too long).
  const tmps = files.map((f) => join(dirname(f.path), `.labmss-${process.pid}-${++writes}.tmp`));
  const fds: number[] = [];
  try {
    try {
      for (const [i, { data }] of files.entries()) {
        fds.push(openSync(tmps[i]!, 'wx', 0o600));
        writeFileSync(fds[i]!, data);
      }
      await Promise.all(fds.map(syncFd));
    } finally {
      for (const fd of fds) closeSync(fd);
    }
    for (const [i, { path, exclusive }] of files.entries()) {
      if (exclusive) {
        linkSync(tmps[i]!, path);
        unlinkSync(tmps[i]!);
      } else {
        renameSync(tmps[i]!, path);
      }
    }
  } catch (err) {
    for (const tmp of tmps) try { unlinkSync(tmp); } catch { /* not made, or already renamed */ }
    throw err;
  }
  await syncDirs(dirs);
}

/** fsyncs folders off the main thread, so the names just made in them survive a crash. */
async function syncDirs(dirs: string[]): Promise<void> {
  await Promise.all(dirs.map(async (dir) => {
    try {
      const fd = openSync(dir, 'r');
      try { await syncFd(fd); } finally { closeSync(fd); }
    } catch { /* some filesystems refuse fsync on directories; the renames are still atomic */ }
  }));
}

/**
 * Files a kept proof under `dir/name` too, as a second name of the same file (a hard link: no second copy
 * of the bytes, one folder sync). Undefined when it cannot (another filesystem, the name taken): write a copy.
 */
export async function linkProof(proof: string, dir: string, name: string): Promise<string | undefined> {
  const path = join(dir, name);
  try {
    ensureDirs([dir]);
    linkSync(proof, path);
  } catch {
    return undefined;
  }
  await syncDirs([dir]);
  return path;
}

/**
 * Writes a message where it is kept, never over another file: one with the same name and the same
 * Message-ID is this delivery's own (composed before a crash) and is kept as it is; any other file of that
 * name (an earlier journal's proof) stays, and the message goes beside it. Returns the path.
 */
export async function keepProof(dir: string, name: string, raw: Buffer, messageId: string): Promise<string> {
  const path = join(dir, name);
  try {
    await writeAtomic(path, raw, { exclusive: true });
    return path;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (messageHeader(readFileSync(path), 'Message-ID')?.split(/\s/)[0] === messageId) {
    await writeAtomic(path, raw);
    return path;
  }
  const beside = freeName(dir, name);
  await writeAtomic(beside, raw, { exclusive: true });
  return beside;
}

/** A header of a stored message's own header block (its first line; the parts' headers are never read). */
export function messageHeader(raw: Buffer, name: string): string | undefined {
  const head = raw.subarray(0, Math.min(raw.length, 16_384)).toString('latin1').split(/\r?\n\r?\n/, 1)[0] ?? '';
  return new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim();
}

/**
 * A name in `dir` that does not exist yet: `name`, else `name.1`, `name.2`… (never overwrite evidence).
 * `alsoFreeIn`: folders where the same name must be free too (a file about to move there).
 */
export function freeName(dir: string, name: string, alsoFreeIn: string[] = []): string {
  const base = boundedName(name);
  let candidate = base;
  for (let i = 1; [dir, ...alsoFreeIn].some((d) => existsSync(join(d, candidate))); i++) candidate = `${base}.${i}`;
  return join(dir, candidate);
}

/**
 * A file name short enough for any filesystem with room for the suffixes labmss adds (`.error.txt`, `.12`):
 * names come from the LIS and from patients' names, and a name the filesystem refuses must never stop intake.
 * A long name keeps its start and extension, with a hash of the whole so two long names stay apart.
 */
export function boundedName(name: string, max = 160): string {
  const clean = name.replace(/[\x00-\x1f/\\]/g, '_');
  if (Buffer.byteLength(clean) <= max) return clean;
  const ext = /\.[A-Za-z0-9]{1,8}$/.exec(clean)?.[0] ?? '';
  const hash = sha256(clean).slice(0, 10);
  let head = clean.slice(0, max - ext.length - 12);
  while (Buffer.byteLength(head) > max - ext.length - 12) head = head.slice(0, -1);
  return `${head}~${hash}${ext}`;
}


/**
 * Moves a spooled file to another spool folder (done, quarantine) atomically; returns the new path.
 * `durable: false` leaves the folders unsynced, for a move that start-up redoes when a power cut undoes it.
 */
export function moveTo(path: string, dir: string, name = basename(path), { durable = true } = {}): string {
  const target = freeName(dir, name);
  renameSync(path, target);
  if (durable) fsyncDir(dir);
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
  return crypto().createHash('sha256').update(data).digest('hex');
}

/** The SHA-256 of a file read in chunks (a file too large to hold in memory is still recorded by its hash). */
export function sha256File(path: string): string {
  const hash = crypto().createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0;) hash.update(chunk.subarray(0, n));
  } finally { closeSync(fd); }
  return hash.digest('hex');
}

/** Simple file-name globs (`*`, `?`), enough for temp-name conventions like `*.tmp`, `~*`, `.*`. */
export function globMatcher(globs: string[]): (name: string) => boolean {
  const res = globs.map((g) => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  return (name) => res.some((r) => r.test(name));
}
