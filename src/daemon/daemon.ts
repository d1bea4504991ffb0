import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pipeline, TransientFault } from '../pipeline.js';
import { describeFault, isTransientFault } from '../queue/faults.js';
import { emptySummary, type PassSummary } from '../summary.js';
import type { Journal } from '../queue/journal.js';
import { ExportLooker, intakeRules, type LookResult } from '../intake/look.js';
import type { Transport } from '../mail/transport.js';
import type { Logger } from './logger.js';
import { PathQueue } from './path-queue.js';
import { breathe, SerialJob } from '../queue/serial.js';
import { watchExport, type ExportWatcher } from './watcher.js';
import { configuredRenderPool, type RenderPool } from '../documents/pool.js';

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
interface Context { config: ResolvedConfig; pipeline: Pipeline; transport: Transport; looker: ExportLooker; pool?: RenderPool }

const FIRST_FAULT_DELAY_MS = 5_000;
const MAX_FAULT_DELAY_MS = 300_000;

const inodeOf = (path: string) => { try { return statSync(path).ino; } catch { return undefined; } };
const ids = (list: Array<{ delivery: number }>) => list.map((x) => `D${x.delivery}`);
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * `labmss watch`: files are claimed one at a time in arrival order by a single intake lane (the order
 * in which versions of a report are numbered is the order they arrived); with render threads a few are
 * prepared ahead and applied in that order. Deliveries go out through a serialized delivery pass with
 * `watch.concurrency` messages in flight. Memory and open files stay bounded whatever the size of a
 * burst: the queue holds paths, not contents.
 */
export class Daemon {
  private ctx: Context;
  private readonly queue = new PathQueue();
  private readonly delivery: SerialJob;
  private readonly receipts: SerialJob;
  private readonly abort = new AbortController();
  private watcher?: ExportWatcher;
  /** The inode of the export folder the watcher watches. */
  private watchedFolder?: number;
  private timers: NodeJS.Timeout[] = [];
  /** Names the watcher reported, looked at again until finished (or gone). */
  private looking = new Set<string>();
  /** The one timer of the next look at `looking`, and when it fires. */
  private lookTimer?: { timer: NodeJS.Timeout; at: number };
  private intakeLane: Promise<void> = Promise.resolve();
  private stopping = false;
  /** The current wait after a fault of the machine; 0 when there is none. */
  private faultDelayMs = 0;
  /** Counters for the shutdown line and for tests. */
  readonly totals = { files: 0, reports: 0, sent: 0, quarantined: 0, duplicates: 0 };

  constructor(config: ResolvedConfig, private readonly deps: DaemonDeps) {
    this.ctx = this.contextFor(config);
    this.delivery = new SerialJob(() => this.deliveryPass(), (err) => {
      // A full disk or an I/O error while writing a message: the deliveries stay due and the next tick retries them.
      if (isTransientFault(err)) this.log.warn({ fault: describeFault(err) }, 'machine fault while sending: deliveries stay due and are retried');
      else this.log.error({ err: message(err) }, 'delivery pass failed');
    });
    this.receipts = new SerialJob(() => this.receiptsPass(), (err) => this.log.warn({ err: message(err) }, 'receipt poll failed; retried on the next tick'));
  }

  private get log(): Logger { return this.deps.logger; }

  get config(): ResolvedConfig { return this.ctx.config; }

  private contextFor(config: ResolvedConfig): Context {
    const transport = this.deps.createTransport(config);
    try {
      const looker = new ExportLooker(config.paths.export, intakeRules(config));
      // Threads start on the first file. A render thread's young generation is kept to 16 MB (V8 gives it
      // more by default): the daemon's resident memory over a 2,000-file backlog, 210 → 194 MB, drain no slower.
      const pool = configuredRenderPool(config.render.workers, { resourceLimits: { maxYoungGenerationSizeMb: 16 } });
      return { config, transport, looker, pool, pipeline: new Pipeline(config, this.deps.journal, transport, undefined, pool) };
    } catch (err) {
      void transport.close();
      throw err;
    }
  }

  /** Resumes what a crash left, starts watching, scans what is already there, starts the timers. */
  async start(): Promise<void> {
    const { config } = this.ctx;
    const resumed = emptySummary();
    let fault: TransientFault | undefined;
    try {
      await this.ctx.pipeline.resumeIncoming(resumed);
    } catch (err) {
      if (!(err instanceof TransientFault)) throw err;
      fault = err;
    }
    if (resumed.claimed || resumed.reports || resumed.quarantined.length) {
      this.log.info({ files: resumed.claimed, reports: resumed.reports, quarantined: resumed.quarantined.length }, 'resumed files claimed before a stop');
    }
    this.releaseHeld();
    const sending = this.deps.journal.deliveriesInStates(['sending']).map((d) => `D${d.id}`);
    if (sending.length) this.log.info({ deliveries: sending }, 'deliveries caught sending by a stop: resending the same message');
    this.startWatcher();
    this.intakeLane = (fault ? this.waitOutFault(fault) : Promise.resolve()).then(() => this.runIntake());
    this.delivery.kick();
    this.startTimers();
    this.log.info({ export: config.paths.export, state: config.paths.state, transport: this.ctx.transport.name,
      concurrency: config.watch.concurrency, settleSeconds: config.intake.settleSeconds, polling: config.watch.usePolling }, 'watching');
  }

