import { existsSync, readFileSync } from 'node:fs';
import { writeAtomic } from '../queue/spool.js';

/** What one look at a file saw. */
export interface Look { size: number; mtimeMs: number; ino: number }

interface Seen extends Look {
  /** When labmss first saw this exact look (its own clock, ms). */
  since: number;
}

const same = (a: Look, b: Look) => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;

/**
 * Decides when a file has stopped changing: its size, mtime and inode must be the same at two looks
 * `settleMs` apart on labmss's own clock. The file's mtime is compared only with itself, never with our
 * clock: on a share the server's clock may be off and attributes cached, and a LIS pausing mid-file
 * leaves an mtime that looks old while the file is still growing. 0 turns the wait off (for a LIS that
 * writes under a temp name and renames).
 */
export class Settler {
  private seen = new Map<string, Seen>();

  constructor(readonly settleMs: number) {}

  /** Records a look at `name`; true once the file has looked the same for `settleMs`. */
  look(name: string, look: Look, now: number): boolean {
    const prev = this.seen.get(name);
    if (prev && same(prev, look)) return now - prev.since >= this.settleMs;
    this.seen.set(name, { size: look.size, mtimeMs: look.mtimeMs, ino: look.ino, since: now });
    return this.settleMs === 0;
  }

  /** How long `name` has looked the same (0 when never seen). */
  stableFor(name: string, now: number): number {
    const prev = this.seen.get(name);
    return prev ? Math.max(0, now - prev.since) : 0;
  }

  forget(name: string): void { this.seen.delete(name); }

  /** Drops what was seen of files no longer there. */
  keepOnly(names: Set<string>): void {
    for (const name of this.seen.keys()) if (!names.has(name)) this.seen.delete(name);
  }

  get size(): number { return this.seen.size; }

  /**
   * `run` from cron looks once per invocation: what it saw is kept in a small file of the state
   * directory, so a file unchanged since the previous run is taken at once.
   */
  static load(file: string, settleMs: number): Settler {
    const s = new Settler(settleMs);
    if (!existsSync(file)) return s;
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Seen>;
      for (const [name, seen] of Object.entries(saved)) s.seen.set(name, seen);
    } catch { /* unreadable (a power cut mid-write cannot cause it: written atomically): start afresh */ }
    return s;
  }

  save(file: string): Promise<void> {
    return writeAtomic(file, JSON.stringify(Object.fromEntries(this.seen)));
  }
}
