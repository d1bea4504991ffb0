import type { Command } from 'commander';
import { ConfigError, loadConfig, type ResolvedConfig } from '../config/load.js';
import { Journal, defaultActor } from '../queue/journal.js';
import { acquireLock, LockBusy, type Lock } from '../queue/lock.js';
import { InputError } from '../inputs/types.js';
import { evidenceCount, journalAbsent, JournalLost } from '../queue/integrity.js';
import { JournalTooNew } from '../queue/migrations.js';
import { describeFault, isTransientFault } from '../queue/faults.js';
import { ensureSpool, spoolLayout } from '../queue/spool.js';
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { t, useLocale } from '../i18n/index.js';
import { join } from 'node:path';

/** Exit codes, like the spine says: 0 all done, 1 something quarantined/held/failed, 2 usage or configuration. */
export const EXIT = { OK: 0, PROBLEMS: 1, USAGE: 2 } as const;

/** An error the CLI reports in one line (plus what to do) and exits with `code`. */
export class CliError extends Error {
  constructor(message: string, readonly code: number = EXIT.USAGE) {
    super(message);
    this.name = 'CliError';
  }
}

export interface GlobalOptions { config?: string; json?: boolean; quiet?: boolean }

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

/** The config, and with it the language (`ui.language`, else the locale) and time zone people are answered in. */
export function config(cmd: Command): ResolvedConfig {
  const cfg = loadConfig(globals(cmd).config).config;
  useLocale({ language: cfg.ui.language, timeZone: cfg.lab.timezone });
  return cfg;
}

/** Opens the journal for writing, holding the state directory's lock until `close`. */
export function openState(cfg: ResolvedConfig, command: string): { journal: Journal; lock: Lock; close(): void } {
  ensureSpool(spoolLayout(cfg.paths.state));
  const lock = acquireLock(cfg.paths.state, `labmss ${command}`);
  let journal: Journal;
  try {
    journal = Journal.open(cfg.paths.state, { actor: defaultActor(`labmss ${command}`) });
  } catch (err) {
    lock.release();
    throw err;
  }
  return { journal, lock, close() { journal.close(); lock.release(); } };
}

/**
 * Opens the journal for writing without the state directory's lock, for work that only touches its own
 * rows in short transactions (reference imports, a dry run's routing, a resend beside a running daemon):
 * SQLite in WAL mode takes concurrent writers.
 */
export function openUnlocked(cfg: ResolvedConfig, command: string): Journal {
  mkdirSync(cfg.paths.state, { recursive: true, mode: 0o700 });
  return Journal.open(cfg.paths.state, { actor: defaultActor(`labmss ${command}`) });
}

/**
 * `labmss <kind> import FILE`: loads a reference list into the journal database, records it as an event
 * and prints what came in. A file that cannot be used exits 1 with the reason; the previous list stays.
 */
export async function importReference<R>(cmd: Command, kind: 'allowlist' | 'directory', load: (journal: Journal) => R,
  report: (r: R) => { event: string; lines: string[] }): Promise<void> {
  const journal = openUnlocked(config(cmd), `${kind} import`);
  try {
    let result: R;
    try {
      result = load(journal);
    } catch (err) {
      throw new CliError(`${kind} import: ${(err as Error).message}`, EXIT.PROBLEMS);
    }
    const { event, lines } = report(result);
    journal.event(kind, {}, event);
    // Deliveries held for their address may have one now (or their domain may be allowed now).
    const { releaseAfterImport } = await import('./release.js');
    const released = releaseAfterImport(journal, config(cmd));
    out(cmd, { ...result, released }, () => [...lines,
      ...(released.length ? [`${released.length} held delivery(ies) released: ${released.map((r) => `D${r.delivery} → ${r.recipient}`).join(', ')}`] : [])]);
  } finally {
    journal.close();
  }
}

/** Opens the journal read-only, without the lock: `status` and `log` answer while a daemon runs. */
export function openReadOnly(cfg: ResolvedConfig): Journal {
  const file = join(cfg.paths.state, 'journal.sqlite');
  try {
    statSync(file);
    accessSync(file, constants.R_OK);
  } catch (err) {
    // A technician outside the service account's group cannot even see the file: say so, not "run first".
    if ((err as NodeJS.ErrnoException).code === 'EACCES') throw new CliError(t().common.noAccess({ path: file, user: currentUser() }), EXIT.USAGE);
  }
  if (journalAbsent(file)) {
    const proofs = evidenceCount(cfg.paths.state);
    if (proofs) throw new JournalLost(cfg.paths.state, proofs);
    throw new CliError(t().common.noJournal({ state: cfg.paths.state }), EXIT.USAGE);
  }
  return Journal.open(cfg.paths.state, { readonly: true });
}

function currentUser(): string {
  try { return userInfo().username; } catch { return `uid ${process.getuid?.() ?? '?'}`; }
}

/** Prints a value as JSON (for machines) or as lines (for people). */
export function out(cmd: Command, value: unknown, human: () => string | string[]): void {
  if (globals(cmd).json) {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  const text = human();
  const lines = Array.isArray(text) ? text : [text];
  if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
}

/** Turns the errors every command can meet into a message and an exit code. */
export function describeFailure(err: unknown): { message: string; code: number } {
  if (err instanceof CliError) return { message: err.message, code: err.code };
  if (err instanceof ConfigError) return { message: err.message, code: EXIT.USAGE };
  if (err instanceof LockBusy) return { message: t().common.busy({ state: err.stateDir, command: err.command, pid: err.pid }), code: EXIT.USAGE };
  if (err instanceof JournalLost || err instanceof JournalTooNew) return { message: err.message, code: EXIT.USAGE };
  if (err instanceof InputError) return { message: err.message, code: EXIT.PROBLEMS };
  const sys = err as NodeJS.ErrnoException;
  if (sys?.code === 'EACCES' || sys?.code === 'EPERM' || (sys as { code?: string })?.code === 'SQLITE_CANTOPEN' || sys?.code === 'SQLITE_READONLY') {
    return { message: t().common.noAccess({ path: sys.path ?? '(the state directory)', user: currentUser() }), code: EXIT.USAGE };
  }
  if (isTransientFault(err)) {
    return { message: `the machine failed labmss: ${describeFault(err)}: nothing was lost; fix it (free disk space…) and run again`, code: EXIT.PROBLEMS };
  }
  if (sys?.code === 'ENOENT' || sys?.code === 'EISDIR') {
    return { message: t().common.fileProblem({ path: sys.path ?? '', why: t().config.why[sys.code]! }), code: EXIT.USAGE };
  }
  // A bug or an unexpected failure: the message, and the stack only when asked (LABMSS_DEBUG=1).
  const e = err as Error;
  return { message: (process.env.LABMSS_DEBUG ? e?.stack : e?.message) ?? String(err), code: EXIT.USAGE };
}

/** Parses `D42`, `R12`, `F3` (or a bare number with a default kind). */
export function parseRef(ref: string, kinds: string): { kind: string; id: number } {
  const m = /^([A-Za-z]?)(\d+)$/.exec(ref.trim());
  if (!m || (m[1] && !kinds.includes(m[1].toUpperCase()))) {
    throw new CliError(t().common.notAnId({ ref, expected: kinds.split('').map((k) => `${k}42`).join(' | ') }));
  }
  return { kind: (m[1] || kinds[0]!).toUpperCase(), id: Number(m[2]) };
}
