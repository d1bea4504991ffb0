import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { coverage, loadMapping } from '../loinc/index.js';
import type { LabReport } from '../model/labreport.types.js';
import { t } from '../i18n/index.js';
import { CliError, config, openReadOnly, out } from './context.js';
import { parseFile } from './parse.js';
import { sinceToIso } from './log.js';

export function register(program: Command): void {
  const loinc = program.command('loinc');
  loinc.command('coverage')
    .argument('[files...]')
    .option('--since <when>')
    .option('-n, --top <n>', '', (v) => Number(v), 20)
    .action((files: string[], opts: { since?: string; top: number }, cmd: Command) => {
      if (!files.length && !opts.since) throw new CliError(t().loinc.giveInput);
      const cfg = config(cmd);
      const mapping = cfg.loinc.mapping ? loadMapping(readFileSync(cfg.loinc.mapping, 'utf8'), cfg.loinc.mapping) : undefined;
      const reports: LabReport[] = files.flatMap((f) => parseFile(f, cfg.intake.hprimCharset).reports);
      if (opts.since) {
        const journal = openReadOnly(cfg);
        try {
          reports.push(...journal.reportsSince(sinceToIso(opts.since)).map((r) => JSON.parse(r.json) as LabReport));
        } finally { journal.close(); }
      }
      const c = coverage(reports, mapping);
      out(cmd, c, () => [
        t().loinc.mapped({ mapped: c.mapped, total: c.total, share: (c.share * 100).toFixed(1), reports: reports.length }),
        ...(c.unmapped.length ? [t().loinc.unmapped] : []),
        ...c.unmapped.slice(0, opts.top).map((u) => `  ${String(u.count).padStart(6)}  ${u.code}  ${u.label}`),
      ]);
    });
}
