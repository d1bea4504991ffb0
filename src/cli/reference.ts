import { mkdirSync } from 'node:fs';
import type { ResolvedConfig } from '../config/load.js';
import { Journal, defaultActor } from '../queue/journal.js';

/**
 * Opens the journal database for a reference import (directory, allow-list) without taking the state
 * directory's lock: the import only swaps its own tables in one short transaction, so it can run from
 * cron while `labmss watch` holds the lock.
 */
export function openForImport(cfg: ResolvedConfig, command: string): Journal {
  mkdirSync(cfg.paths.state, { recursive: true });
  return Journal.open(cfg.paths.state, { actor: defaultActor(`labmss ${command}`) });
}
