import type { Command } from 'commander';
import { Pipeline } from '../pipeline.js';
import { emptySummary, exitCodeOf } from '../summary.js';
import { transportKind } from '../mail/transports.js';
import { CliError, config, EXIT, globals, openState, out } from './context.js';
import { summaryLines } from './summary.js';
import { parseMailbox } from '../routing/mailbox.js';
import { planFiles, verdictLines, verdictOf, verdictProblem } from './plan-files.js';

export function register(program: Command): void {
  program.command('send')
    .description('process and send files given by hand (the originals stay where they are)')
    .argument('<files...>')
    .option('--to <address...>', 'send to these addresses instead of the recipients the report names')
    .option('--dry-run', 'show who would receive what (the same decision `run` takes), send and record nothing')
    .option('--force', 'send even if the same bytes were sent before')
    .action(async (files: string[], opts: { to?: string[]; dryRun?: boolean; force?: boolean }, cmd: Command) => {
      const cfg = config(cmd);
      const to = opts.to?.map((a) => {
        const m = parseMailbox(a);
        if (!m.ok) throw new CliError(`--to: not one email address (${m.reason})`);
        return m.address;
      });
      if (opts.dryRun) {
        const verdicts = (await planFiles(cmd, files, { to, force: opts.force })).map(verdictOf);
        out(cmd, verdicts, () => verdicts.flatMap((v) => verdictLines(v)));
        process.exitCode = verdicts.some(verdictProblem) ? EXIT.PROBLEMS : EXIT.OK;
        return;
      }
      const state = openState(cfg, 'send');
      const kind = transportKind(cfg);
      const transport = kind.create(state.journal.allowlistCheck(kind.needsAllowlist));
      const summary = emptySummary();
      try {
        const pipeline = new Pipeline(cfg, state.journal, transport);
        for (const file of files) await pipeline.submit(file, summary, { to, force: opts.force });
        await pipeline.deliverDue(summary, kind.concurrency);
      } finally {
        await transport.close();
        state.close();
      }
      out(cmd, summary, () => summaryLines(summary, Boolean(globals(cmd).quiet), kind.sends));
      process.exitCode = exitCodeOf(summary);
    });
}
