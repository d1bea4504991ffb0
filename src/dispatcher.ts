import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ResolvedConfig } from './config/load.js';
import type { LabReport } from './model/labreport.types.js';
import { labReportProblems } from './model/validate.js';
import { InputError, parseInput, type ParseWarning } from './inputs/index.js';
import { Journal, type DeliveryRow, type ReportRow } from './queue/journal.js';
import { companionReader, reportDir, ensureSpool, moveTo, quarantine, sha256, spoolLayout, writeAtomic, type SpoolLayout } from './queue/spool.js';
import { expired, retryDelaySeconds } from './queue/backoff.js';
import { breathe, SerialJob } from './queue/serial.js';
import { documentIdFor, orderKey, setIdFor } from './documents/ids.js';
import { renderDocuments, type RenderedDocuments } from './documents/render.js';
import { composeMessage, pdfFileName } from './mail/compose.js';
import type { Transport } from './mail/transport.js';
import type { Hold } from './gate/hold.js';
import { routeReport, type Recipient, type Unrouted } from './routing/resolve.js';
import { routingContext } from './routing/context.js';
import { maxBytesFor } from './routing/patient.js';
import { loadAddressBook, type AddressBook } from './routing/address-book.js';
import { loadMapping, type LoincMapping } from './loinc/index.js';
import { originalName } from './intake/claim.js';
import { claimExportFile, finishedFiles, resumeExportClaims } from './intake/pass.js';

/** What one pass did, for the CLI's summary and exit code. */
export interface PassSummary {
  claimed: number;
  /** Files left in the export folder because they are not finished yet (still changing, no marker, end missing). */
  settling: number;
  duplicates: number;
  quarantined: Array<{ file: string; reason: string }>;
  reports: number;
  held: Array<{ delivery: number; recipient: string; reason: string }>;
  sent: number;
  deferred: Array<{ delivery: number; recipient: string; reason: string }>;
  failed: Array<{ delivery: number; recipient: string; reason: string }>;
}

export function emptySummary(): PassSummary {
  return { claimed: 0, settling: 0, duplicates: 0, quarantined: [], reports: 0, held: [], sent: 0, deferred: [], failed: [] };
}

/** 0 everything done; 1 some input quarantined or some delivery held or failed. */
export function exitCodeOf(s: PassSummary): number {
  return s.quarantined.length || s.held.length || s.failed.length ? 1 : 0;
}

export interface ProcessOptions {
  /** Send even when the same bytes were processed before. */
  force?: boolean;
  /** Replace the recipients with these addresses (ad-hoc `send --to`). */
  to?: string[];
}

/**
 * Drives the stages with the journal: intake → parse → route → render → (compose → deliver).
 * Every step is recorded; a crash at any point is resumed from the journal and the spool.
 */
export class Dispatcher {
  readonly layout: SpoolLayout;
  private addressBook: AddressBook;
  private mapping?: LoincMapping;

  constructor(readonly config: ResolvedConfig, readonly journal: Journal, readonly transport: Transport, private readonly clock: () => Date = () => new Date()) {
    this.layout = spoolLayout(config.paths.state);
    ensureSpool(this.layout);
    this.addressBook = loadAddressBook(config.addressBook);
    this.mapping = config.loinc.mapping ? loadMapping(readFileSync(config.loinc.mapping, 'utf8'), config.loinc.mapping) : undefined;
  }

  // ── intake ────────────────────────────────────────────────────────────────────
  /** Claims every finished file of the export folder, after resuming files a crash left in the spool. */
  async intake(summary: PassSummary, opts: ProcessOptions = {}, afterFile?: () => void): Promise<void> {
    await this.resumeIncoming(summary);
    const { ready, waiting } = await finishedFiles(this.config);
    summary.settling += waiting;
    for (const c of ready) {
      await this.claimAndProcess(c.path, summary, opts);
      afterFile?.();
      await breathe();
    }
  }

  /**
   * One pass (cron's `run`): intake and delivery overlap, so each file's messages go out while the next
   * file is parsed and rendered. Delivery passes never run side by side (SerialJob).
   */
  async pass(summary: PassSummary, concurrency: number): Promise<void> {
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
    const target = join(this.layout.incoming, `${this.stamp()}-${basename(path)}`);
    await writeAtomic(target, readFileSync(path));
    summary.claimed++;
    await this.processSpooled(target, basename(path), summary, opts, dirname(path));
  }

  private stamp(): string {
    return this.clock().toISOString().replace(/[-:]/g, '').replace(/\.(\d+)Z$/, '.$1Z');
  }

