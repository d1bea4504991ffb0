import { mkdirSync } from 'node:fs';
import { cliCost, stage2Lab } from './cli-run.js';
import { figure, type Figure } from './figures.js';
import { tempLab } from '../test/helpers/lab.js';

const FILES = Number(process.env.BENCH_SCALE_FILES ?? 20);

/** CPU of `run` over FILES stage-2 reports of `results` results to `recipients` doctors, start-up taken off, per report. */
function perReport(results: number, recipients: number, startupMs: number): number {
  const lab = stage2Lab(FILES, results, recipients);
  return (cliCost(['run', '--config', lab.configFile]).cpuMs - startupMs) / FILES;
}

/**
 * How the CPU per report grows with its size (5, 50, 500 results, one recipient) and with its recipients
 * (1, 5, 20, 30 results each): an extra recipient should cost only its headers, a write and a journal row.
 */
export async function benchScale(): Promise<{ figures: Figure[] }> {
  const empty = tempLab({ stage: 2 });
  mkdirSync(empty.exportDir, { recursive: true });
  const startupMs = cliCost(['run', '--config', empty.configFile]).cpuMs;
  const figures: Figure[] = [figure('run on an empty folder: CPU', startupMs, 'ms')];
  for (const results of [5, 50, 500]) figures.push(figure(`scale: CPU per report, ${results} results, 1 recipient`, perReport(results, 1, startupMs), 'ms'));
  const byRecipients = new Map<number, number>();
  for (const recipients of [1, 5, 20]) {
    byRecipients.set(recipients, perReport(30, recipients, startupMs));
    figures.push(figure(`scale: CPU per report, 30 results, ${recipients} recipients`, byRecipients.get(recipients)!, 'ms'));
  }
  figures.push(figure('scale: CPU per extra recipient', (byRecipients.get(20)! - byRecipients.get(1)!) / 19, 'ms', { op: '<=', value: 2 }));
  return { figures };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchScale(), null, 2));
