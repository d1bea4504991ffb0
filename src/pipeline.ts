import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ResolvedConfig } from './config/load.js';
import type { DeliveryRow, Journal } from './queue/journal.js';
import { ensureSpool, freeName, moveTo, sha256, sha256File, spoolLayout, writeAtomic, type SpoolLayout } from './queue/spool.js';
import { fileTooLarge, maxFileBytes } from './gate/limits.js';
import { originalName } from './intake/claim.js';
import { claimExportFile, finishedFiles, resumeExportClaims } from './intake/pass.js';
import { breathe, SerialJob } from './queue/serial.js';
import { transportKind } from './mail/transports.js';
import type { Transport } from './mail/transport.js';
import { GateSetup } from './gate/context.js';
import { prepare } from './gate/prepare.js';
import type { FilePlan } from './gate/plan.js';
import { applyPlan } from './apply/apply.js';
import type { RenderPool } from './documents/pool.js';
import { Deliverer, type DeliveryOutcome } from './deliver/deliver.js';
import { releaseHeld, type ReleaseResult } from './deliver/release.js';
import type { PassSummary } from './summary.js';
import { describeFault, isTransientFault } from './queue/faults.js';

/** A fault of the machine met while processing a file: the file stays claimed, the pass stops. */
export class TransientFault extends Error {
  constructor(readonly file: string, override readonly cause: unknown) {
    super(`${file}: ${describeFault(cause)}`);
    this.name = 'TransientFault';
  }
}

/** A file through the gate, waiting for its turn to be applied. */
interface Prepared {
  file: { path: string; name: string; opts: ProcessOptions; companionDir: string };
  id?: number;
  bytes?: Buffer;
  plan?: FilePlan;
  error?: unknown;
}

export interface ProcessOptions {
  /** Send even when the same bytes were processed before. */
  force?: boolean;
  /** Replace the recipients with these addresses (ad-hoc `send --to`). */
  to?: string[];
}

/**
 * The stages in order, for one state directory: intake (claim, resume, submit) → the gate (`prepare`, a
 * plan) → `applyPlan` (documents and one journal transaction) → the deliverer (send what is due). Each stage
 * lives in its own module; this class only wires them to one journal, spool and transport.
 */
export class Pipeline {
  readonly layout: SpoolLayout;
  readonly gate: GateSetup;
  readonly deliverer: Deliverer;
  /** Files claimed in turn whose plans are not applied yet, oldest first. */
  private readonly inFlight: Array<{ prepared: Promise<Prepared>; summary: PassSummary; applied?: () => void }> = [];

  /** `renderPool`: documents drawn in worker threads, several files in flight (`run`, `watch`); without one, in this thread. */
  constructor(readonly config: ResolvedConfig, readonly journal: Journal, readonly transport: Transport,
    private readonly clock: () => Date = () => new Date(), private readonly renderPool?: RenderPool) {
    this.layout = spoolLayout(config.paths.state);
    ensureSpool(this.layout);
    this.gate = new GateSetup(config, transportKind(config).needsAllowlist, renderPool);
    this.deliverer = new Deliverer(config, journal, this.layout, transport, clock);
  }

  /** ApplyTarget's: a report just journaled goes to the deliverer with its documents (and bodies the render pool prepared). */
  offerReport(reportId: number, report: Parameters<Deliverer['offer']>[1]): void {
    this.deliverer.offer(reportId, report);
  }

  // ── intake ────────────────────────────────────────────────────────────────────
  /** Claims every finished file of the export folder, after resuming files a crash left in the spool. */
  async intake(summary: PassSummary, opts: ProcessOptions = {}, afterFile?: () => void): Promise<void> {
    try {
      await this.intakeFiles(summary, opts, afterFile);
    } catch (err) {
      if (!(err instanceof TransientFault)) throw err;
      // The machine, not the file: stop here (the next files would meet the same fault); all stay claimed or in the export folder.
      summary.faults.push({ file: err.file, fault: describeFault(err.cause) });
    }
  }

  private async intakeFiles(summary: PassSummary, opts: ProcessOptions, afterFile?: () => void): Promise<void> {
    await this.resumeIncoming(summary);
    const { ready, waiting } = await finishedFiles(this.config);
    summary.settling += waiting;
    for (const c of ready) {
      await this.claimInTurn(c.path, summary, opts, afterFile);
      await breathe();
    }
    await this.applyClaimed();
  }

