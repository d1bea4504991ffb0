import type { Command } from 'commander';
import { Dispatcher, emptySummary, exitCodeOf } from '../dispatcher.js';
import { createTransport } from '../mail/transports.js';
import { pollReceipts, type PollResult } from '../mail/receipts/poller.js';
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
      let receipts: PollResult | { error: string } | undefined;
      try {
        const dispatcher = new Dispatcher(cfg, state.journal, transport);
        await dispatcher.intake(summary);
        await dispatcher.deliverDue(summary, cfg.transport.smtp?.pool ?? 1);
        if (cfg.receipts.imap) receipts = await pollReceipts(cfg, state.journal).catch((err: Error) => ({ error: err.message }));
      } finally {
        await transport.close();
        state.close();
      }
      out(cmd, receipts ? { ...summary, receipts } : summary, () => [...summaryLines(summary, Boolean(globals(cmd).quiet)),
        ...(!receipts ? [] : 'error' in receipts ? [`receipts: cannot read the lab mailbox: ${receipts.error}`]
          : [`receipts: ${receipts.handled} handled${receipts.unmatched ? `, ${receipts.unmatched} not about this journal's messages (left in the mailbox)` : ''}`])]);
      process.exitCode = receipts && 'error' in receipts ? 1 : exitCodeOf(summary);
    });
}
