import type { Command } from 'commander';
import { classifyQuery, type DirectoryEntry } from '../routing/directory.js';
import { t } from '../i18n/index.js';
import { CliError, config, EXIT, importReference, openReadOnly, out } from './context.js';

function entryLine(e: DirectoryEntry): string {
  const who = [e.civility, e.givenName, e.familyName].filter(Boolean).join(' ');
  const id = e.nationalId ? (e.nationalId.startsWith('8') ? `RPPS ${e.nationalId.slice(1)}` : e.nationalId.startsWith('0') ? `ADELI ${e.nationalId.slice(1)}` : e.nationalId) : '';
  const what = [e.profession, e.specialty].filter(Boolean).join(', ');
  // The L6 line is usually "postal code + city" already.
  const place = e.city && e.postalCode && e.city.startsWith(e.postalCode) ? e.city : [e.postalCode, e.city].filter(Boolean).join(' ');
  const where = [e.organization, e.service, place].filter(Boolean).join(', ');
  return [`${e.mailboxType.padEnd(3)} ${e.address}`, who && `${who}${id ? ` (${id})` : ''}`, what, where].filter(Boolean).join(' — ');
}

export function register(program: Command): void {
  const directory = program.command('directory');

  directory.command('import')
    .argument('<file>')
    .action((file: string, _opts, cmd: Command) => importReference(cmd, 'directory', (journal) => journal.importDirectory(file), (result) => {
      const rate = Math.round(result.rows / Math.max(result.seconds, 1e-6));
      return {
        event: `imported ${file}: ${result.rows} mailboxes (extraction of ${result.fileDate ?? 'unknown date'}), ${result.duplicates} duplicates, ${result.skipped} unusable lines`,
        lines: [
          t().refs.directoryImported({ rows: result.rows, file, date: result.fileDate }),
          t().refs.directoryCounts({ duplicates: result.duplicates, skipped: result.skipped, seconds: result.seconds.toFixed(1), rate: result.seconds >= 1 ? String(rate) : '' }),
          ...result.warnings.map((w) => `  ${t().refs.warning({ text: w })}`),
          ...result.problems.slice(0, 5).map((p) => t().refs.line({ line: p.line, reason: p.reason })),
        ],
      };
    }));

  directory.command('lookup')
    .argument('<query...>')
    .option('--limit <n>', undefined, '50')
    .action((words: string[], opts: { limit: string }, cmd: Command) => {
      const cfg = config(cmd);
      const journal = openReadOnly(cfg);
      try {
        const last = journal.lastImport('directory');
        if (!last) throw new CliError(t().refs.noDirectory, EXIT.PROBLEMS);
        const q = classifyQuery(words.join(' '));
        const limit = Math.max(1, Number(opts.limit) || 50);
        const { entries, truncated } = journal.lookupDirectory(q, limit);
        out(cmd, { query: q, extraction: last.fileDate, importedAt: last.importedAt, entries, truncated }, () => entries.length
          ? [...entries.map(entryLine), ...(truncated ? [t().common.truncated({ shown: limit, total: `${limit}+` })] : [])]
          : [t().directory.nothing({ query: q.label, date: last.fileDate ?? last.importedAt.slice(0, 10) })]);
        if (!entries.length) process.exitCode = EXIT.PROBLEMS;
      } finally {
        journal.close();
      }
    });
}