  /**
   * Claims one export file and starts preparing it. With a render pool, several files are prepared at once
   * (their documents drawn in the pool's threads) while this thread claims, journals and sends; the plans are
   * applied strictly in claim order, the oldest once two files per thread are in flight (`applyClaimed`
   * applies the rest). `applied` hears when this file's plan is applied (never, when another process took the file first).
   * A fault of the machine (TransientFault) drops the files still in flight: they stay claimed and are resumed.
   */
  async claimInTurn(path: string, summary: PassSummary, opts: ProcessOptions = {}, applied?: () => void): Promise<void> {
    const spooled = this.claim(path, summary);
    if (!spooled) return;
    this.inFlight.push({ prepared: this.prepareSpooled({ path: spooled, name: basename(path), opts, companionDir: this.config.paths.export }), summary, applied });
    while (this.inFlight.length >= (this.renderPool ? 2 * this.renderPool.size : 1)) await this.applyOldest();
  }

  /** Applies every file claimed in turn that is still in flight. */
  async applyClaimed(): Promise<void> {
    while (this.inFlight.length) await this.applyOldest();
  }

  private async applyOldest(): Promise<void> {
    const next = this.inFlight.shift()!;
    try {
      await this.applySpooled(await next.prepared, next.summary);
    } catch (err) {
      await Promise.all(this.inFlight.splice(0).map((f) => f.prepared));
      throw err;
    }
    next.applied?.();
  }

  /**
   * What still waits for a person after this pass, beyond what the pass itself reported: deliveries held
   * earlier, and deliveries deferred for longer than `retry.reportDeferredAfterHours`.
   */
  noteWaiting(summary: PassSummary): void {
    // Held in this pass: already reported (and exit 1). Deferred in this pass: reported only once past the age.
    const reported = new Set(summary.held.map((d) => d.delivery));
    const cutoff = new Date(this.clock().getTime() - this.config.retry.reportDeferredAfterHours * 3_600_000).toISOString();
    for (const d of this.journal.deliveriesInStates(['held', 'deferred'])) {
      if (reported.has(d.id) || (d.state === 'deferred' && (d.first_attempt_at ?? d.created_at) > cutoff)) continue;
      summary.waiting.push({ delivery: d.id, state: d.state, recipient: d.recipient || d.label || '?', reason: d.reason ?? '' });
    }
  }

  /** Held deliveries whose address was the problem, looked at again (the address book or config may have changed). */
  releaseHeld(summary: PassSummary): ReleaseResult {
    const result = releaseHeld(this.journal, this.gate.routingFor(this.journal));
    summary.released += result.released.length;
    return result;
  }

  /**
   * One pass (cron's `run`): intake and delivery overlap, so each file's messages go out while the next
   * file is prepared. Delivery passes never run side by side (SerialJob).
   */
  async pass(summary: PassSummary, concurrency: number): Promise<void> {
    this.releaseHeld(summary);
    let failure: unknown;
    const sender = new SerialJob(() => this.deliverDue(summary, concurrency), (err) => { failure ??= err; });
    sender.kick();
    try {
      await this.intake(summary, {}, () => sender.kick());
    } finally {
      sender.kick();
      await sender.idle();
      await sender.close();
    }
    if (failure) throw failure;
    this.noteWaiting(summary);
  }

  /** The spool path of a claimed export file, or undefined when another process took it first. */
  private claim(path: string, summary: PassSummary): string | undefined {
    const spooled = claimExportFile(this.config, this.layout.incoming, this.journal.instanceId, path, this.stamp());
    if (spooled) summary.claimed++;
    return spooled;
  }

  /** Claims a stop interrupted are finished first; then files in incoming/ (claimed, not processed) are processed. */
  async resumeIncoming(summary: PassSummary): Promise<void> {
    resumeExportClaims(this.config, this.layout.incoming, this.journal.instanceId);
    const names = readdirSync(this.layout.incoming).filter((n) => !n.startsWith('.')).sort();
    for (const name of names) {
      const path = join(this.layout.incoming, name);
      const row = this.journal.fileBySpoolPath(path);
      if (row && row.state !== 'claimed') {
        moveTo(path, row.state === 'quarantined' ? this.layout.quarantine : this.layout.done, row.name);
        continue;
      }
      await this.processSpooled(path, row?.name ?? originalName(name), summary, {});
    }
  }

  /** Copies a file given on the command line into the spool (the original stays where it is) and processes it. */
  async submit(path: string, summary: PassSummary, opts: ProcessOptions): Promise<void> {
    const target = freeName(this.layout.incoming, `${this.stamp()}-${basename(path)}`);
    try {
      await writeAtomic(target, readFileSync(path));
      summary.claimed++;
      await this.processSpooled(target, basename(path), summary, opts, dirname(path));
    } catch (err) {
      if (!(err instanceof TransientFault) && !isTransientFault(err)) throw err;
      summary.faults.push({ file: err instanceof TransientFault ? err.file : basename(path), fault: describeFault(err instanceof TransientFault ? err.cause : err) });
    }
  }

