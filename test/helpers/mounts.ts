import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, type TestContext } from 'node:test';

/** Mounting needs root (CI runs as root): elsewhere the test is skipped, saying so. */
export function needsRoot(t: TestContext, what: string): boolean {
  if (process.getuid?.() === 0) return true;
  const msg = `needs root to ${what}; run the tests as root (as CI does)`;
  console.warn(`# SKIPPED: ${msg}`);
  t.skip(msg);
  return false;
}

/**
 * A folder that is a tmpfs mount of its own, so on another filesystem than the state directory (a rename
 * between them fails with EXDEV, as with a share). Unmounted, then removed, when the test file ends.
 */
export function tmpfsDir(sizeMb = 64): string {
  const dir = mkdtempSync(join(tmpdir(), 'labmss-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0755`, 'tmpfs', dir]);
  after(() => {
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
