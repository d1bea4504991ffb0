// `npm run bench`: every speed and memory figure the issues set a target for, one after the other
// (they share two cores: running them side by side would measure each other).
import { benchHprim } from './parse-hprim.js';
import { benchHl7 } from './parse-hl7.js';
import { benchPdf } from './render-pdf.js';
import { benchCda } from './render-cda.js';
import { benchSmtp } from './smtp-throughput.js';
import { benchWatch } from './watch-latency.js';
import { benchCliStart } from './cli-start.js';

const only = process.argv.slice(2);
const benches: Array<[string, () => Promise<unknown>]> = [
  ['parse-hprim', benchHprim], ['parse-hl7', benchHl7], ['render-pdf', benchPdf], ['render-cda', benchCda],
  ['smtp', benchSmtp], ['cli-start', benchCliStart], ['watch', benchWatch],
];
const results: Record<string, unknown> = {};
for (const [name, run] of benches) {
  if (only.length && !only.includes(name)) continue;
  process.stderr.write(`bench ${name}…\n`);
  results[name] = await run();
  process.stdout.write(`${name}: ${JSON.stringify(results[name])}\n`);
}
