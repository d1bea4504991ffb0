import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../test/helpers/paths.js';
import { tempLab } from '../test/helpers/lab.js';
import { ensureDist } from '../test/helpers/spawn-cli.js';
import { figure, median, type Figure } from './figures.js';

const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 15);

function medianMs(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(times);
}

/**
 * Start-up of real commands (median of RUNS spawns each) against `node -e 0`: `status` on a journal,
 * `parse` of an example file, `run` on an empty export folder. Not `--version`, which bin/labmss.js
 * answers without loading the program. Target: each ≤ 2 × `node -e 0`.
 */
export async function benchCliStart(): Promise<{ figures: Figure[] }> {
  ensureDist();
  const lab = tempLab();
  const bin = join(repoRoot, 'bin', 'labmss.js');
  const config = ['--config', lab.configFile];
  // The first run creates the journal that status reads.
  medianMs([bin, 'run', ...config]);
  const nodeMs = medianMs(['-e', '0']);
  const commands: Array<[string, string[]]> = [
    ['status', [bin, 'status', ...config]],
    ['parse', [bin, 'parse', join(repoRoot, 'examples', 'export', 'dupont-2026-11-20.json')]],
    ['run (empty folder)', [bin, 'run', ...config]],
  ];
  const figures = [figure('start-up: node -e 0', nodeMs, 'ms')];
  for (const [name, args] of commands) {
    const ms = medianMs(args);
    figures.push(figure(`start-up: ${name}`, ms, 'ms'), figure(`start-up: ${name} against node -e 0`, ms / nodeMs, '×', { op: '<=', value: 2 }));
  }
  return { figures };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchCliStart(), null, 2));
