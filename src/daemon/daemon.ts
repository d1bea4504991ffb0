import { basename } from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import { Dispatcher, emptySummary, type PassSummary } from '../dispatcher.js';
import type { Journal } from '../queue/journal.js';
import { listExport } from '../queue/spool.js';
import type { Transport } from '../mail/transport.js';
import type { Logger } from './logger.js';
import { PathQueue } from './path-queue.js';
import { breathe, SerialJob } from '../queue/serial.js';
import { watchExport, type ExportWatcher } from './watcher.js';

export interface DaemonDeps {
  journal: Journal;
  logger: Logger;
  /** Reads and validates the config again (SIGHUP); throws when it is invalid. */
  loadConfig(): ResolvedConfig;
  createTransport(config: ResolvedConfig): Transport;
  /** Reads DSN/MDN receipts once; called on its timer when `receipts.imap` is configured. */
  pollReceipts?(config: ResolvedConfig, journal: Journal): Promise<{ handled: number; unmatched: number }>;
}

/** What the daemon works with; replaced as a whole when the config is reloaded. */
interface Context { config: ResolvedConfig; dispatcher: Dispatcher; transport: Transport }

const ids = (list: Array<{ delivery: number }>) => list.map((x) => `D${x.delivery}`);
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * `labmss watch`: files are claimed one at a time in arrival order by a single intake lane (the order
 * in which versions of a report are numbered is the order they arrived), while deliveries go out through
 * a serialized delivery pass with `watch.concurrency` messages in flight. Memory and open files stay
 * bounded whatever the size of a burst: the queue holds paths, not contents.
 */
export class Daemon {
  private ctx: Context;
  private readonly queue = new PathQueue();
  private readonly delivery: SerialJob;
  private readonly receipts: SerialJob;
  private readonly abort = new AbortController();
  private watcher?: ExportWatcher;
  private timers: NodeJS.Timeout[] = [];
  private intakeLane: Promise<void> = Promise.resolve();
  private stopping = false;
  /** Counters for the shutdown line and for tests. */
  readonly totals = { files: 0, reports: 0, sent: 0, quarantined: 0, duplicates: 0 };

  constructor(config: ResolvedConfig, private readonly deps: DaemonDeps) {
    this.ctx = this.contextFor(config);
    this.delivery = new SerialJob(() => this.deliveryPass(), (err) => this.log.error({ err: message(err) }, 'delivery pass failed'));
    this.receipts = new SerialJob(() => this.receiptsPass(), (err) => this.log.warn({ err: message(err) }, 'receipt poll failed; retried on the next tick'));
  }

  private get log(): Logger { return this.deps.logger; }

  get config(): ResolvedConfig { return this.ctx.config; }

  private contextFor(config: ResolvedConfig): Context {
    const transport = this.deps.createTransport(config);
    try {
      return { config, transport, dispatcher: new Dispatcher(config, this.deps.journal, transport) };
    } catch (err) {
      void transport.close();
      throw err;
    }
  }

  /** Resumes what a crash left, starts watching, scans what is already there, starts the timers. */
  async start(): Promise<void> {
    const { config } = this.ctx;
    const resumed = emptySummary();
    await this.ctx.dispatcher.resumeIncoming(resumed);
    if (resumed.claimed || resumed.reports || resumed.quarantined.length) {
      this.log.info({ files: resumed.claimed, reports: resumed.reports, quarantined: resumed.quarantined.length }, 'resumed files claimed before a stop');
    }
    const sending = this.deps.journal.deliveriesInStates(['sending']).map((d) => `D${d.id}`);
    if (sending.length) this.log.info({ deliveries: sending }, 'deliveries caught sending by a stop: resending the same message');
    this.startWatcher();
    this.intakeLane = this.runIntake();
    this.delivery.kick();
    this.startTimers();
    this.log.info({ export: config.paths.export, state: config.paths.state, transport: this.ctx.transport.name,
      concurrency: config.watch.concurrency, stableMs: config.watch.stableMilliseconds }, 'watching');
  }

  private startWatcher(): void {
    const { config } = this.ctx;
    this.watchFolder();
    this.scan();
    // A file finished just before the watch began is too fresh for this scan and sends no more events.
    this.later(config.watch.stableMilliseconds + 200, () => this.scan());
  }

  /**
   * Watches the export folder unless it is already watched. A folder missing or replaced stops the watch;
   * it is tried again on every scan tick, and the scan finds the files meanwhile.
   */
  private watchFolder(): void {
    if (this.watcher || this.stopping) return;
    const { config } = this.ctx;
    const lost = (err: Error) => {
      this.log.error({ err: err.message }, 'cannot watch the export folder; the periodic scan still finds files');
      this.watcher?.close();
      this.watcher = undefined;
    };
    try {
      this.watcher = watchExport(config.paths.export, { ignore: config.intake.ignore, stableMs: config.watch.stableMilliseconds, onError: lost },
        (path) => { if (!this.stopping) this.queue.push(path); });
    } catch (err) {
      lost(err as Error);
    }
  }