  private stamp(): string {
    return this.clock().toISOString().replace(/[-:]/g, '').replace(/\.(\d+)Z$/, '.$1Z');
  }

  // ── the gate, then apply ────────────────────────────────────────────────────────
  /**
   * One file, isolated from the others: whatever goes wrong with it ends in its quarantine with its bytes
   * and a reason — except a fault of the machine (disk full, I/O error), which is not the file's: it stays
   * claimed and the fault is raised (`TransientFault`) so the caller stops and tries again later.
   */
  private async processSpooled(path: string, name: string, summary: PassSummary, opts: ProcessOptions, companionDir = this.config.paths.export): Promise<void> {
    await this.applySpooled(await this.prepareSpooled({ path, name, opts, companionDir }), summary);
  }

  /**
   * The gate's half: reads the file, records it (in claim order: this part runs before the first await)
   * and prepares its plan. Never throws: what went wrong is carried to `applySpooled`, in order.
   */
  private async prepareSpooled(file: { path: string; name: string; opts: ProcessOptions; companionDir: string }): Promise<Prepared> {
    const { path, name } = file;
    let id: number | undefined;
    try {
      // Measured before reading: a file of hundreds of megabytes is refused without ever being in memory.
      const size = statSync(path).size;
      const tooLarge = fileTooLarge(size, maxFileBytes(this.config));
      if (tooLarge) {
        id = this.journal.fileBySpoolPath(path)?.id ?? this.journal.addFile({ name, sha256: sha256File(path), size, spoolPath: path });
        return { file, id, plan: { verdict: 'quarantine', sha256: '', reason: `${name}: ${tooLarge}` } };
      }
      const bytes = readFileSync(path);
      id = this.journal.fileBySpoolPath(path)?.id ?? this.journal.addFile({ name, sha256: sha256(bytes), size: bytes.length, spoolPath: path });
      return { file, id, bytes, plan: await this.prepareBytes(bytes, file, id) };
    } catch (error) {
      return { file, id, error };
    }
  }

  /** The writes' half, in claim order. A plan made while an earlier file of the same order was in flight is made again. */
  private async applySpooled(prepared: Prepared, summary: PassSummary): Promise<void> {
    const { file, id } = prepared;
    let { plan, error } = prepared;
    const label = id === undefined ? file.name : `F${id}`;
    try {
      if (error !== undefined) throw error;
      if (id === undefined || !plan) throw new Error('not prepared');
      if (prepared.bytes && this.stale(plan, id)) {
        plan = await this.prepareBytes(prepared.bytes, file, id);
      }
      await applyPlan(plan, { id, path: file.path, name: file.name }, this, summary);
    } catch (err) {
      if (isTransientFault(err) || id === undefined) throw new TransientFault(label, err);
      const reason = `${file.name}: cannot be processed: ${describeFault(err)}`;
      try {
        await applyPlan({ verdict: 'quarantine', sha256: '', reason }, { id, path: file.path, name: file.name }, this, summary);
      } catch (again) {
        throw new TransientFault(label, again);
      }
    }
  }

  /** The gate on a spooled file's bytes, with the journal as it stands now. */
  private prepareBytes(bytes: Buffer, file: Prepared['file'], id: number): Promise<FilePlan> {
    return prepare(bytes, this.gate.forFile(this.journal, { name: file.name, companionDir: file.companionDir, fileId: id, ...file.opts }));
  }

  /** Whether the journal moved on since the plan was made: an order's version taken, or the same bytes processed. */
  private stale(plan: FilePlan, id: number): boolean {
    if (plan.verdict !== 'accept') return false;
    if (this.journal.processedFileWithHash(plan.sha256, id)) return true;
    return plan.reports.some((r) => r.ids.version <= (this.journal.latestVersion(r.ids.setId)?.version ?? 0));
  }

  // ── deliver ───────────────────────────────────────────────────────────────────
  deliverDue(summary: PassSummary, concurrency = 1, signal?: AbortSignal): Promise<void> {
    return this.deliverer.deliverDue(summary, concurrency, signal);
  }

  deliverOne(row: DeliveryRow, summary: PassSummary): Promise<DeliveryOutcome> {
    return this.deliverer.deliverOne(row, summary);
  }
}
