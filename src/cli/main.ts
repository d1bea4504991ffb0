import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { describeFailure, EXIT } from './context.js';
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

/** Every command, in the order help lists them; each is a module `./<name>.js` with `register(program)`. */
const COMMANDS = ['init', 'run', 'send', 'parse', 'render', 'status', 'log', 'show', 'find', 'schema', 'loinc', 'directory', 'allowlist', 'watch', 'resend', 'release', 'stats', 'journal', 'doctor', 'purge'];

/** The command named on the command line: the first word that is not a global option or its value. */
function commandName(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-c' || args[i] === '--config') i++;
    else if (!args[i]!.startsWith('-')) return args[i];
  }
  return undefined;
}

// Only the named command's module (and what it imports) is loaded: loading all twenty, with the
// dispatcher, SQLite, TLS and XML behind them, was most of a command's start-up. Help, `help CMD`, no
// command or an unknown one load them all (commander lists them, or suggests the closest).
const named = commandName(process.argv.slice(2));
for (const name of named && COMMANDS.includes(named) ? [named] : COMMANDS) {
  ((await import(`./${name}.js`)) as { register(program: Command): void }).register(program);
}
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
