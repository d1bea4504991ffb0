// `npm run bench`: every speed and memory figure the issues set a target for, one after the other
// (they share two cores: running them side by side would measure each other). Each figure is printed with
// its target and whether it is met; `npm run bench -- NAME…` runs only those benches.
import { benchHprim } from './parse-hprim.js';
import { benchHl7 } from './parse-hl7.js';
import { benchPdf } from './render-pdf.js';
import { benchCda } from './render-cda.js';
import { benchSmtp } from './smtp-throughput.js';
import { benchWatch } from './watch-latency.js';
import { benchCliStart } from './cli-start.js';
import { benchRunCpu } from './run-cpu.js';
import { benchScale } from './scale.js';
import { describeFigure, figure, met, type Figure } from './figures.js';

const parseFigures = (r: { name: string; cpuMbPerSec: number; target: number }) => [figure(`${r.name}: CPU throughput`, r.cpuMbPerSec, 'MB/s', { op: '>=', value: r.target })];

const benches: Array<[string, () => Promise<Figure[]>]> = [
  ['parse-hprim', async () => parseFigures(await benchHprim())],
  ['parse-hl7', async () => parseFigures(await benchHl7())],
  ['render-pdf', async () => { const r = await benchPdf(); return [figure(`${r.name}: CPU per render`, r.cpuMsPerRender, 'ms')]; }],
  ['render-cda', async () => (await benchCda()).map((r, i) => figure(r.name, r.perSec, 'per s', i === 0 ? { op: '>=', value: 100 } : undefined))],
  ['run', async () => (await benchRunCpu()).figures],
  ['scale', async () => (await benchScale()).figures],
  ['e2e', async () => (await benchSmtp()).figures],
  ['cli-start', async () => (await benchCliStart()).figures],
  ['watch', async () => (await benchWatch()).figures],
];
const only = process.argv.slice(2);
const all: Figure[] = [];
for (const [name, run] of benches) {
  if (only.length && !only.includes(name)) continue;
  process.stderr.write(`bench ${name}…\n`);
  for (const f of await run()) {
    all.push(f);
    process.stdout.write(`${describeFigure(f)}\n`);
  }
}
const judged = all.filter((f) => f.target);
const missed = judged.filter((f) => !met(f));
process.stdout.write(`\n${judged.length - missed.length} of ${judged.length} targets met${missed.length ? `; not met: ${missed.map((f) => f.name).join('; ')}` : ''}\n`);
process.stdout.write('(CPU figures are the fair ones on a shared machine; wall-clock rates and core ratios need idle cores.)\n');
