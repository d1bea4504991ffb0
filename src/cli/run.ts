import type { Command } from 'commander';
import { Dispatcher, emptySummary, exitCodeOf } from '../dispatcher.js';
import { createTransport } from '../mail/transports.js';
import { config, globals, openState, out } from './context.js';
import { summaryLines } from './summary.js';

export function register(program: Command): void {
  program.command('run')
    .description('one pass for cron: claim and process the export folder, send what is due (retries included), read receipts')
    .action(async (_opts, cmd: Command) => {
      const cfg = config(cmd);
      const state = openState(cfg, 'run');
      const transport = createTransport(cfg);
      const summary = emptySummary();
      try {
        const dispatcher = new Dispatcher(cfg, state.journal, transport);
        await dispatcher.intake(summary);
        await dispatcher.deliverDue(summary, cfg.transport.smtp?.pool ?? 1);
      } finally {
        await transport.close();
        state.close();
      }
      out(cmd, summary, () => summaryLines(summary, Boolean(globals(cmd).quiet)));
      process.exitCode = exitCodeOf(summary);
    });
}
