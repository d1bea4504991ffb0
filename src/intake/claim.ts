import { chmodSync, closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { freeName, fsyncDir } from '../queue/spool.js';

/**
 * Claiming a file of the export folder, on any mount. The export folder is often a network share or a
 * disk of the LIS's own, and under systemd even one disk is two bind mounts: a rename into the spool
 * fails there (EXDEV). So a claim is three steps, each leaving the file in a place the next start
 * recognises:
 *
 *   1. taken:   rename `export/NAME` → `export/.labmss/<instance>/<stamp>-NAME` (same folder tree, so
 *               atomic on any filesystem). From here no other labmss can take it, and the LIS sees it gone.
 *   2. copied:  copy into `incoming/.<stamp>-NAME.claim`, fsync (skipped when a plain rename works).
 *   3. spooled: rename the copy to `incoming/<stamp>-NAME`, fsync the folder; then the taken file is removed.
 *
 * A kill at any point leaves the file under `.labmss/<instance>/`, in `incoming/`, or both, never in
 * neither; `resumeClaims` finishes each of those states, and a file is spooled under one name only.
 */

/** The folders a claim moves a file through. */
export interface ClaimPlaces {
  exportDir: string;
  /** `export/.labmss/<instance>/`: files this state directory has taken and not yet spooled. */
  taken: string;
  /** The spool's incoming folder (on the state directory's disk). */
  incoming: string;
}

/** The hidden folder in the export folder where claims are taken; never itself a candidate. */
export const TAKEN_FOLDER = '.labmss';

/** A point between two steps of a claim (tests kill the process there). */
export type ClaimStep = 'taken' | 'copied' | 'spooled';

export function claimPlaces(exportDir: string, incoming: string, instance: string): ClaimPlaces {
  return { exportDir, taken: join(exportDir, TAKEN_FOLDER, instance), incoming };
}

/** The name a file had in the export folder, from its spool name `<stamp>-NAME`. */
export function originalName(spoolName: string): string {
  return spoolName.replace(/^\d{8}T\d{6}(\.\d+)?Z?-/, '');
}

/**
 * Claims one export file into the spool; returns its spool path, or undefined when it is gone (another
 * process took it first, or the LIS removed it). `consume`: files that go with it (a completion marker),
 * removed once the file is taken.
 */
export function claimFile(path: string, places: ClaimPlaces, stamp: string, consume: string[] = [], onStep?: (step: ClaimStep) => void): string | undefined {
  mkdirSync(places.taken, { recursive: true, mode: 0o700 });
  const taken = freeName(places.taken, `${stamp}-${basename(path)}`, [places.incoming]);
  try {
    renameSync(path, taken);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  onStep?.('taken');
  for (const p of consume) rmSync(p, { force: true });
  return spoolTaken(taken, places, onStep, () => fsyncDir(places.exportDir));
}

/**
 * Finishes the claims a stop interrupted, before anything else is read from the spool: a taken file
 * already spooled is removed from the export folder, one not spooled yet is copied again. `consumeFor`
 * names the files that go with a claimed file (its marker), removed again in case the stop came before.
 * Returns the spool paths of the claims it finished.
 */
export function resumeClaims(places: ClaimPlaces, consumeFor: (name: string) => string[] = () => []): string[] {
  let names: string[];
  try { names = readdirSync(places.taken).sort(); } catch { return []; }
  const spooled: string[] = [];
  for (const name of names) {
    const taken = join(places.taken, name);
    for (const p of consumeFor(originalName(name))) rmSync(p, { force: true });
    const target = join(places.incoming, name);
    if (existsSync(target)) {
      // Step 3 was under way: the spool copy is complete (it got its name only after its fsync).
      unlinkSync(taken);
      fsyncDir(places.taken);
      continue;
    }
    spooled.push(spoolTaken(taken, places));
  }
  return spooled;
}

/**
 * Steps 2 and 3. `syncExport`, given when step 1's rename is not durable yet, syncs the export folder. On one
 * filesystem both renames are then made durable together, the spool folder first: a power cut can only put
 * the file back where it was (export or `.labmss/`), or leave a stale name there beside the spooled file,
 * which resumeClaims removes (and the journal's hash would refuse a second processing). Across filesystems
 * step 1 is made durable before the copy.
 */
function spoolTaken(taken: string, places: ClaimPlaces, onStep?: (step: ClaimStep) => void, syncExport?: () => void): string {
  const name = basename(taken);
  const target = join(places.incoming, name);
  try {
    renameSync(taken, target);
    fsyncDir(places.incoming);
    if (syncExport) syncExport();
    else fsyncDir(places.taken);
    try { chmodSync(target, 0o600); } catch { /* the LIS may own the file; the spool folder is 0700 anyway */ }
    return target;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
  }
  if (syncExport) {
    fsyncDir(places.taken);
    syncExport();
  }
  // Another filesystem (a share, another disk, a bind mount): copy, make it durable, then name it.
  const copy = join(places.incoming, `.${name}.claim`);
  copyFileSync(taken, copy);
  chmodSync(copy, 0o600);
  const fd = openSync(copy, 'r+');
  try { fsyncSync(fd); } finally { closeSync(fd); }
  onStep?.('copied');
  renameSync(copy, target);
  fsyncDir(places.incoming);
  onStep?.('spooled');
  unlinkSync(taken);
  fsyncDir(places.taken);
  return target;
}