  // ── parse, route, render ───────────────────────────────────────────────────────
  private async processSpooled(path: string, name: string, summary: PassSummary, opts: ProcessOptions, companionDir = this.config.paths.export): Promise<void> {
    const bytes = readFileSync(path);
    const hash = sha256(bytes);
    const fileId = this.journal.fileBySpoolPath(path)?.id ?? this.journal.addFile({ name, sha256: hash, size: bytes.length, spoolPath: path });

    const earlier = this.journal.processedFileWithHash(hash, fileId);
    if (earlier && !opts.force) {
      const done = moveTo(path, this.layout.done, name);
      this.journal.tx(() => this.journal.finishFile(fileId, 'duplicate', { spoolPath: done },
        `same bytes as file F${earlier.id} (${earlier.name}): not sent again (use --force to send anyway)`));
      summary.duplicates++;
      return;
    }

    let reports: LabReport[];
    let warnings: ParseWarning[];
    let format: string;
    let holds: Hold[];
    try {
      const parsed = parseInput(bytes, {
        file: name,
        hprimCharset: this.config.intake.hprimCharset,
        companion: companionReader(companionDir),
      });
      ({ reports, warnings, format, holds } = parsed);
      reports.forEach((r, i) => {
        const problems = labReportProblems(r);
        if (problems.length) throw new InputError({ file: name, field: `report ${i + 1} ${problems[0]!.pointer}` }, problems[0]!.message);
      });
      if (reports.length === 0) throw new InputError({ file: name }, 'no report in the file');
    } catch (err) {
      const reason = err instanceof InputError ? err.message : `${name}: cannot be read: ${(err as Error).message}`;
      await this.quarantineFile(fileId, path, name, reason, summary);
      return;
    }

    const prepared: Array<{ report: LabReport; ids: ReturnType<Dispatcher['versionOf']>; docs?: RenderedDocuments; recipients: Recipient[]; unrouted: Unrouted[]; stage: number }> = [];
    const versions = new Map<string, number>();
    const routing = routingContext(this.journal.db, this.config, this.addressBook);
    try {
      for (const [i, parsedReport] of reports.entries()) {
        const report = withConfiguredLab(parsedReport, this.config.lab);
        const ids = this.versionOf(report, `${hash}#${i}`, versions);
        const { recipients, unrouted } = routeReport(report, routing.ctx, opts.to);
        const needsCda = recipients.some((r) => this.stageFor(r.address) === 2);
        const docs = await renderDocuments(report, ids, { lab: this.config.lab, stage2: needsCda, mapping: this.mapping });
        prepared.push({ report, ids, docs, recipients, unrouted, stage: docs.stage2Problem ? 1 : this.config.stage });
      }
    } catch (err) {
      await this.quarantineFile(fileId, path, name, `${name}: cannot render a document: ${(err as Error).message}`, summary);
      return;
    }

    for (const p of prepared) await this.writeDocuments(p.ids.setId, p.ids.version, p.report, p.docs!);
    // The paper route, unless the input forbids showing the report to professionals.
    const printed = prepared.filter((p) => p.recipients.length === 0 && this.config.paths.print && !p.report.masking?.maskedFromProfessionals);
    for (const p of printed) await writeAtomic(join(this.config.paths.print!, pdfFileName(p.report)), p.docs!.pdf);

    this.journal.tx(() => {
      for (const [i, p] of prepared.entries()) {
        const reportId = this.journal.addReport({
          file_id: fileId, idx: i, set_id: p.ids.setId, version: p.ids.version, document_id: p.ids.documentId,
          status: p.report.status, dossier: p.report.request.fillerId ?? p.report.request.placerId ?? null, stage: p.stage,
          json: JSON.stringify(p.report),
        });
        summary.reports++;
        if (p.docs!.stage2Problem) {
          this.journal.event('warning', { report: reportId }, `no CR-BIO for this report, sent as PDF (stage 1): ${p.docs!.stage2Problem}`);
        }
        const hold = holdFor(p.report, reports, holds);
        for (const r of p.recipients) {
          const id = this.journal.addDelivery({
            reportId, recipient: r.address, role: r.role, stage: p.docs!.stage2Problem ? 1 : this.stageFor(r.address),
            state: hold ? 'held' : 'pending', reason: hold?.reason, messageIdFor: (n) => this.messageId(n),
          });
          if (hold) summary.held.push({ delivery: id, recipient: r.address, reason: hold.reason });
        }
        for (const u of p.unrouted) {
          const id = this.journal.addDelivery({
            reportId, recipient: `(${u.role}) ${u.who}`, role: u.role, stage: p.stage, state: 'held', reason: u.reason,
            messageIdFor: (n) => this.messageId(n),
          });
          summary.held.push({ delivery: id, recipient: u.who, reason: u.reason });
        }
        if (printed.includes(p)) this.journal.event('printed', { report: reportId }, `no MSSanté recipient: PDF written to the print folder`);
      }
      this.journal.finishFile(fileId, 'done', { format, warnings }, `${format}: ${reports.length} report(s)${warnings.length ? `, ${warnings.length} warning(s)` : ''}`);
      for (const w of warnings) this.journal.event('warning', { file: fileId }, formatWarning(w));
      for (const w of routing.warnings) this.journal.event('warning', { file: fileId }, w);
    });
    moveTo(path, this.layout.done, name);
  }

