import type { Command } from 'commander';
import { allowlistPolicy, importAllowlist } from '../routing/allowlist-store.js';
import { lastImport } from '../routing/imports-store.js';
import { config, EXIT, importReference, openReadOnly, out } from './context.js';

export function register(program: Command): void {
  const allowlist = program.command('allowlist').description('the ANS list of MSSanté domains: nothing is sent outside it');

  allowlist.command('import')
    .argument('<file>')
    .action((file: string, _opts, cmd: Command) => importReference(cmd, 'allowlist', (db) => importAllowlist(db, file), (result) => ({
      event: `imported ${file}: ${result.rows} domains (list of ${result.fileDate ?? 'unknown date'})${result.skipped ? `, ${result.skipped} invalid names` : ''}`,
      lines: [
        `imported ${result.rows} MSSanté domains from ${file}${result.fileDate ? ` (list of ${result.fileDate})` : ''}`,
        ...result.invalid.slice(0, 5).map((n) => `  not a domain, ignored: "${n}"`),
      ],
    })));

  allowlist.command('check')
    .argument('<address...>')
    .action((addresses: string[], _opts, cmd: Command) => {
      const cfg = config(cmd);
      const journal = openReadOnly(cfg);
      try {
        const { check, warning } = allowlistPolicy(journal.db, cfg.transport.type);
        const results = addresses.map((address) => ({ address, refused: check(address) ?? null }));
        const last = lastImport(journal.db, 'allowlist');
        out(cmd, { list: last ?? null, warning: warning ?? null, results }, () => [
          ...(warning ? [`warning: ${warning}`] : []),
          ...results.map((r) => r.refused ? `held  ${r.address}: ${r.refused}` : `ok    ${r.address}`),
        ]);
        if (results.some((r) => r.refused)) process.exitCode = EXIT.PROBLEMS;
      } finally {
        journal.close();
      }
    });
}
