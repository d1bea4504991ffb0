import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** One process owns a state directory at a time. The lock file holds the owner's pid and command. */
export class LockBusy extends Error {
  constructor(readonly pid: number, readonly command: string, readonly stateDir: string) {
    super(`${stateDir} is in use by ${command} (pid ${pid}); wait for it to finish, or stop it first`);
    this.name = 'LockBusy';
  }
}

export interface Lock { release(): void }

function alive(pid: number): boolean {
  try { process.kill(pid, 0); } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
  return !zombie(pid);
}

/**
 * A process killed hard but not yet reaped by its parent still answers signal 0 (Linux: state Z in
 * /proc/PID/stat); it holds nothing any more, so its lock can be taken over. Elsewhere: assumed not.
 */
function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch { return false; }
}

export function lockPath(stateDir: string): string {
  return join(stateDir, 'labmss.lock');
}

/** Who holds the lock, if anyone alive does. */
export function lockHolder(stateDir: string): { pid: number; command: string } | undefined {
  try {
    const [pid, ...rest] = readFileSync(lockPath(stateDir), 'utf8').trim().split(' ');
    const n = Number(pid);
    if (Number.isInteger(n) && n > 0 && alive(n)) return { pid: n, command: rest.join(' ') || 'labmss' };
  } catch { /* no lock */ }
  return undefined;
}

/** Takes the lock (O_EXCL); a lock left by a dead process (kill -9, power cut) is taken over. */
export function acquireLock(stateDir: string, command: string): Lock {
  const path = lockPath(stateDir);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid} ${command}\n`);
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          try { if (readFileSync(path, 'utf8').startsWith(`${process.pid} `)) unlinkSync(path); } catch { /* already gone */ }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = lockHolder(stateDir);
      if (holder && holder.pid !== process.pid) throw new LockBusy(holder.pid, holder.command, stateDir);
      try { unlinkSync(path); } catch { /* raced with another taker */ }
    }
  }
  throw new Error(`could not take the lock ${path}`);
}
