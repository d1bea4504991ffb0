import type { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ResolvedConfig } from '../config/load.js';
import { coverage, draftMappingCsv, mappingFromConfig, suggestMapping } from '../loinc/index.js';
import type { LabReport } from '../model/labreport.types.js';
import { t } from '../i18n/index.js';
import { CliError, config, globals, openReadOnly, out } from './context.js';
import { parseFile } from './parse.js';
import { sinceToIso } from './log.js';

/** The reports of the export files given and, with --since, those the journal holds since then. */
function reportsOf(cfg: ResolvedConfig, files: string[], since: string | undefined): LabReport[] {
  if (!files.length && !since) throw new CliError(t().loinc.giveInput);
  const reports: LabReport[] = files.flatMap((f) => parseFile(f, cfg.intake.hprimCharset).reports);
  if (since) {
    const journal = openReadOnly(cfg);
    try {
      reports.push(...journal.reportsSince(sinceToIso(since)).map((r) => JSON.parse(r.json) as LabReport));
    } finally { journal.close(); }
  }
  return reports;
}

const readText = (file: string) => readFileSync(file, 'utf8');

export function register(program: Command): void {
  const loinc = program.command('loinc');
  loinc.command('coverage')
    .argument('[files...]')
    .option('--since <when>')
    .option('-n, --top <n>', '', (v) => Number(v), 20)
    .action((files: string[], opts: { since?: string; top: number }, cmd: Command) => {
      const cfg = config(cmd);
      const reports = reportsOf(cfg, files, opts.since);
      const c = coverage(reports, mappingFromConfig(cfg.loinc, readText));
      out(cmd, c, () => [
        t().loinc.mapped({ mapped: c.mapped, total: c.total, share: (c.share * 100).toFixed(1), reports: reports.length }),
        ...(c.unmapped.length ? [t().loinc.unmapped] : []),
        ...c.unmapped.slice(0, opts.top).map((u) => `  ${String(u.count).padStart(6)}  ${u.code}  ${u.label}`),
      ]);
    });
  loinc.command('suggest')
    .description('write a draft mapping file (local code, label, unit, count, proposed LOINC and why) for the biologist to review, then load as loinc.mapping')
    .argument('[files...]', 'export files to examine')
    .option('--since <when>', 'examine the reports the journal holds since a date (2026-11-01) or a duration (30d)')
    .option('-o, --out <file>', 'where to write the draft (default: standard output); never overwrites a file')
    .action((files: string[], opts: { since?: string; out?: string }, cmd: Command) => {
      const cfg = config(cmd);
      if (opts.out && existsSync(opts.out)) throw new CliError(`--out ${opts.out}: the file exists; give a new name (a reviewed mapping must not be overwritten by a draft)`);
      const reports = reportsOf(cfg, files, opts.since);
      // Codes already validated (in the input or the lab's mapping) are not suggested again; catalog aliases never count as validated.
      const suggestions = suggestMapping(reports, mappingFromConfig({ ...cfg.loinc, catalogAliases: false }, readText));
      const csv = draftMappingCsv(suggestions, { date: new Date().toISOString().slice(0, 10), reports: reports.length });
      if (opts.out) writeFileSync(opts.out, csv, { flag: 'wx' });
      else if (!globals(cmd).json) process.stdout.write(csv);
      out(cmd, { file: opts.out, reports: reports.length, suggestions }, () => opts.out
        ? [`${suggestions.length} local code(s) without a validated LOINC code written to ${opts.out} (${suggestions.filter((s) => s.loinc).length} with a proposal): review it with the biologist, then set loinc.mapping`]
        : []);
    });
}
