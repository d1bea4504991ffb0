import type { Command } from 'commander';
import { GateSetup } from '../gate/context.js';
import { releaseHeld, type ReleaseResult } from '../deliver/release.js';
import type { ResolvedConfig } from '../config/load.js';
import type { Journal } from '../queue/journal.js';
import { transportKind } from '../mail/transports.js';
import { CliError, config, EXIT, openUnlocked, out, parseRef } from './context.js';

export function register(program: Command): void {
  program.command('release')
    .description('look again at held deliveries: send them if their cause has gone (`--all`: every held delivery whose address was the problem)')
    .argument('[ids...]', 'D<n>: held deliveries a person has checked (identity, completeness… holds are lifted too)')
    .option('--all', 'every delivery held for its address (no address, several, off the allow-list)')
    .action((refs: string[], opts: { all?: boolean }, cmd: Command) => {
      if (!refs.length && !opts.all) throw new CliError('say which: `labmss release D42 …` or `labmss release --all`');
      const ids = refs.map((r) => parseRef(r, 'D').id);
      const cfg = config(cmd);
      // Beside a running daemon too: SQLite takes concurrent writers, and the daemon sends pending deliveries on its own.
      const journal = openUnlocked(cfg, 'release');
      try {
        for (const id of ids) {
          const d = journal.delivery(id);
          if (!d) throw new CliError(`no delivery D${id}: see \`labmss status\``);
          if (d.state !== 'held') throw new CliError(`D${id} is ${d.state}, not held: nothing to release (\`labmss resend D${id}\` sends it again)`, EXIT.PROBLEMS);
        }
        const routing = new GateSetup(cfg, transportKind(cfg).needsAllowlist).routingFor(journal);
        const result = releaseHeld(journal, routing, opts.all ? undefined : ids);
        out(cmd, result, () => [
          ...result.released.map((r) => `released D${r.delivery} → ${r.recipient}: sent at the next \`labmss run\` (or now by the daemon)`),
          ...result.held.map((h) => `still held D${h.delivery}: ${h.reason}`),
          ...(result.released.length || result.held.length ? [] : ['no held delivery to look at']),
        ]);
        if (result.held.length) process.exitCode = EXIT.PROBLEMS;
      } finally {
        journal.close();
      }
    });
}

/** After a directory or allow-list import: what it made sendable. */
export function releaseAfterImport(journal: Journal, cfg: ResolvedConfig): ReleaseResult['released'] {
  return releaseHeld(journal, new GateSetup(cfg, transportKind(cfg).needsAllowlist).routingFor(journal)).released;
}