  /** Held deliveries whose address was the problem: at start and after a reload (address book, directory, list). */
  private releaseHeld(): void {
    const released = this.ctx.pipeline.releaseHeld(emptySummary()).released;
    if (released.length) this.log.info({ deliveries: released.map((r) => `D${r.delivery}`) }, 'held deliveries released: their cause has gone');
  }

  private startWatcher(): void {
    this.watchFolder();
    this.scan();
  }

  /**
   * Watches the export folder unless it is already watched. A folder missing or replaced stops the watch;
   * it is started again on every rescan, and the rescan finds the files meanwhile. An error about one file
   * (a watch limit reached in a huge backlog, a file the account cannot read) keeps the watch on the
   * others: the rescans find that file.
   */
  private watchFolder(): void {
    if (this.stopping) return;
    const { config } = this.ctx;
    const folder = inodeOf(config.paths.export);
    if (this.watcher && folder === this.watchedFolder) return;
    void this.watcher?.close(); // the folder was replaced (or removed): its watch sees nothing any more
    this.watchedFolder = folder;
    const lost = (err: Error) => {
      this.log.error({ err: err.message, polling: config.watch.usePolling }, 'cannot watch the export folder; the periodic scan still finds files');
      void this.watcher?.close();
      this.watcher = undefined;
    };
    let warned = 0;
    const failed = (err: Error & { path?: string }) => {
      const onTheFolder = err.path === undefined || resolve(err.path) === resolve(config.paths.export);
      if (onTheFolder || folder === undefined || inodeOf(config.paths.export) !== folder) return lost(err);
      if (Date.now() - warned < config.watch.rescanSeconds * 1000) return;
      warned = Date.now();
      this.log.warn({ err: err.message }, 'a file of the export folder cannot be watched; the periodic scan finds it');
    };
    try {
      this.watcher = watchExport(config.paths.export,
        { ignore: config.intake.ignore, usePolling: config.watch.usePolling, intervalMs: config.watch.pollingIntervalMilliseconds, onReady: () => this.scan(), onError: failed },
        (name) => this.changed(name));
    } catch (err) {
      lost(err as Error);
    }
  }

  private startTimers(): void {
    const { config } = this.ctx;
    this.timers.push(setInterval(() => { this.watchFolder(); this.scan(); }, config.watch.rescanSeconds * 1000));
    this.timers.push(setInterval(() => this.delivery.kick(), config.watch.retryPollSeconds * 1000));
    if (config.receipts.imap && this.deps.pollReceipts) {
      this.timers.push(setInterval(() => this.receipts.kick(), config.receipts.pollSeconds * 1000));
      this.receipts.kick();
    }
  }

