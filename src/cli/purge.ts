import type { Command } from 'commander';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { retentionCutoffs } from '../retention/plan.js';
import { isInside, locateInput, removeCounting } from '../retention/disk.js';
import { reportDir, spoolLayout } from '../queue/spool.js';
import type { Journal } from '../queue/journal.js';
import type { ResolvedConfig } from '../config/load.js';
import { formatBytes, t } from '../i18n/index.js';
import { config, globals, openReadOnly, openUnlocked, out } from './context.js';

type Kind = 'emls' | 'inputs' | 'reports' | 'quarantined' | 'outbox';

/** The paths past retention, by kind: what the journal lists, plus the outbox folder's old messages. */
function pastRetention(journal: Journal, cfg: ResolvedConfig, now: Date): Record<Kind, string[]> {
  const cut = retentionCutoffs(cfg.retention, now);
  const layout = spoolLayout(cfg.paths.state);
  const c = journal.retentionCandidates(cut);
  const outboxDir = cfg.transport.outbox ?? join(cfg.paths.state, 'outbox');
  let outbox: string[] = [];
  try {
    outbox = readdirSync(outboxDir).map((n) => join(outboxDir, n))
      .filter((p) => statSync(p).isFile() && statSync(p).mtime.toISOString() < cut.outboxBefore);
  } catch { /* no outbox folder */ }
  const inState = (p: string) => isInside(p, cfg.paths.state);
  return {
    emls: c.emls.filter(inState),
    inputs: c.inputs.map((row) => locateInput(row, layout.done)).filter((p): p is string => p !== undefined),
    reports: c.reports.map((r) => reportDir(layout, r.set_id, r.version)),
    quarantined: c.quarantined.filter(inState).flatMap((p) => [p, `${p}.error.txt`]),
    outbox,
  };
}

export function register(program: Command): void {
  program.command('purge')
    .option('--dry-run')
    .action((opts: { dryRun?: boolean }, cmd: Command) => {
      const cfg = config(cmd);
      const dryRun = Boolean(opts.dryRun);
      // Beside a running daemon: only files nobody is sending any more are removed, and one event is written.
      const journal = dryRun ? openReadOnly(cfg) : openUnlocked(cfg, 'purge');
      try {
        const targets = pastRetention(journal, cfg, new Date());
        const freed = Object.fromEntries(Object.entries(targets).map(([kind, paths]) => {
          const sizes = paths.map((p) => removeCounting(p, dryRun)).filter((b) => b > 0);
          return [kind, { files: sizes.length, bytes: sizes.reduce((a, b) => a + b, 0) }];
        })) as Record<Kind, { files: number; bytes: number }>;
        const total = Object.values(freed).reduce((a, f) => a + f.bytes, 0);
        const files = Object.values(freed).reduce((a, f) => a + f.files, 0);
        if (!dryRun && files) {
          journal.event('purge', {}, `retention removed ${files} file(s), ${total} bytes: ${Object.entries(freed).filter(([, f]) => f.files)
            .map(([k, f]) => `${k} ${f.files} (${f.bytes} bytes)`).join(', ')}`);
        }
        const m = t().purge;
        out(cmd, { dryRun, freed, bytes: total }, () => {
          if (!files) return globals(cmd).quiet ? [] : [m.nothing];
          if (globals(cmd).quiet) return [];
          return [
            ...Object.entries(freed).filter(([, f]) => f.files).map(([k, f]) => m.line({ what: m.kinds[k as Kind], count: f.files, size: formatBytes(f.bytes) })),
            dryRun ? m.wouldFree({ size: formatBytes(total) }) : m.freed({ size: formatBytes(total) }),
          ];
        });
      } finally {
        journal.close();
      }
    });
}
