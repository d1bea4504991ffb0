import type { Command } from 'commander';
import { transportKind } from '../mail/transports.js';
import { t } from '../i18n/index.js';
import { paintLine } from '../ui/colour.js';
import { config, EXIT, importReference, openReadOnly, out } from './context.js';

export function register(program: Command): void {
  const allowlist = program.command('allowlist');

  allowlist.command('import')
    .argument('<file>')
    .action((file: string, _opts, cmd: Command) => importReference(cmd, 'allowlist', (journal) => journal.importAllowlist(file), (result) => ({
      // The event stays English (the journal is for machines and auditors); the lines are for the person.
      event: `imported ${file}: ${result.rows} domains (list of ${result.fileDate ?? 'unknown date'})${result.skipped ? `, ${result.skipped} invalid names` : ''}`,
      lines: [
        t().refs.allowlistImported({ rows: result.rows, file, date: result.fileDate }),
        ...result.invalid.slice(0, 5).map((n) => t().refs.notADomain({ name: n })),
      ],
    })));

  allowlist.command('check')
    .argument('<address...>')
    .action((addresses: string[], _opts, cmd: Command) => {
      const cfg = config(cmd);
      const journal = openReadOnly(cfg);
      try {
        const { check, warning } = journal.allowlistPolicy(transportKind(cfg).needsAllowlist);
        const results = addresses.map((address) => ({ address, refused: check(address) ?? null }));
        const last = journal.lastImport('allowlist');
        out(cmd, { list: last ?? null, warning: warning ?? null, results }, () => [
          ...(warning ? [t().refs.warning({ text: warning })] : []),
          ...results.map((r) => r.refused ? paintLine('held', t().refs.refused({ address: r.address, reason: r.refused })) : t().refs.allowed({ address: r.address })),
        ]);
        if (results.some((r) => r.refused)) process.exitCode = EXIT.PROBLEMS;
      } finally {
        journal.close();
      }
    });
}
