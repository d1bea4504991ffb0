import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock, LockBusy, lockPath } from '../../src/queue/lock.js';
import { holdLock } from '../helpers/lock-holder.js';
import { tmpDir } from '../helpers/tmp.js';

const busyWith = (pid: number, command: string) => (err: unknown) =>
  err instanceof LockBusy && err.pid === pid && err.command === command && new RegExp(`${command} \\(pid ${pid}\\)`).test(err.message);

test('one owner at a time, in the same process too; released, it can be taken again; the lock file is 0600', () => {
  const dir = tmpDir();
  const lock = acquireLock(dir, 'labmss run');
  assert.throws(() => acquireLock(dir, 'labmss send'), busyWith(process.pid, 'labmss run'));
  assert.equal(statSync(lockPath(dir)).mode & 0o777, 0o600);
  lock.release();
  lock.release();
  acquireLock(dir, 'labmss send').release();
});

test('a holder killed with SIGKILL leaves nothing behind that blocks: the kernel released its lock', async () => {
  const dir = tmpDir();
  const holder = await holdLock(dir, 'labmss watch');
  try {
    assert.throws(() => acquireLock(dir, 'labmss run'), busyWith(holder.pid!, 'labmss watch'));
  } finally {
    holder.kill('SIGKILL');
    await once(holder, 'exit');
  }
  // No waiting, no clean-up: the dead holder's owner file is still there, and means nothing.
  acquireLock(dir, 'labmss run').release();
});

test('issue 11: a stale pid file naming a live unrelated process (power cut, pid reused) never blocks a start', async (t) => {
  const dir = tmpDir();
  const unrelated = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => unrelated.kill());
  await once(unrelated, 'spawn');
  // What labmss left before this lock (a pid file) and what a power cut leaves now (the owner file).
  writeFileSync(lockPath(dir), `${unrelated.pid} labmss watch\n`);
  writeFileSync(join(dir, 'labmss.owner'), `${unrelated.pid} labmss watch\n`);
  const lock = acquireLock(dir, 'labmss run');
  assert.throws(() => acquireLock(dir, 'labmss send'), busyWith(process.pid, 'labmss run'));
  lock.release();
});
