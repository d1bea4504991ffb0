import type { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { emptySummary, exitCodeOf } from '../summary.js';
import type { PollResult } from '../mail/receipts/poller.js';
import { LockBusy } from '../queue/lock.js';
import type { ResolvedConfig } from '../config/load.js';
import { withProgress } from '../ui/progress.js';
import { CliError, config, EXIT, globals, openState, out } from './context.js';
import { summaryLines } from './summary.js';
import { t } from '../i18n/index.js';

export function register(program: Command): void {
  program.command('run')
    .description('one pass for cron: claim and process the export folder, send what is due (retries included), read receipts')
    .action(async (_opts, cmd: Command) => {
      const cfg = config(cmd);
      const state = openStateOrExplain(cfg);
      // Documents drawn in worker threads, on the other cores, while this thread claims, journals and sends.
      // With files waiting, the threads start now: they load pdfkit and the fonts while this thread loads the pipeline.
      const { configuredRenderPool } = await import('../documents/pool.js');
      const pool = configuredRenderPool(cfg.render.workers);
      if (holdsFiles(cfg.paths.export)) pool?.warm();
      const summary = emptySummary();
      let receipts: PollResult | { error: string } | undefined;
      let sends = false;
      try {
        const [{ Pipeline }, { transportKind }, { pollReceipts }] = await Promise.all([
          import('../pipeline.js'), import('../mail/transports.js'), import('../mail/receipts/poller.js')]);
        const kind = transportKind(cfg);
        sends = kind.sends;
        const transport = kind.create(state.journal.allowlistCheck(kind.needsAllowlist));
        try {
          const pipeline = new Pipeline(cfg, state.journal, transport, undefined, pool);
          await withProgress(globals(cmd), () => t().pass.progress({ claimed: summary.claimed, reports: summary.reports, sent: summary.sent }), async () => {
            await pipeline.pass(summary, kind.concurrency);
          });
          if (cfg.receipts.imap) receipts = await pollReceipts(cfg, state.journal).catch((err: Error) => ({ error: err.message }));
        } finally {
          await transport.close();
        }
      } finally {
        await pool?.close();
        state.close();
      }
      out(cmd, receipts ? { ...summary, receipts } : summary, () => [...summaryLines(summary, Boolean(globals(cmd).quiet), sends),
        ...(!receipts ? [] : 'error' in receipts ? [t().pass.receiptsError({ error: receipts.error })]
          : [t().pass.receipts({ handled: receipts.handled, unmatched: receipts.unmatched })])]);
      process.exitCode = receipts && 'error' in receipts ? 1 : exitCodeOf(summary);
    });
}

/** Whether the export folder holds anything but hidden names (what intake may claim). */
function holdsFiles(dir: string): boolean {
  try {
    return readdirSync(dir).some((n) => !n.startsWith('.'));
  } catch {
    return false;
  }
}

/**
 * The lock before anything else: when a daemon (or another run) owns the state directory, say who and
 * exit 2 with nothing claimed, written or sent. Cron may keep firing while `watch` runs: harmless.
 */
function openStateOrExplain(cfg: ResolvedConfig): ReturnType<typeof openState> {
  try {
    return openState(cfg, 'run');
  } catch (err) {
    if (!(err instanceof LockBusy)) throw err;
    const owner = { state: err.stateDir, command: err.command, pid: err.pid };
    throw new CliError(/\bwatch\b/.test(err.command) ? t().pass.ownedByDaemon(owner) : t().pass.ownedByOther(owner), EXIT.USAGE);
  }
}
