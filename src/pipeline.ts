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

  constructor(readonly config: ResolvedConfig, readonly journal: Journal, readonly transport: Transport, private readonly clock: () => Date = () => new Date()) {
    this.layout = spoolLayout(config.paths.state);
    ensureSpool(this.layout);
    this.gate = new GateSetup(config, transportKind(config).needsAllowlist);
    this.deliverer = new Deliverer(config, journal, this.layout, transport, clock);
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
      await this.claimAndProcess(c.path, summary, opts);
      afterFile?.();
      await breathe();
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
  }

  /** Claims one export file (on any mount, see src/intake/claim.ts) and processes it; false when another process took it first. */
  async claimAndProcess(path: string, summary: PassSummary, opts: ProcessOptions = {}): Promise<boolean> {
    const spooled = claimExportFile(this.config, this.layout.incoming, this.journal.instanceId, path, this.stamp());
    if (!spooled) return false;
    summary.claimed++;
    await this.processSpooled(spooled, basename(path), summary, opts);
    return true;
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

  /** What the gate decides about a file, without claiming, writing or sending anything (`send --dry-run`). */
  async plan(path: string, opts: ProcessOptions = {}): Promise<FilePlan> {
    return prepare(readFileSync(path), this.gate.forFile(this.journal, { name: basename(path), companionDir: dirname(path), ...opts }));
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
    let id: number | undefined;
    try {
      // Measured before reading: a file of hundreds of megabytes is refused without ever being in memory.
      const tooLarge = fileTooLarge(statSync(path).size, maxFileBytes(this.config));
      if (tooLarge) {
        id = this.journal.fileBySpoolPath(path)?.id ?? this.journal.addFile({ name, sha256: sha256File(path), size: statSync(path).size, spoolPath: path });
        await applyPlan({ verdict: 'quarantine', sha256: '', reason: `${name}: ${tooLarge}` }, { id, path, name }, this, summary);
        return;
      }
      const bytes = readFileSync(path);
      id = this.journal.fileBySpoolPath(path)?.id ?? this.journal.addFile({ name, sha256: sha256(bytes), size: bytes.length, spoolPath: path });
      const plan = await prepare(bytes, this.gate.forFile(this.journal, { name, companionDir, fileId: id, ...opts }));
      await applyPlan(plan, { id, path, name }, this, summary);
    } catch (err) {
      const file = id === undefined ? name : `F${id}`;
      if (isTransientFault(err) || id === undefined) throw new TransientFault(file, err);
      const reason = `${name}: cannot be processed: ${describeFault(err)}`;
      try {
        await applyPlan({ verdict: 'quarantine', sha256: '', reason }, { id, path, name }, this, summary);
      } catch (again) {
        throw new TransientFault(file, again);
      }
    }
  }

  // ── deliver ───────────────────────────────────────────────────────────────────
  deliverDue(summary: PassSummary, concurrency = 1, signal?: AbortSignal): Promise<void> {
    return this.deliverer.deliverDue(summary, concurrency, signal);
  }

  deliverOne(row: DeliveryRow, summary: PassSummary): Promise<DeliveryOutcome> {
    return this.deliverer.deliverOne(row, summary);
  }
}