  private stopTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    clearTimeout(this.lookTimer?.timer);
    this.lookTimer = undefined;
  }

  /**
   * Looks at the whole export folder and queues its finished files: at start-up, and every
   * `watch.rescanSeconds` as a safety net for events the watcher missed (an inotify queue overflows in a
   * burst of thousands of files; a share without polling sends none).
   */
  scan(): void {
    if (this.stopping) return;
    try {
      const found = this.ctx.looker.lookAll(Date.now());
      this.looking = new Set(found.waiting);
      this.found(found);
    } catch (err) {
      this.log.error({ err: message(err) }, 'cannot scan the export folder');
    }
  }

  /** The watcher saw `name` appear or change: look at it now, and again until it is finished. */
  private changed(name: string): void {
    if (this.stopping) return;
    const subject = this.ctx.looker.subjectOf(name);
    if (subject === undefined) {
      this.scan(); // a marker that does not name its file
      return;
    }
    this.looking.add(subject);
    this.lookIn(0);
  }

  private lookAgain(): void {
    this.lookTimer = undefined;
    if (this.stopping) return;
    const found = this.ctx.looker.lookAt(this.looking, Date.now());
    this.looking = new Set(found.waiting);
    this.found(found);
  }

  private found(found: LookResult): void {
    for (const c of found.ready) this.queue.push(c.path);
    if (found.nextLookMs !== undefined) this.lookIn(found.nextLookMs + 5);
  }

  /** One timer for every file being looked at: it fires at the earliest look any of them needs. */
  private lookIn(ms: number): void {
    const at = Date.now() + ms;
    if (this.lookTimer && this.lookTimer.at <= at) return;
    clearTimeout(this.lookTimer?.timer);
    this.lookTimer = { timer: setTimeout(() => this.lookAgain(), ms), at };
  }

  /** Looks for work now (SIGUSR2, e.g. after `labmss resend` queued deliveries). */
  kick(): void {
    this.scan();
    this.delivery.kick();
  }

  private async runIntake(): Promise<void> {
    let ctx = this.ctx;
    while (!this.stopping) {
      const path = this.queue.shift();
      // Nothing more to claim now, or a reload: the files prepared ahead are applied first (the old
      // context's threads are closed only then: a plan made stale is prepared again in them).
      if (path === undefined || ctx !== this.ctx) await this.applyClaimed(ctx.pipeline);
      if (ctx !== this.ctx) void ctx.pool?.close();
      ctx = this.ctx;
      if (path === undefined) {
        await this.queue.wait();
        continue;
      }
      await this.processFile(path);
      await breathe();
      // In a burst, messages go out as files come in: intake waits while more than a few rounds of
      // messages are waiting, instead of rendering the whole burst before the first doctor gets anything.
      if (this.ctx.pipeline.journal.pendingCount() > 16 * this.ctx.config.watch.concurrency) await this.delivery.idle();
    }
    // Stopping: the file under way and those prepared ahead finish.
    await this.applyClaimed(ctx.pipeline);
  }

  private async processFile(path: string): Promise<void> {
    const summary = emptySummary();
    // A file's name is often the patient's: it is logged at debug level only (`labmss log` has it).
    const file = basename(path);
    try {
      // An earlier file's fault can surface here (it is applied first): this one then stays claimed, resumed after the wait.
      await this.ctx.pipeline.claimInTurn(path, summary, {}, () => this.processed(file, summary));
      this.ctx.looker.settler.forget(file);
    } catch (err) {
      if (err instanceof TransientFault) return this.waitOutFault(err);
      // File names are often patients' names: only at debug level.
      this.log.debug({ file }, 'file not claimed');
      this.log.error({ err: message(err) }, 'file not claimed; it stays in the export folder and is tried again at the next scan');
    }
  }

  private async applyClaimed(pipeline: Pipeline): Promise<void> {
    try {
      await pipeline.applyClaimed();
    } catch (err) {
      if (err instanceof TransientFault) return this.waitOutFault(err);
      throw err;
    }
  }

  private processed(file: string, summary: PassSummary): void {
    this.count(summary);
    const outcome = summary.quarantined.length ? 'quarantined' : summary.duplicates.length ? 'duplicate' : 'parsed';
    this.log.debug({ file, outcome }, 'file processed');
    this.log.info({ outcome, reports: summary.reports, held: ids(summary.held) }, 'file processed');
    this.delivery.kick();
  }

  /**
   * A fault of the machine (disk full, I/O error): the file stays claimed; intake waits, doubling the wait
   * up to five minutes, then resumes the claimed files by itself — no restart needed.
   */
  private async waitOutFault(fault: TransientFault): Promise<void> {
    this.faultDelayMs = Math.min(this.faultDelayMs ? this.faultDelayMs * 2 : FIRST_FAULT_DELAY_MS, MAX_FAULT_DELAY_MS);
    this.log.warn({ file: fault.file, fault: describeFault(fault.cause), retryInSeconds: this.faultDelayMs / 1000 }, 'machine fault: the file stays claimed and is tried again');
    try { await sleep(this.faultDelayMs, undefined, { signal: this.abort.signal }); } catch { return; }
    const resumed = emptySummary();
    try {
      await this.ctx.pipeline.resumeIncoming(resumed);
    } catch (err) {
      if (err instanceof TransientFault) return this.waitOutFault(err);
      throw err;
    }
    this.faultDelayMs = 0;
    this.count(resumed);
    this.log.info({ reports: resumed.reports, quarantined: resumed.quarantined.length }, 'fault gone: claimed files processed');
    this.delivery.kick();
  }

  private count(s: PassSummary): void {
    this.totals.files += s.claimed;
    this.totals.reports += s.reports;
    this.totals.sent += s.sent;
    this.totals.quarantined += s.quarantined.length;
    this.totals.duplicates += s.duplicates.length;
  }

  private async deliveryPass(): Promise<void> {
    const ctx = this.ctx;
    const summary = emptySummary();
    await ctx.pipeline.deliverDue(summary, ctx.config.watch.concurrency, this.abort.signal);
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
    void this.watcher?.close();
    this.watcher = undefined;
    this.startWatcher();
    this.startTimers();
    void this.delivery.idle().then(() => old.transport.close());
    // The intake lane applies the files the old context prepared ahead, then closes its threads.
    this.queue.wake();
    this.log.info({ export: next.config.paths.export, transport: next.transport.name }, 'config reloaded');
    this.releaseHeld();
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
    await this.watcher?.close();
    await Promise.all([this.intakeLane, this.delivery.close(), this.receipts.close()]);
    await this.ctx.transport.close();
    await this.ctx.pool?.close();
  }
}
