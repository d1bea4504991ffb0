import { cliCost, stage2Lab } from './cli-run.js';
import { figure, type Figure } from './figures.js';
import { tempLab } from '../test/helpers/lab.js';

const FILES = Number(process.env.BENCH_SCALE_FILES ?? 20);

/**
 * CPU per stage-2 report of `results` results to `recipients` doctors: `run` over FILES reports against
 * `run` over one, so start-up and the renderers' first load (fonts, modules) are not counted.
 */
function perReport(results: number, recipients: number): number {
  const cpu = (files: number) => cliCost(['run', '--config', stage2Lab(files, results, recipients).configFile]).cpuMs;
  return (cpu(FILES) - cpu(1)) / (FILES - 1);
}

/**
 * How the CPU per report grows with its size (5, 50, 500 results, one recipient) and with its recipients
 * (1, 5, 20, 30 results each): an extra recipient should cost only its headers, a write and a journal row.
 */
export async function benchScale(): Promise<{ figures: Figure[] }> {
  const empty = tempLab({ stage: 2 });
  const figures: Figure[] = [figure('run on an empty folder: CPU', cliCost(['run', '--config', empty.configFile]).cpuMs, 'ms')];
  for (const results of [5, 50, 500]) figures.push(figure(`scale: CPU per report, ${results} results, 1 recipient`, perReport(results, 1), 'ms'));
  const byRecipients = new Map<number, number>();
  for (const recipients of [1, 5, 20]) {
    byRecipients.set(recipients, perReport(30, recipients));
    figures.push(figure(`scale: CPU per report, 30 results, ${recipients} recipients`, byRecipients.get(recipients)!, 'ms'));
  }
  figures.push(figure('scale: CPU per extra recipient', (byRecipients.get(20)! - byRecipients.get(1)!) / 19, 'ms', { op: '<=', value: 2 }));
  return { figures };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchScale(), null, 2));
