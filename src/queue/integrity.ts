import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A state directory whose journal is gone (deleted, emptied, a disk restored without it) must not start
 * over silently: a new journal would number its deliveries from 1 again, send already-processed files
 * again and write over the proof of earlier messages. labmss refuses, and says what to do.
 */
export class JournalLost extends Error {
  constructor(readonly stateDir: string, readonly proofs: number) {
    super(`${stateDir} holds ${proofs} file(s) of earlier work (sent messages, processed inputs, documents) but no journal: ` +
      'labmss will not start over silently. Put back journal.sqlite from a backup (`labmss backup DEST` makes one), ' +
      'or run `labmss journal recover` to rebuild what the spool proves (nothing is sent twice, no proof is overwritten)');
    this.name = 'JournalLost';
  }
}

/** Folders whose files only a journal could have put there. */
const EVIDENCE = ['mail', 'done', 'quarantine', 'reports', 'outbox'];

export function evidenceCount(stateDir: string): number {
  let n = 0;
  for (const dir of EVIDENCE) {
    const p = join(stateDir, dir);
    if (!existsSync(p)) continue;
    n += readdirSync(p).filter((name) => !name.startsWith('.')).length;
  }
  return n;
}

/** True when the journal file is missing or holds nothing (0 bytes: emptied; SQLite writes a header on creation). */
export function journalAbsent(path: string): boolean {
  return !existsSync(path) || statSync(path).size === 0;
}

/** The highest delivery id the spool's proofs and outbox name (`D42.eml`), 0 when none. */
export function highestDeliveryId(stateDir: string, outbox = join(stateDir, 'outbox')): number {
  let max = 0;
  for (const dir of [join(stateDir, 'mail'), outbox]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const m = /^D(\d+)\.eml/.exec(name);
      if (m) max = Math.max(max, Number(m[1]));
    }
  }
  return max;
}
