import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { coverage, loadMapping } from '../loinc/index.js';
import type { LabReport } from '../model/labreport.types.js';
import { CliError, config, openReadOnly, out } from './context.js';
import { parseFile } from './parse.js';
import { sinceToIso } from './log.js';

export function register(program: Command): void {
  const loinc = program.command('loinc').description('LOINC coding: how much of the lab\'s results can go out as stage 2');
  loinc.command('coverage')
    .argument('[files...]')
    .option('--since <when>')
    .option('-n, --top <n>', '', (v) => Number(v), 20)
    .action((files: string[], opts: { since?: string; top: number }, cmd: Command) => {
      if (!files.length && !opts.since) throw new CliError('give export files, or --since DATE to use the journal');
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
        `${c.mapped} of ${c.total} results mapped to LOINC (${(c.share * 100).toFixed(1)} %) in ${reports.length} report(s)`,
        ...(c.unmapped.length ? ['unmapped local codes, most frequent first (add them to the lab mapping file, loinc.mapping):'] : []),
        ...c.unmapped.slice(0, opts.top).map((u) => `  ${String(u.count).padStart(6)}  ${u.code}  ${u.label}`),
      ]);
    });
}