  private async quarantineFile(fileId: number, path: string, name: string, reason: string, summary: PassSummary): Promise<void> {
    const target = await quarantine(path, this.layout, name, reason);
    this.journal.tx(() => this.journal.finishFile(fileId, 'quarantined', { error: reason, spoolPath: target }, reason));
    summary.quarantined.push({ file: name, reason });
  }

  /** setId, version and document id for a report: a later report for the same order is its next version. */
  private versionOf(report: LabReport, fallback: string, inFile: Map<string, number>) {
    const setId = setIdFor(orderKey(report, this.config.lab.finess ?? this.config.lab.name, fallback));
    const previous = this.journal.latestVersion(setId);
    const prior = Math.max(previous?.version ?? 0, inFile.get(setId) ?? 0);
    const version = prior + 1;
    inFile.set(setId, version);
    return {
      setId, version, documentId: documentIdFor(setId, version),
      replaces: prior ? documentIdFor(setId, prior) : undefined,
    };
  }

  stageFor(address: string): 1 | 2 {
    const o = this.config.recipientOverrides.find((r) => r.address.toLowerCase() === address.toLowerCase());
    return o?.stage ?? this.config.stage;
  }

  reportDir(setId: string, version: number): string {
    return reportDir(this.layout, setId, version);
  }

  /**
   * Makes sure a stored report's documents exist for a stage: a resend to a stage-2 recipient of a report
   * first rendered for stage 1 renders its CDA and XDM now (rendering is deterministic: the PDF is the same).
   */
  async ensureDocuments(row: ReportRow, stage2: boolean): Promise<void> {
    const report = JSON.parse(row.json) as LabReport;
    const dir = this.reportDir(row.set_id, row.version);
    if (existsSync(join(dir, pdfFileName(report))) && (!stage2 || existsSync(join(dir, 'IHE_XDM.ZIP')))) return;
    const ids = { setId: row.set_id, version: row.version, documentId: row.document_id,
      replaces: row.version > 1 ? documentIdFor(row.set_id, row.version - 1) : undefined };
    await this.writeDocuments(row.set_id, row.version, report, await renderDocuments(report, ids, { lab: this.config.lab, stage2, mapping: this.mapping }));
  }

  private async writeDocuments(setId: string, version: number, report: LabReport, docs: RenderedDocuments): Promise<void> {
    const dir = this.reportDir(setId, version);
    await writeAtomic(join(dir, pdfFileName(report)), docs.pdf);
    if (docs.cda) await writeAtomic(join(dir, 'CDA.XML'), docs.cda);
    if (docs.xdm) await writeAtomic(join(dir, 'IHE_XDM.ZIP'), docs.xdm);
  }

  messageId(deliveryId: number): string {
    const domain = this.config.lab.mailbox.split('@')[1] ?? 'labmss.invalid';
    return `<labmss.D${deliveryId}.${this.journal.instanceId}@${domain}>`;
  }

