import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { loadMapping } from '../loinc/index.js';
import { monthlyStats, reportDirIn, type MonthStats } from '../stats/monthly.js';
import { CliError, config, openReadOnly, out } from './context.js';

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)} %`);

function duration(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function statsLines(months: MonthStats[], currency = '€'): string[] {
  if (!months.length) return ['no reports in the journal for that period'];
  return months.flatMap((m) => [
    `${m.month}`,
    `  reports ${m.reports}, messages ${m.messages} to ${m.recipients} recipient(s); held ${m.held}, failed ${m.failed}, waiting ${m.waiting}`,
    `  delivered ${pct(m.deliveredRate)}, bounced ${pct(m.bouncedRate)}, read ${pct(m.readRate)}; median time to delivery ` +
      (m.medianDelay ? `${duration(m.medianDelay.seconds)}${m.medianDelay.basis === 'accepted' ? ' (to the operator: no delivery reports yet)' : ''}` : '-'),
    `  stage 2 (CR-BIO) ${pct(m.stage2Share)} of messages; LOINC coverage ${pct(m.loinc.share)} (${m.loinc.coded}/${m.loinc.results} results)`,
    `  not printed and posted: ${m.dematerialisation.letters} letter(s), ${m.dematerialisation.pages} page(s), ${m.dematerialisation.postage.toFixed(2)} ${currency} of postage`,
  ]);
}

export function register(program: Command): void {
  program.command('stats')
    .option('--month <YYYY-MM>')
    .action((opts: { month?: string }, cmd: Command) => {
      if (opts.month && !/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.month)) throw new CliError(`--month ${opts.month}: expected YYYY-MM, e.g. 2026-11`);
      const cfg = config(cmd);
      const journal = openReadOnly(cfg);
      try {
        const months = monthlyStats(journal, {
          timezone: cfg.lab.timezone,
          postagePerLetter: cfg.stats.postagePerLetter,
          reportDir: reportDirIn(cfg.paths.state),
          mapping: cfg.loinc.mapping ? loadMapping(readFileSync(cfg.loinc.mapping, 'utf8'), cfg.loinc.mapping) : undefined,
          month: opts.month,
        });
        out(cmd, { postagePerLetter: cfg.stats.postagePerLetter, months }, () => statsLines(months));
      } finally {
        journal.close();
      }
    });
}
