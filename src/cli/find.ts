import type { Command } from 'commander';
import { findQuery, type FoundReport } from '../find/query.js';
import type { DeliveryRow, Journal } from '../queue/journal.js';
import { formatDate, formatTime, t } from '../i18n/index.js';
import { paintLine } from '../ui/colour.js';
import { CliError, config, EXIT, openReadOnly, out } from './context.js';

/** `LEGRAND Marie (MOREAU), born 15/09/1988, IPP 123, INS 2…`: who the report is about, for the technician's eyes. */
export function patientLine(r: FoundReport): string {
  const name = [r.family?.toUpperCase(), r.used_given ?? r.given].filter(Boolean).join(' ');
  const birth = r.birth_family && r.birth_family.toUpperCase() !== r.family?.toUpperCase() ? ` (${r.birth_family.toUpperCase()})` : '';
  return [`${name}${birth}`, r.birth_date && t().find.bornOn({ date: formatDate(r.birth_date) }),
    r.ipp && `IPP ${r.ipp}`, r.ins && `INS ${r.ins}`].filter(Boolean).join(', ');
}

export function deliveryLine(d: DeliveryRow): string {
  return paintLine(d.state, `    D${d.id} ${(t().status.states[d.state] ?? d.state).padEnd(9)} ${d.recipient} (${d.role})${d.reason ? ` — ${d.reason}` : ''}`);
}

/** Reports matching the query, each with its deliveries. */
export function findWithDeliveries(journal: Journal, words: string[], opts: { birthDate?: string; limit: number }) {
  let query;
  try {
    query = findQuery(words, { birthDate: opts.birthDate });
  } catch {
    throw new CliError(t().find.badDate({ value: opts.birthDate ?? '' }), EXIT.USAGE);
  }
  if (!query.terms.length && !query.birthDate) throw new CliError(t().find.nothingAsked, EXIT.USAGE);
  const { total, reports } = journal.findReports(query, opts.limit);
  return { query, total, truncated: total > reports.length, reports: reports.map((r) => ({ ...r, deliveries: journal.deliveriesOfReport(r.id) })) };
}

export function register(program: Command): void {
  program.command('find')
    .argument('[words...]')
    .option('--birth-date <date>')
    .option('--limit <n>', undefined, '20')
    .action((words: string[], opts: { birthDate?: string; limit: string }, cmd: Command) => {
      const cfg = config(cmd);
      const journal = openReadOnly(cfg);
      try {
        const limit = Math.max(1, Number(opts.limit) || 20);
        const found = findWithDeliveries(journal, words, { birthDate: opts.birthDate, limit });
        const asked = [...words, opts.birthDate].filter(Boolean).join(' ');
        out(cmd, found, () => {
          if (!found.reports.length) return [t().find.none({ query: asked })];
          return [
            ...found.reports.flatMap((r) => [
              `${t().find.report({ id: r.id, dossier: r.dossier ?? '?', version: r.version, status: r.status, at: formatTime(r.created_at) })}`,
              `    ${patientLine(r)}`,
              ...(r.deliveries.length ? r.deliveries.map(deliveryLine) : [t().find.noDelivery]),
            ]),
            ...(found.truncated ? [t().common.truncated({ shown: found.reports.length, total: found.total })] : []),
            t().find.next,
          ];
        });
        if (!found.reports.length) process.exitCode = EXIT.PROBLEMS;
      } finally {
        journal.close();
      }
    });
}
