/**
 * Preloaded with `node --import` into a CLI run: prints the process's peak resident set size on exit,
 * as `LABMSS_MAX_RSS=<bytes>` on stderr, for tests that bound memory.
 */
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\nLABMSS_MAX_RSS=${process.resourceUsage().maxRSS * 1024}\n`);
});
