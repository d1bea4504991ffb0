import type { Command } from 'commander';
import { transportKind } from '../mail/transports.js';
import { config, EXIT, importReference, openReadOnly, out } from './context.js';

export function register(program: Command): void {
  const allowlist = program.command('allowlist').description('the ANS list of MSSanté domains: nothing is sent outside it');

  allowlist.command('import')
    .description('import listeblanchemssante.xml, replacing the previous list')
    .argument('<file>')
    .action((file: string, _opts, cmd: Command) => importReference(cmd, 'allowlist', (journal) => journal.importAllowlist(file), (result) => ({
      event: `imported ${file}: ${result.rows} domains (list of ${result.fileDate ?? 'unknown date'})${result.skipped ? `, ${result.skipped} invalid names` : ''}`,
      lines: [
        `imported ${result.rows} MSSanté domains from ${file}${result.fileDate ? ` (list of ${result.fileDate})` : ''}`,
        ...result.invalid.slice(0, 5).map((n) => `  not a domain, ignored: "${n}"`),
      ],
    })));

  allowlist.command('check')
    .description('say whether labmss would send to these addresses')
    .argument('<address...>')
    .action((addresses: string[], _opts, cmd: Command) => {
      const cfg = config(cmd);
      const journal = openReadOnly(cfg);
      try {
        const { check, warning } = journal.allowlistPolicy(transportKind(cfg).needsAllowlist);
        const results = addresses.map((address) => ({ address, refused: check(address) ?? null }));
        const last = journal.lastImport('allowlist');
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
