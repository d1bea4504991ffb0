import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../test/helpers/paths.js';

const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 15);

function medianMs(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

/** `labmss --version` against `node -e 0` (median of RUNS spawns each). Target: ratio ≤ 2. */
export async function benchCliStart(): Promise<{ cliMs: number; nodeMs: number; ratio: number; target: number }> {
  const nodeMs = medianMs(['-e', '0']);
  const cliMs = medianMs([join(repoRoot, 'bin', 'labmss.js'), '--version']);
  return { cliMs: Math.round(cliMs), nodeMs: Math.round(nodeMs), ratio: Math.round((cliMs / nodeMs) * 100) / 100, target: 2 };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchCliStart(), null, 2));
