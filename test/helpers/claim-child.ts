import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { claimFile, claimPlaces, type ClaimStep } from '../../src/intake/claim.js';
import { Journal } from '../../src/queue/journal.js';
import { ensureSpool, spoolLayout } from '../../src/queue/spool.js';

/**
 * A labmss claiming one file, killed with SIGKILL at a given step (tests of every intermediate state):
 * node claim-child.js EXPORT_DIR STATE_DIR NAME STEP [MARKER_PATH]
 */
const [exportDir, stateDir, name, killAt, marker] = process.argv.slice(2) as [string, string, string, ClaimStep, string | undefined];
mkdirSync(stateDir, { recursive: true, mode: 0o700 });
const journal = Journal.open(stateDir);
const instance = journal.instanceId;
journal.close();
const layout = spoolLayout(stateDir);
ensureSpool(layout);
claimFile(join(exportDir, name), claimPlaces(exportDir, layout.incoming, instance), '20261207T101010.5Z', marker ? [marker] : [], (step) => {
  if (step === killAt) process.kill(process.pid, 'SIGKILL');
});
console.log('not killed');
