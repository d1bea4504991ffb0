import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import { globMatcher } from '../queue/spool.js';
import { TAKEN_FOLDER } from './claim.js';
import { missingEnd, TAIL_BYTES } from './complete.js';
import { Settler } from './settle.js';

export interface Candidate { path: string; name: string; size: number; mtimeMs: number; ino: number }

/** When a file of the export folder is finished, from the config's `intake` section. */
export interface IntakeRules {
  ignore: string[];
  /** intake.settleSeconds in ms: the file looked the same at two looks this far apart. */
  settleMs: number;
  /** intake.readyMarker: the LIS writes this file beside a finished one (`*` = the file's name, `{stem}` = without its extension). */
  readyMarker?: string;
  /** intake.endWaitSeconds in ms: how long a file whose end is missing (HL7 batch trailer, HPRIM L) is waited for. */
  endWaitMs: number;
}

export function intakeRules(config: ResolvedConfig): IntakeRules {
  const i = config.intake;
  return { ignore: i.ignore, settleMs: i.settleSeconds * 1000, readyMarker: i.readyMarker, endWaitMs: i.endWaitSeconds * 1000 };
}

/** What looking at some files found. */
export interface LookResult {
  /** Finished files, to claim now. */
  ready: Candidate[];
  /** Names of files not finished yet. */
  waiting: string[];
  /** When a waiting file is due for its next look (ms from now); undefined when only an event can tell. */
  nextLookMs?: number;
}

/**
 * Looks at the export folder (top level only) and says which files are finished: a file with its
 * completion marker when `readyMarker` is set; otherwise a file that stopped changing (`Settler`) and
 * whose content does not lack its announced end. One looker serves `run`'s pass and the daemon.
 */
export class ExportLooker {
  private readonly ignored: (name: string) => boolean;
  private readonly isMarker: (name: string) => boolean;

  constructor(readonly dir: string, readonly rules: IntakeRules, readonly settler = new Settler(rules.settleMs)) {
    this.ignored = globMatcher(rules.ignore);
    this.isMarker = rules.readyMarker ? globMatcher([rules.readyMarker.replace('{stem}', '*')]) : () => false;
  }

  /** Every file that may be claimed, finished or not, sorted by name. */
  list(): Candidate[] {
    let names: string[];
    try { names = readdirSync(this.dir); } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`export folder ${this.dir} does not exist: create it or fix paths.export`);
      throw err;
    }
    return names.sort().flatMap((name) => this.candidate(name) ?? []);
  }

  /** Looks at every file of the folder (and forgets files that left it). */
  lookAll(now: number): LookResult {
    const all = this.list();
    this.settler.keepOnly(new Set(all.map((c) => c.name)));
    return this.judge(all, now);
  }

  /** Looks at some files, by name (the daemon's watcher events). */
  lookAt(names: Iterable<string>, now: number): LookResult {
    return this.judge([...names].flatMap((n) => this.candidate(n) ?? []), now);
  }

  /**
   * The file a watcher event is about: the name itself, or for a marker the file it marks (undefined
   * when the marker cannot name it, `{stem}`: then the whole folder is looked at).
   */
  subjectOf(name: string): string | undefined {
    const m = this.rules.readyMarker;
    if (!m || !this.isMarker(name)) return name;
    if (m.includes('{stem}')) return undefined;
    const [before, after] = m.split('*') as [string, string];
    return name.slice(before.length, name.length - after.length);
  }

  private candidate(name: string): Candidate | undefined {
    if (name === TAKEN_FOLDER || this.ignored(name) || this.isMarker(name)) return undefined;
    const path = join(this.dir, name);
    let st;
    try { st = statSync(path); } catch { return undefined; } // gone: claimed, deleted or renamed away
    if (!st.isFile()) return undefined;
    return { path, name, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  }

  private judge(candidates: Candidate[], now: number): LookResult {
    const out: LookResult = { ready: [], waiting: [] };
    const due = (ms: number) => { out.nextLookMs = Math.min(out.nextLookMs ?? Infinity, Math.max(0, ms)); };
    for (const c of candidates) {
      if (this.rules.readyMarker) {
        if (markersOf(this.rules, this.dir, c.name).some((p) => existsSync(p))) out.ready.push(c);
        else out.waiting.push(c.name);
        continue;
      }
      if (!this.settler.look(c.name, c, now)) {
        out.waiting.push(c.name);
        due(this.rules.settleMs - this.settler.stableFor(c.name, now));
        continue;
      }
      const stable = this.settler.stableFor(c.name, now);
      if (stable < this.rules.endWaitMs && endMissing(c)) {
        out.waiting.push(c.name);
        due(this.rules.endWaitMs - stable);
        continue;
      }
      out.ready.push(c);
    }
    return out;
  }
}

/** The marker files that go with the export file `name` (none without `readyMarker`): consumed with it when it is claimed. */
export function markersOf(rules: IntakeRules, dir: string, name: string): string[] {
  const m = rules.readyMarker;
  if (!m) return [];
  return [join(dir, m.includes('{stem}') ? m.replace('{stem}', name.slice(0, name.length - extname(name).length)) : m.replace('*', name))];
}

/** Reads a file's first and last bytes to tell whether it lacks the end its format announces. */
function endMissing(c: Candidate): string | undefined {
  let fd: number;
  try { fd = openSync(c.path, 'r'); } catch { return undefined; } // gone: the claim will say so
  try {
    const head = Buffer.alloc(Math.min(4096, c.size));
    readSync(fd, head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(TAIL_BYTES, c.size));
    readSync(fd, tail, 0, tail.length, c.size - tail.length);
    return missingEnd(head, tail);
  } finally {
    closeSync(fd);
  }
}
