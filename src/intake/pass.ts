import { basename, join } from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import { claimFile, claimPlaces, resumeClaims } from './claim.js';
import { ExportLooker, intakeRules, markersOf, type Candidate } from './look.js';
import { Settler } from './settle.js';

/** Where `run` keeps what it saw of the export folder between invocations (in the state directory). */
export const LOOKS_FILE = 'intake-looks.json';

/**
 * `run`'s look at the export folder: the files finished now, and how many are still being written.
 * A file seen for the first time (or changed since the last run) is looked at again once, settleSeconds
 * later, so one run takes what is finished; what is still changing then waits for the next run, which
 * remembers this run's looks.
 */
export async function finishedFiles(config: ResolvedConfig): Promise<{ ready: Candidate[]; waiting: number }> {
  const rules = intakeRules(config);
  const file = join(config.paths.state, LOOKS_FILE);
  const looker = new ExportLooker(config.paths.export, rules, Settler.load(file, rules.settleMs));
  let found = looker.lookAll(Date.now());
  if (found.nextLookMs !== undefined && found.nextLookMs <= rules.settleMs) {
    await new Promise((r) => setTimeout(r, found.nextLookMs! + 10));
    found = looker.lookAll(Date.now());
  }
  await looker.settler.save(file);
  return { ready: found.ready, waiting: found.waiting.length };
}

/** Claims one export file into `incoming` (see claim.ts), with its completion marker; undefined when another process took it. */
export function claimExportFile(config: ResolvedConfig, incoming: string, instance: string, path: string, stamp: string): string | undefined {
  return claimFile(path, claimPlaces(config.paths.export, incoming, instance), stamp, markersOf(intakeRules(config), config.paths.export, basename(path)));
}

/** Finishes the claims a stop interrupted (before the spool's incoming folder is processed). */
export function resumeExportClaims(config: ResolvedConfig, incoming: string, instance: string): void {
  const rules = intakeRules(config);
  resumeClaims(claimPlaces(config.paths.export, incoming, instance), (name) => markersOf(rules, config.paths.export, name));
}
