import type { Command } from 'commander';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { recoverJournal } from '../queue/recover.js';
import { acquireLock } from '../queue/lock.js';
import { defaultActor } from '../queue/journal.js';
import { CliError, config, EXIT, openReadOnly, out } from './context.js';

export function register(program: Command): void {
  const journal = program.command('journal').description('the journal itself: rebuild it when it was lost');
  journal.command('recover')
    .description('a new journal beside the spool of a lost one: processed inputs, quarantined files and sent messages recorded, nothing sent twice, no proof overwritten')
    .action((_opts, cmd: Command) => {
      const cfg = config(cmd);
      const lock = acquireLock(cfg.paths.state, 'labmss journal recover');
      try {
        let r;
        try {
          r = recoverJournal(cfg.paths.state, cfg.paths.export, cfg.transport.outbox ?? join(cfg.paths.state, 'outbox'), defaultActor('labmss journal recover'));
        } catch (err) {
          throw new CliError(`journal recover: ${(err as Error).message}`, EXIT.USAGE);
        }
        out(cmd, r, () => [`journal rebuilt: ${r.inputs} processed input(s) and ${r.quarantined} quarantined file(s) recorded, ${r.proofs} sent message(s) in the trail; new deliveries start at D${r.deliveryIdFloor + 1}`,
          ...(r.returned ? [`${r.returned} file(s) half-claimed by the lost journal's process put back in the export folder`] : [])]);
      } finally {
        lock.release();
      }
    });

  program.command('backup')
    .description('an online copy of the journal (safe while the daemon runs), to restore if the disk is lost')
    .argument('<dest>', 'the file to write (refused if it exists)')
    .action(async (dest: string, _opts, cmd: Command) => {
      if (existsSync(dest)) throw new CliError(`${dest} exists: give a new file name (a backup never overwrites one)`);
      const j = openReadOnly(config(cmd));
      try {
        const bytes = await j.backup(dest);
        out(cmd, { dest, bytes }, () => [`journal copied to ${dest} (${bytes} bytes)`]);
      } finally {
        j.close();
      }
    });
}
