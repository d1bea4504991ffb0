import type { Command } from 'commander';
import type { EventRow } from '../queue/journal.js';
import { formatTime, t } from '../i18n/index.js';
import { CliError, config, openReadOnly, out, parseRef } from './context.js';

export function eventLine(e: EventRow): string {
  const refs = [e.file_id && `F${e.file_id}`, e.report_id && `R${e.report_id}`, e.delivery_id && `D${e.delivery_id}`].filter(Boolean).join(' ');
  // Kinds and states in the reader's language (English: as stored); the detail is the journal's own text.
  const m = t();
  const word = (k: string) => m.log.kinds[k] ?? m.status.states[k] ?? k;
  const states = e.to_state ? ` ${e.from_state ? `${word(e.from_state)}→` : ''}${word(e.to_state)}` : '';
  return `${formatTime(e.at)} ${refs.padEnd(12)} ${word(e.kind)}${states}${e.detail ? `: ${e.detail}` : ''}  [${e.actor}]`;
}

/** `2026-11-01`, `2026-11-01T08:00`, or a relative `2h`, `3d` → ISO. */
export function sinceToIso(since: string, now = new Date()): string {
  const rel = /^(\d+)([mhd])$/.exec(since);
  if (rel) return new Date(now.getTime() - Number(rel[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 'm' | 'h' | 'd']).toISOString();
  const t = Date.parse(since);
  if (Number.isNaN(t)) throw new CliError(`--since ${since}: expected a date (2026-11-01, 2026-11-01T08:00) or a duration (2h, 3d)`);
  return new Date(t).toISOString();
}

export function register(program: Command): void {
  program.command('log')
    .option('--report <id>')
    .option('--delivery <id>')
    .option('--since <when>')
    .option('-n, --limit <n>', '', (v) => Number(v))
    .action((opts: { report?: string; delivery?: string; since?: string; limit?: number }, cmd: Command) => {
      const cfg = config(cmd);
      const journal = openReadOnly(cfg);
      try {
        const report = opts.report ? parseRef(opts.report, 'R').id : undefined;
        const delivery = opts.delivery ? parseRef(opts.delivery, 'D').id : undefined;
        // Asking for something that does not exist is a mistake (exit 2, as `show` does), not an empty trail.
        if (report !== undefined && !journal.report(report)) throw new CliError(t().log.noReport({ id: report }));
        if (delivery !== undefined && !journal.delivery(delivery)) throw new CliError(t().log.noDelivery({ id: delivery }));
        const events = journal.events({
          report,
          delivery,
          since: opts.since ? sinceToIso(opts.since) : undefined,
          limit: opts.limit,
        });
        out(cmd, events, () => events.map(eventLine));
      } finally {
        journal.close();
      }
    });
}