  private startTimers(): void {
    const { config } = this.ctx;
    this.timers.push(setInterval(() => { this.watchFolder(); this.scan(); this.delivery.kick(); }, config.watch.retryPollSeconds * 1000));
    if (config.receipts.imap && this.deps.pollReceipts) {
      this.timers.push(setInterval(() => this.receipts.kick(), config.receipts.pollSeconds * 1000));
      this.receipts.kick();
    }
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => { this.timers = this.timers.filter((x) => x !== t); fn(); }, ms);
    this.timers.push(t);
  }

  private stopTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  /**
   * Queues the finished files of the export folder: at start-up, and on every retry tick as a safety net
   * for events the kernel dropped (an inotify queue overflows in a burst of thousands of files).
   */
  scan(): void {
    if (this.stopping) return;
    const { config } = this.ctx;
    try {
      const found = listExport(config.paths.export, { ignore: config.intake.ignore, settleMs: config.watch.stableMilliseconds, now: Date.now() });
      for (const c of found) this.queue.push(c.path);
    } catch (err) {
      this.log.error({ err: message(err) }, 'cannot scan the export folder');
    }
  }

  /** Looks for work now (SIGUSR2, e.g. after `labmss resend` queued deliveries). */
  kick(): void {
    this.scan();
    this.delivery.kick();
  }

  private async runIntake(): Promise<void> {
    while (!this.stopping) {
      const path = this.queue.shift();
      if (path === undefined) {
        await this.queue.wait();
        continue;
      }
      await this.processFile(path);
      await breathe();
      // In a burst, messages go out as files come in: intake waits while more than a few rounds of
      // messages are waiting, instead of rendering the whole burst before the first doctor gets anything.
      if (this.ctx.dispatcher.journal.pendingCount() > 16 * this.ctx.config.watch.concurrency) await this.delivery.idle();
    }
  }

  private async processFile(path: string): Promise<void> {
    const summary = emptySummary();
    // A file's name is often the patient's: it is logged at debug level only (`labmss log` has it).
    const file = basename(path);
    try {
      if (!(await this.ctx.dispatcher.claimAndProcess(path, summary))) return;
    } catch (err) {
      this.log.debug({ file }, 'file not processed');
      this.log.error({ err: message(err) }, 'file not processed; a claimed file is resumed at the next start');
      return;
    }
    this.count(summary);
    const outcome = summary.quarantined.length ? 'quarantined' : summary.duplicates ? 'duplicate' : 'parsed';
    this.log.debug({ file, outcome }, 'file processed');
    this.log.info({ outcome, reports: summary.reports, held: ids(summary.held) }, 'file processed');
    this.delivery.kick();
  }

  private count(s: PassSummary): void {
    this.totals.files += s.claimed;
    this.totals.reports += s.reports;
    this.totals.sent += s.sent;
    this.totals.quarantined += s.quarantined.length;
    this.totals.duplicates += s.duplicates;
  }

  private async deliveryPass(): Promise<void> {
    const ctx = this.ctx;
    const summary = emptySummary();
    await ctx.dispatcher.deliverDue(summary, ctx.config.watch.concurrency, this.abort.signal);
    this.count(summary);
    if (summary.sent || summary.deferred.length || summary.failed.length || summary.held.length) {
      this.log.info({ sent: summary.sent, deferred: ids(summary.deferred), failed: ids(summary.failed), held: ids(summary.held) }, 'delivery pass');
    }
    for (const f of summary.failed) this.log.warn({ delivery: `D${f.delivery}` }, 'delivery failed: a person must act (`labmss show` tells why)');
  }

  private async receiptsPass(): Promise<void> {
    const ctx = this.ctx;
    if (!ctx.config.receipts.imap || !this.deps.pollReceipts) return;
    const r = await this.deps.pollReceipts(ctx.config, this.deps.journal);
    if (r.handled || r.unmatched) this.log.info({ handled: r.handled, unmatched: r.unmatched }, 'receipts read');
  }

  /**
   * SIGHUP: reads the config again. An invalid one is refused and the running one kept. The new one
   * applies to the next file and the next delivery pass; a pass under way finishes with the old one.
   */
  async reload(): Promise<boolean> {
    if (this.stopping) return false;
    const old = this.ctx;
    let next: Context;
    try {
      const config = this.deps.loadConfig();
      if (config.paths.state !== old.config.paths.state) {
        throw new Error(`paths.state changed (${old.config.paths.state} → ${config.paths.state}): restart the daemon to move the state directory`);
      }
      next = this.contextFor(config);
    } catch (err) {
      this.log.error({ err: message(err) }, 'config reload refused; still running with the previous config');
      return false;
    }
    this.ctx = next;
    this.log.level = next.config.log.level;
    this.stopTimers();
    this.watcher?.close();
    this.watcher = undefined;
    this.startWatcher();
    this.startTimers();
    void this.delivery.idle().then(() => old.transport.close());
    this.log.info({ export: next.config.paths.export, transport: next.transport.name }, 'config reloaded');
    this.delivery.kick();
    return true;
  }

  /**
   * Stops claiming, lets the file under way finish, aborts the delivery pass between messages (a message
   * being handed over finishes; one caught mid-way stays `sending` and is resent with the same Message-ID
   * at the next start), closes the transport. Unclaimed files stay in the export folder.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stopTimers();
    this.queue.clear();
    this.queue.wake();
    this.abort.abort();
    this.watcher?.close();
    await Promise.all([this.intakeLane, this.delivery.close(), this.receipts.close()]);
    await this.ctx.transport.close();
  }
}
