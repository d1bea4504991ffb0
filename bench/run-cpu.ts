import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cliCost, stage2Lab, type CliCost } from './cli-run.js';
import { figure, median, type Figure } from './figures.js';

const REPORTS = Number(process.env.BENCH_RUN_REPORTS ?? 200);
/** Pairs of runs (one core, then two): a virtual machine's speed drifts by a fifth within minutes, one pair is a draw. */
const PAIRS = Math.max(1, Number(process.env.BENCH_RUN_PAIRS ?? 3));

/** `labmss run` over a fresh lab of REPORTS stage-2 reports (outbox transport), on the given CPUs. */
function runOnce(cpus: string): CliCost {
  const lab = stage2Lab(REPORTS);
  const cost = cliCost(['run', '--config', lab.configFile], { cpus });
  const sent = readdirSync(join(lab.config.paths.state, 'outbox')).filter((n) => n.endsWith('.eml')).length;
  if (sent !== REPORTS) throw new Error(`run sent ${sent} messages for ${REPORTS} reports`);
  return cost;
}

const spread = (xs: number[], digits = 1) => xs.map((x) => x.toFixed(digits)).join(', ');

/**
 * The acceptance figures: CPU per stage-2 report in `run` (all threads, start-up included), and the wall
 * time of the same run on one core against two. Each pair runs one core then two, back to back, so the
 * speed-up compares runs of the same minute; the figures are the medians of PAIRS pairs, the runs listed.
 * On a machine others use, the core ratio says little: it needs idle cores.
 */
export async function benchRunCpu(): Promise<{ figures: Figure[] }> {
  const pairs = Array.from({ length: PAIRS }, () => ({ one: runOnce('0'), two: runOnce('0,1') }));
  const perReport = (c: CliCost) => c.cpuMs / REPORTS;
  const two = pairs.map((p) => perReport(p.two));
  const one = pairs.map((p) => perReport(p.one));
  const speedUps = pairs.map((p) => p.one.wallMs / p.two.wallMs);
  const runs = PAIRS > 1 ? (xs: number[], digits?: number) => ` (median of ${spread(xs, digits)})` : () => '';
  return {
    figures: [
      figure(`run, ${REPORTS} stage-2 reports: CPU per report (two cores)${runs(two)}`, median(two), 'ms', { op: '<=', value: 30 }),
      figure(`run, ${REPORTS} stage-2 reports: CPU per report (one core)${runs(one)}`, median(one), 'ms', { op: '<=', value: 30 }),
      figure(`run, ${REPORTS} stage-2 reports: wall time on one core`, median(pairs.map((p) => p.one.wallMs)) / 1000, 's'),
      figure(`run, ${REPORTS} stage-2 reports: wall time on two cores`, median(pairs.map((p) => p.two.wallMs)) / 1000, 's'),
      figure(`run: two cores against one (speed-up)${runs(speedUps, 2)}`, median(speedUps), '×', { op: '>=', value: 1.4 }),
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchRunCpu(), null, 2));