  // ── compose and deliver ────────────────────────────────────────────────────────
  /**
   * Sends every delivery that is due (new, deferred and due, or caught `sending` by a crash).
   * `signal` (the daemon's shutdown) stops the pass between messages; messages under way finish.
   */
  async deliverDue(summary: PassSummary, concurrency = 1, signal?: AbortSignal): Promise<void> {
    const due = this.journal.dueDeliveries(this.clock().toISOString(), true);
    let next = 0;
    let stop = false;
    const worker = async () => {
      while (!stop && !signal?.aborted && next < due.length) {
        const d = due[next++]!;
        const outcome = await this.deliverOne(d, summary);
        if (outcome === 'stop') stop = true;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  }

  /** Composes the .eml once (kept as proof, resent byte for byte after a crash) and hands it to the transport. */
  async deliverOne(row: DeliveryRow, summary: PassSummary): Promise<'ok' | 'later' | 'stop'> {
    let eml: Pick<DeliveryRow, 'eml_path' | 'eml_sha256' | 'eml_size'> | undefined;
    let raw: Buffer | undefined;
    if (!row.eml_path || !existsSync(row.eml_path)) {
      const composed = await this.compose(row);
      const maxBytes = maxBytesFor(row.role, this.config.message.maxBytes);
      if (composed.length > maxBytes) {
        const reason = `message is ${composed.length} bytes, over the ${maxBytes}-byte limit (${maxBytes < this.config.message.maxBytes ? 'Mon espace santé takes at most 25 MB' : 'message.maxBytes'})`;
        this.journal.transition(row.id, row.state, 'held', { reason }, reason);
        summary.held.push({ delivery: row.id, recipient: row.recipient, reason });
        return 'later';
      }
      const emlPath = join(this.layout.mail, `D${row.id}.eml`);
      await writeAtomic(emlPath, composed);
      // Recorded with the move to `sending` (one commit): a crash before it composes the message again.
      eml = { eml_path: emlPath, eml_sha256: sha256(composed), eml_size: composed.length };
      raw = composed;
    }
    const now = this.clock().toISOString();
    // Relaxed commits around the hand-over: lost to a power cut, the message is sent again with its Message-ID.
    if (!this.journal.relaxed(() => this.journal.transition(row.id, ['pending', 'deferred', 'sending'], 'sending',
      { ...eml, attempts: row.attempts + 1, first_attempt_at: row.first_attempt_at ?? now }, `attempt ${row.attempts + 1} via ${this.transport.name}`))) {
      return 'later';
    }
    raw ??= readFileSync(row.eml_path!);
    const outcome = await this.transport.send({ deliveryId: `D${row.id}`, messageId: row.message_id, from: this.config.lab.mailbox, to: row.recipient, raw });
    if (outcome.ok) {
      this.journal.relaxed(() => this.journal.transition(row.id, 'sending', 'accepted', { accepted_at: this.clock().toISOString(), last_reply: outcome.response, queue_id: outcome.queueId ?? null, reason: null, next_attempt_at: null }, outcome.response));
      summary.sent++;
      return 'ok';
    }
    const first = row.first_attempt_at ?? now;
    if (outcome.permanent || expired(first, this.clock().toISOString(), this.config.retry)) {
      const reason = outcome.permanent ? outcome.response : `gave up after ${this.config.retry.maxAgeHours} h: ${outcome.response}`;
      this.journal.transition(row.id, 'sending', 'failed', { last_reply: outcome.response, reason, next_attempt_at: null }, reason);
      summary.failed.push({ delivery: row.id, recipient: row.recipient, reason });
      return outcome.certificate ? 'stop' : 'ok';
    }
    const delay = retryDelaySeconds(row.attempts + 1, this.config.retry);
    const at = new Date(this.clock().getTime() + delay * 1000).toISOString();
    const reason = outcome.certificate ? `the operator refused the lab's client certificate: ${outcome.response}` : outcome.response;
    this.journal.transition(row.id, 'sending', 'deferred', { last_reply: outcome.response, reason, next_attempt_at: at }, `${reason}; next attempt at ${at}`);
    summary.deferred.push({ delivery: row.id, recipient: row.recipient, reason });
    // A refused certificate fails every message the same way: stop this pass instead of hammering the operator.
    return outcome.certificate ? 'stop' : 'later';
  }

  private async compose(d: DeliveryRow): Promise<Buffer> {
    const reportRow = this.journal.report(d.report_id)!;
    const report = JSON.parse(reportRow.json) as LabReport;
    const dir = this.reportDir(reportRow.set_id, reportRow.version);
    const pdfName = pdfFileName(report);
    const stage2 = d.stage === 2 && existsSync(join(dir, 'IHE_XDM.ZIP'));
    return composeMessage({
      report,
      from: { address: this.config.lab.mailbox, name: this.config.lab.senderLabel ?? this.config.lab.name },
      to: { address: d.recipient, role: d.role },
      messageId: d.message_id,
      date: this.clock(),
      nil: this.config.message.nil,
      pdf: { filename: pdfName, content: readFileSync(join(dir, pdfName)) },
      xdm: stage2 ? { content: readFileSync(join(dir, 'IHE_XDM.ZIP')), cdaCode: '11502-2' } : undefined,
      readReceipt: this.config.message.readReceipt,
      endExchange: d.role === 'patient' && this.config.routing.patients.endExchange,
    });
  }
}

/** A hold belongs to its report, else to the report whose lines contain it (the last one starting at or before it). */
function holdFor(report: LabReport, all: LabReport[], holds: Hold[]): Hold | undefined {
  return holds.find((h) => {
    if (h.report !== undefined) return all[h.report] === report;
    if (h.where?.line === undefined || all.length === 1) return true;
    const owner = [...all].reverse().find((r) => (r.source?.line ?? 1) <= h.where!.line!);
    return owner === report;
  });
}

/** The lab in the documents is the configured one: the input's sender code is kept only as a code. */
export function withConfiguredLab(report: LabReport, lab: ResolvedConfig['lab']): LabReport {
  return { ...report, lab: { ...report.lab, name: lab.name, finess: lab.finess ?? report.lab?.finess, address: lab.address ?? report.lab?.address, phone: lab.phone ?? report.lab?.phone } };
}

export function formatWarning(w: ParseWarning): string {
  return `${w.file}${w.line !== undefined ? `:${w.line}` : ''}${w.field ? ` ${w.field}` : ''}: ${w.message}`;
}
