import type { Command } from 'commander';
import { Dispatcher, emptySummary, exitCodeOf } from '../dispatcher.js';
import { createTransport } from '../mail/transports.js';
import { routeReport } from '../routing/resolve.js';
import { routingContext } from '../routing/context.js';
import { loadAddressBook } from '../routing/address-book.js';
import { CliError, config, globals, openState, openUnlocked, out } from './context.js';
import { summaryLines } from './summary.js';
import { parseFile } from './parse.js';
import { patientDisplayName } from '../documents/names.js';

export function register(program: Command): void {
  program.command('send')
    .description('process and send files given by hand (the originals stay where they are)')
    .argument('<files...>')
    .option('--to <address...>', 'send to these addresses instead of the recipients the report names')
    .option('--dry-run', 'parse and route only: print who would receive what, send and record nothing')
    .option('--force', 'send even if the same bytes were sent before')
    .action(async (files: string[], opts: { to?: string[]; dryRun?: boolean; force?: boolean }, cmd: Command) => {
      const cfg = config(cmd);
      for (const a of opts.to ?? []) if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a)) throw new CliError(`--to ${a}: not an email address`);
      if (opts.dryRun) {
        // Routed exactly as a real run would (directory, allow-list), reading the journal and writing nothing.
        const journal = openUnlocked(cfg, 'send --dry-run');
        let plan;
        try {
          const routing = routingContext(journal.db, cfg, loadAddressBook(cfg.addressBook));
          plan = files.map((file) => ({ file, reports: parseFile(file, cfg.intake.hprimCharset).reports.map((r) => ({
            patient: patientDisplayName(r), dossier: r.request.fillerId, ...routeReport(r, routing.ctx, opts.to),
          })) }));
        } finally { journal.close(); }
        out(cmd, plan, () => plan.flatMap((f) => f.reports.flatMap((r) => [
          `${f.file}: ${r.patient} (dossier ${r.dossier ?? '?'})`,
          ...r.recipients.map((x) => `  would send to ${x.address} (${x.role})`),
          ...r.unrouted.map((u) => `  would hold: ${u.who}: ${u.reason}`),
        ])));
        return;
      }
      const state = openState(cfg, 'send');
      const transport = createTransport(cfg);
      const summary = emptySummary();
      try {
        const dispatcher = new Dispatcher(cfg, state.journal, transport);
        for (const file of files) await dispatcher.submit(file, summary, { to: opts.to, force: opts.force });
        await dispatcher.deliverDue(summary, cfg.transport.smtp?.pool ?? 1);
      } finally {
        await transport.close();
        state.close();
      }
      out(cmd, summary, () => summaryLines(summary, Boolean(globals(cmd).quiet)));
      process.exitCode = exitCodeOf(summary);
    });
}
