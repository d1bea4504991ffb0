import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { mappingFromConfig } from '../loinc/index.js';
import { monthlyStats, reportDirIn, type MonthStats } from '../stats/monthly.js';
import { t } from '../i18n/index.js';
import { CliError, config, openReadOnly, out } from './context.js';

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)} %`);

function duration(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function statsLines(months: MonthStats[], currency = '€'): string[] {
  const s = t().stats;
  if (!months.length) return [s.none];
  return months.flatMap((m) => [
    `${m.month}`,
    s.volume({ reports: m.reports, messages: m.messages, recipients: m.recipients, held: m.held, failed: m.failed, waiting: m.waiting }),
    s.rates({ delivered: pct(m.deliveredRate), bounced: pct(m.bouncedRate), read: pct(m.readRate),
      delay: m.medianDelay ? `${duration(m.medianDelay.seconds)}${m.medianDelay.basis === 'accepted' ? s.toOperator : ''}` : '-' }),
    s.stage2({ share: pct(m.stage2Share), loinc: pct(m.loinc.share), coded: m.loinc.coded, results: m.loinc.results }),
    s.paper({ letters: m.dematerialisation.letters, pages: m.dematerialisation.pages, postage: m.dematerialisation.postage.toFixed(2), currency }),
  ]);
}

export function register(program: Command): void {
  program.command('stats')
    .option('--month <YYYY-MM>')
    .action((opts: { month?: string }, cmd: Command) => {
      if (opts.month && !/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.month)) throw new CliError(t().stats.badMonth({ value: opts.month }));
      const cfg = config(cmd);
      const journal = openReadOnly(cfg);
      try {
        const months = monthlyStats(journal, {
          timezone: cfg.lab.timezone,
          postagePerLetter: cfg.stats.postagePerLetter,
          reportDir: reportDirIn(cfg.paths.state),
          mapping: mappingFromConfig(cfg.loinc, (f) => readFileSync(f, 'utf8')),
          month: opts.month,
        });
        out(cmd, { postagePerLetter: cfg.stats.postagePerLetter, months }, () => statsLines(months));
      } finally {
        journal.close();
      }
    });
}
