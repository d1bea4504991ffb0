import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { describeFailure, EXIT } from './context.js';
import * as init from './init.js';
import * as run from './run.js';
import * as send from './send.js';
import * as parse from './parse.js';
import * as render from './render.js';
import * as status from './status.js';
import * as log from './log.js';
import * as show from './show.js';
import * as schema from './schema.js';
import * as directory from './directory.js';
import * as allowlist from './allowlist.js';
import * as loinc from './loinc.js';
import * as watch from './watch.js';
import * as doctor from './doctor.js';
import * as resend from './resend.js';
import * as stats from './stats.js';
import * as release from './release.js';
import * as journal from './journal.js';
import * as find from './find.js';
import * as purge from './purge.js';
import { helpLanguage, localiseHelp } from './help.js';

// Everything labmss writes (journal, spool, documents, outbox) holds patients' results: owner only.
process.umask(0o077);

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

helpLanguage(process.argv);

// Descriptions come from the message catalog (localiseHelp), in the user's language. Every command's --help
// lists --config, --json and --quiet too: they work after the command name.
const program = new Command('labmss')
  .version(pkg.version)
  .option('-c, --config <path>')
  .option('--json')
  .option('-q, --quiet')
  .exitOverride();

for (const command of [init, run, send, parse, render, status, log, show, find, schema, loinc, directory, allowlist, watch, resend, release, stats, journal, doctor, purge]) command.register(program);
localiseHelp(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : EXIT.USAGE;
  } else {
    const { message, code } = describeFailure(err);
    process.stderr.write(`labmss: ${message}\n`);
    process.exitCode = code;
  }
}
