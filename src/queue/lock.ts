import Database from 'better-sqlite3';
import { chmodSync, readFileSync, renameSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One process owns a state directory at a time. The lock is an exclusive SQLite lock (POSIX fcntl) on
 * `labmss.lock`, held by an open connection for the owner's whole life: the kernel drops it when the
 * process ends, however it ends (kill -9, power cut, OOM), so a stale lock can never block a start, and a
 * pid that the system has since given to another process means nothing. `labmss.owner` only says who
 * holds it, for messages; it never decides anything.
 */
export class LockBusy extends Error {
  constructor(readonly pid: number, readonly command: string, readonly stateDir: string) {
    super(`${stateDir} is in use by ${command} (pid ${pid || 'unknown'}); wait for it to finish, or stop it first`);
    this.name = 'LockBusy';
  }
}

export interface Lock { release(): void }

export function lockPath(stateDir: string): string {
  return join(stateDir, 'labmss.lock');
}

function ownerPath(stateDir: string): string {
  return join(stateDir, 'labmss.owner');
}

/** Who says they hold the lock (read only when the lock is busy, so the writer is alive). */
function owner(stateDir: string): { pid: number; command: string } {
  try {
    const [pid, ...rest] = readFileSync(ownerPath(stateDir), 'utf8').trim().split(' ');
    const n = Number(pid);
    if (Number.isInteger(n) && n > 0) return { pid: n, command: rest.join(' ') || 'labmss' };
  } catch { /* written a moment after the lock is taken */ }
  return { pid: 0, command: 'another labmss' };
}

const busy = (err: unknown) => ['SQLITE_BUSY', 'SQLITE_LOCKED'].includes((err as { code?: string }).code ?? '');
const notADatabase = (err: unknown) => (err as { code?: string }).code === 'SQLITE_NOTADB';

/** Opens the lock file and takes its exclusive lock, or throws SQLITE_BUSY at once (no waiting). */
function takeExclusive(path: string): Database.Database {
  const db = new Database(path, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // Never committed: the connection keeps the lock until it is closed or the process dies.
    // Nothing is ever written, so the file stays empty.
    db.exec('BEGIN EXCLUSIVE');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Takes the lock, or throws LockBusy naming the owner. */
export function acquireLock(stateDir: string, command: string): Lock {
  const path = lockPath(stateDir);
  let db: Database.Database;
  try {
    db = takeExclusive(path);
  } catch (err) {
    if (busy(err)) { const o = owner(stateDir); throw new LockBusy(o.pid, o.command, stateDir); }
    if (!notADatabase(err)) throw err;
    // The pid file of an earlier labmss (or any other text): nobody can hold a lock on it. Emptied, it is
    // an empty database, and whoever locks it first owns it.
    truncateSync(path, 0);
    try {
      db = takeExclusive(path);
    } catch (again) {
      if (busy(again)) { const o = owner(stateDir); throw new LockBusy(o.pid, o.command, stateDir); }
      throw again;
    }
  }
  chmodSync(path, 0o600);
  const info = ownerPath(stateDir);
  const tmp = `${info}.${process.pid}.tmp`;
  writeFileSync(tmp, `${process.pid} ${command}\n`, { mode: 0o600 });
  renameSync(tmp, info);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try { if (readFileSync(info, 'utf8').startsWith(`${process.pid} `)) unlinkSync(info); } catch { /* already gone */ }
      db.close();
    },
  };
}
