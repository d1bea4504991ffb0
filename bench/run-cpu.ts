import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cliCost, stage2Lab } from './cli-run.js';
import { figure, type Figure } from './figures.js';

const REPORTS = Number(process.env.BENCH_RUN_REPORTS ?? 200);

/** `labmss run` over a fresh lab of REPORTS stage-2 reports (outbox transport), on the given CPUs. */
function runOnce(cpus: string) {
  const lab = stage2Lab(REPORTS);
  const cost = cliCost(['run', '--config', lab.configFile], { cpus });
  const sent = readdirSync(join(lab.config.paths.state, 'outbox')).filter((n) => n.endsWith('.eml')).length;
  if (sent !== REPORTS) throw new Error(`run sent ${sent} messages for ${REPORTS} reports`);
  return cost;
}

/**
 * The acceptance figures: CPU per stage-2 report in `run` (all threads, start-up included), and the wall
 * time of the same run on one core against two, in the same bench run. On a machine others use, the core
 * ratio says little: it needs idle cores.
 */
export async function benchRunCpu(): Promise<{ figures: Figure[] }> {
  const one = runOnce('0');
  const two = runOnce('0,1');
  return {
    figures: [
      figure(`run, ${REPORTS} stage-2 reports: CPU per report (two cores)`, two.cpuMs / REPORTS, 'ms', { op: '<=', value: 30 }),
      figure(`run, ${REPORTS} stage-2 reports: CPU per report (one core)`, one.cpuMs / REPORTS, 'ms', { op: '<=', value: 30 }),
      figure(`run, ${REPORTS} stage-2 reports: wall time on one core`, one.wallMs / 1000, 's'),
      figure(`run, ${REPORTS} stage-2 reports: wall time on two cores`, two.wallMs / 1000, 's'),
      figure('run: two cores against one (speed-up)', one.wallMs / two.wallMs, '×', { op: '>=', value: 1.4 }),
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchRunCpu(), null, 2));
