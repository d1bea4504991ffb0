import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

const bin = join(repoRoot, 'bin', 'labmss.js');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** The spawned CLI runs from dist/: build it when missing or older than src/ (`npm test` builds it first). */
export function ensureDist(): void {
  const main = join(repoRoot, 'dist', 'cli', 'main.js');
  if (existsSync(main) && statSync(main).mtimeMs >= newest(join(repoRoot, 'src'))) return;
  try {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repoRoot, 'tsconfig.json')], { stdio: 'ignore' });
  } catch { /* type errors elsewhere still emit JavaScript; a real break shows in the tests */ }
}

export interface CliResult { code: number | null; stdout: string; stderr: string }

/** Runs `labmss ARGS…` to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c; });
    child.stderr.on('data', (c: Buffer) => { stderr += c; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface RunningDaemon {
  child: ChildProcess;
  /** Parsed JSON log lines so far. */
  logs: Array<Record<string, unknown>>;
  /** Raw stdout lines that were not JSON (there should be none). */
  other: string[];
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves at the first log line matching, or rejects after `ms`. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
}

/**
 * Starts `labmss watch --config FILE` as a child process, collecting its JSON logs. `wrap`: a command that
 * execs the daemon (e.g. `unshare …`), so signals still reach it.
 */
export function startDaemon(configFile: string, env: NodeJS.ProcessEnv = {}, wrap: string[] = []): RunningDaemon {
  const argv = [...wrap, process.execPath, bin, 'watch', '--config', configFile];
  const child = spawn(argv[0]!, argv.slice(1), { cwd: repoRoot, env: { ...process.env, ...env } });
  const logs: Array<Record<string, unknown>> = [];
  const other: string[] = [];
  let err = '';
  let buf = '';
  const waiters: Array<{ match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }> = [];
  child.stdout!.on('data', (c: Buffer) => {
    buf += c;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      let parsed: Record<string, unknown>;
      try { parsed = JSON.parse(line) as Record<string, unknown>; } catch { other.push(line); continue; }
      logs.push(parsed);
      for (const w of [...waiters]) if (w.match(parsed)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(parsed); }
    }
  });
  child.stderr!.on('data', (c: Buffer) => { err += c; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child, logs, other, exited, stderr: () => err,
    waitForLog(match, ms = 20_000) {
      const seen = logs.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching log line within ${ms} ms; stderr: ${err}`)), ms);
        waiters.push({ match, resolve: (l) => { clearTimeout(timer); resolve(l); } });
        void exited.then(() => { clearTimeout(timer); reject(new Error(`the daemon exited; stderr: ${err}`)); });
      });
    },
  };
}

/** Polls `check` every 50 ms until it returns true; rejects after `ms` with `what`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
