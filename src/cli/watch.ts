import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { createTransport, transportKind } from '../mail/transports.js';
import { pollReceipts } from '../mail/receipts/poller.js';
import type { Daemon } from '../daemon/daemon.js';
import type { Server } from 'node:http';
import type { Journal } from '../queue/journal.js';
import type { Logger } from '../daemon/logger.js';
import { colourWanted } from '../ui/colour.js';
import { config, globals, openState } from './context.js';

/**
 * /health and /metrics on the configured loopback port. A port that cannot be opened is logged as an
 * error and the daemon goes on sending: results matter more than figures (and the missing /health alerts).
 */
async function startMonitoring(where: { host: string; port: number }, journal: Journal, daemon: Daemon, logger: Logger): Promise<Server | undefined> {
  const { metricsRegistry, opsSnapshot, serveMetrics } = await import('../daemon/metrics.js');
  const started = Date.now();
  const snapshot = () => opsSnapshot(journal, daemon.config, new Date());
  try {
    const server = await serveMetrics(where, metricsRegistry(snapshot), () => {
      const s = snapshot();
      return { uptimeSeconds: Math.floor((Date.now() - started) / 1000), deliveries: s.deliveries, oldestWaitingSeconds: s.oldestWaitingSeconds,
        lastAccepted: s.lastAccepted === null ? null : new Date(s.lastAccepted * 1000).toISOString() };
    });
    logger.info({ host: where.host, port: where.port }, 'serving /health and /metrics');
    return server;
  } catch (err) {
    logger.error({ host: where.host, port: where.port, err: (err as Error).message }, 'cannot serve /health and /metrics');
    return undefined;
  }
}

export function register(program: Command): void {
  program.command('watch')
    .action(async (_opts, cmd: Command) => {
      // No --optimize-for-size: it halved the heap of a draining backlog (125 MB instead of 225 MB peak) at
      // 2.6x the CPU per file (71.5 ms instead of 27.5 ms, 12.8 files/s instead of 31.4); the heap stays flat
      // without it (10,000 files), under the 250 MB a server can give.
      const cfg = config(cmd);
      // The daemon's own modules (the folder watcher, pino) load only for this command.
      const [{ Daemon }, { createLogger }, { handleSignals }, { readableStream }] = await Promise.all([
        import('../daemon/daemon.js'), import('../daemon/logger.js'), import('../daemon/shutdown.js'), import('../daemon/readable.js')]);
      // The lock first: with another labmss owning the state directory, nothing is touched (exit 2).
      const state = openState(cfg, 'watch');
      // JSON for journald, pipes and --json; readable lines for a person at a terminal.
      const readable = Boolean(process.stdout.isTTY) && !globals(cmd).json;
      const logger = createLogger(cfg.log.level, readable ? readableStream(process.stdout, colourWanted()) : process.stdout);
      // SQLite's own default page cache (2 MB) instead of better-sqlite3's 16 MB: the daemon reads recent rows
      // through indexes, and the cache filled up with the journal (31 MB after 10,000 files). Measured:
      // 9 MB less peak RSS at 3,000 files, ~14 MB at 10,000, same drain rate.
      state.journal.setCacheKib(2000);
      let daemon: Daemon;
      let monitoring: Server | undefined;
      let exited: Promise<number>;
      try {
        daemon = new Daemon(cfg, {
          journal: state.journal,
          logger,
          loadConfig: () => loadConfig(globals(cmd).config).config,
          createTransport: (c) => createTransport(c, state.journal.allowlistCheck(transportKind(c).needsAllowlist)),
          pollReceipts,
        });
        // Signals are handled before the first log line, so a SIGHUP or SIGTERM sent right away is never fatal.
        exited = handleSignals(daemon, logger, () => { monitoring?.close(); state.close(); });
        await daemon.start();
        if (cfg.watch.metrics) monitoring = await startMonitoring(cfg.watch.metrics, state.journal, daemon, logger);
      } catch (err) {
        state.close();
        throw err;
      }
      process.exitCode = await exited;
      // Timers, watchers and sockets are closed; a stuck socket must not keep a stopped daemon alive.
      setTimeout(() => process.exit(), 200).unref();
    });
}
