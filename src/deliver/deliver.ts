import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import type { DeliveryRow, Journal, ReportRow } from '../queue/journal.js';
import { moveDelivery } from '../queue/delivery-state.js';
import { keepProof, reportDir, sha256, type SpoolLayout } from '../queue/spool.js';
import { expired, retryDelaySeconds } from '../queue/backoff.js';
import { DOCUMENT_KINDS, XDM_FILE, type DocumentKindId, type StoredDocuments } from '../documents/kinds.js';
import { documentsFor, labMessageSettings, messageFor, messageKind, pdfFileName, prepareReportMessage, type PreparedMessage } from '../mail/compose.js';
import { xdmCda } from '../documents/xdm/read.js';
import type { Transport } from '../mail/transport.js';
import { maxBytesFor } from '../routing/patient.js';
import type { LabReport } from '../model/labreport.types.js';
import type { PassSummary } from '../summary.js';
import type { ReportPlan } from '../gate/plan.js';

export type DeliveryOutcome = 'ok' | 'later' | 'stop';

/** A report's documents, as the deliverer composes its messages from them. */
interface ReportDocuments { report: LabReport; version: number; documents: StoredDocuments }

/**
 * Sends what is due: composes each delivery's .eml once (kept as the proof, resent byte for byte after a
 * crash), hands it to the transport, and records the outcome through the delivery state machine.
 */
export class Deliverer {
  private readonly bodies = new Map<string, Promise<PreparedMessage>>();
  /** Reports just journaled, with their documents: the next messages are theirs. */
  private readonly rendered = new Map<number, ReportDocuments>();

  constructor(
    private readonly config: ResolvedConfig,
    private readonly journal: Journal,
    private readonly layout: SpoolLayout,
    private readonly transport: Transport,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Every delivery that is due (new, deferred and due, or caught `sending` by a crash), `concurrency` at a
   * time. `signal` (the daemon's shutdown) stops between messages; messages under way finish.
   */
  async deliverDue(summary: PassSummary, concurrency = 1, signal?: AbortSignal): Promise<void> {
    const due = this.journal.dueDeliveries(this.clock().toISOString(), true);
    let next = 0;
    let stop = false;
    const worker = async () => {
      while (!stop && !signal?.aborted && next < due.length) {
        const outcome = await this.deliverOne(due[next++]!, summary);
        if (outcome === 'stop') stop = true;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  }

  async deliverOne(row: DeliveryRow, summary: PassSummary): Promise<DeliveryOutcome> {
    let eml: Pick<DeliveryRow, 'eml_path' | 'eml_sha256' | 'eml_size'> | undefined;
    let raw: Buffer | undefined;
    if (!row.eml_path || !existsSync(row.eml_path)) {
      const composed = await this.compose(row);
      const maxBytes = maxBytesFor(row.role, this.config.message.maxBytes);
      if (composed.length > maxBytes) {
        const reason = `message is ${composed.length} bytes, over the ${maxBytes}-byte limit (${maxBytes < this.config.message.maxBytes ? 'Mon espace santé takes at most 25 MB' : 'message.maxBytes'})`;
        if (moveDelivery(this.journal, row.id, 'hold', { reason }, reason)) summary.held.push({ delivery: row.id, recipient: row.recipient, reason });
        return 'later';
      }
      const emlPath = await keepProof(this.layout.mail, `D${row.id}.eml`, composed, row.message_id);
      // Recorded with the move to `sending` (one commit): a crash before it composes the message again.
      eml = { eml_path: emlPath, eml_sha256: sha256(composed), eml_size: composed.length };
      raw = composed;
    }
    const now = this.clock().toISOString();
    // Relaxed commits around the hand-over: lost to a power cut, the message is sent again with its Message-ID.
    const started = this.journal.relaxed(() => moveDelivery(this.journal, row.id, 'startAttempt',
      { ...eml, attempts: row.attempts + 1, first_attempt_at: row.first_attempt_at ?? now }, `attempt ${row.attempts + 1} via ${this.transport.name}`));
    if (!started) return 'later';
    raw ??= readFileSync(row.eml_path!);
    const outcome = await this.transport.send({ deliveryId: `D${row.id}`, messageId: row.message_id, from: this.config.lab.mailbox, to: row.recipient, raw,
      proof: eml?.eml_path ?? row.eml_path ?? undefined });
    if (outcome.ok) {
      this.journal.relaxed(() => moveDelivery(this.journal, row.id, 'accept',
        { accepted_at: this.clock().toISOString(), last_reply: outcome.response, queue_id: outcome.queueId ?? null, reason: null, next_attempt_at: null }, outcome.response));
      summary.sent++;
      return 'ok';
    }
    const first = row.first_attempt_at ?? now;
    if (outcome.permanent || expired(first, this.clock().toISOString(), this.config.retry)) {
      const reason = outcome.permanent ? outcome.response : `gave up after ${this.config.retry.maxAgeHours} h: ${outcome.response}`;
      moveDelivery(this.journal, row.id, 'fail', { last_reply: outcome.response, reason, next_attempt_at: null }, reason);
      summary.failed.push({ delivery: row.id, recipient: row.recipient, reason });
      return outcome.certificate ? 'stop' : 'ok';
    }
    const delay = retryDelaySeconds(row.attempts + 1, this.config.retry);
    const at = new Date(this.clock().getTime() + delay * 1000).toISOString();
    const reason = outcome.certificate ? `the operator refused the lab's client certificate: ${outcome.response}` : outcome.response;
    moveDelivery(this.journal, row.id, 'defer', { last_reply: outcome.response, reason, next_attempt_at: at }, `${reason}; next attempt at ${at}`);
    summary.deferred.push({ delivery: row.id, recipient: row.recipient, reason });
    // A refused certificate fails every message the same way: stop this pass instead of hammering the operator.
    return outcome.certificate ? 'stop' : 'later';
  }

  /**
   * A report just journaled, as the gate planned it: the bodies a render thread prepared (its messages need
   * only their headers), or else its documents, which its messages are composed from without reading
   * them back from the spool.
   */
  offer(reportId: number, r: Pick<ReportPlan, 'report' | 'ids' | 'documents'>): void {
    const { messages } = r.documents;
    if (!messages) {
      keep(this.rendered, reportId, { report: r.report, version: r.ids.version, documents: documentsFor(r.report, r.documents) });
      return;
    }
    for (const [kind, prepared] of Object.entries(messages) as Array<[DocumentKindId, PreparedMessage]>) {
      keep(this.bodies, `${reportId}:${DOCUMENT_KINDS[kind].stage}`, Promise.resolve(prepared));
    }
  }

  /** One message: the report's body (documents, base64) is built once per report and kind, only the headers per recipient. */
  private async compose(d: DeliveryRow): Promise<Buffer> {
    const stage: 1 | 2 = d.stage === 2 ? 2 : 1;
    const key = `${d.report_id}:${stage}`;
    let prepared = this.bodies.get(key);
    if (!prepared) {
      prepared = this.prepareBody(d.report_id, stage);
      prepared.catch(() => this.bodies.delete(key));
    }
    keep(this.bodies, key, prepared);
    return messageFor(await prepared, {
      to: { address: d.recipient, role: d.role },
      messageId: d.message_id,
      date: this.clock(),
      endExchange: d.role === 'patient' && this.config.routing.patients.endExchange,
    });
  }

  private async prepareBody(reportId: number, stage: 1 | 2): Promise<PreparedMessage> {
    const { report, version, documents } = this.rendered.get(reportId) ?? this.stored(reportId);
    return prepareReportMessage(report, version, documents, messageKind(stage, report, documents), labMessageSettings(this.config));
  }

  /** A journaled report and its documents, read back from the journal and the spool. */
  private stored(reportId: number): ReportDocuments {
    const row = this.journal.report(reportId)!;
    const report = JSON.parse(row.json) as LabReport;
    return { report, version: row.version, documents: storedDocuments(this.layout, row, report) };
  }
}

/** Message bodies, and documents, kept for reports being sent (each a few hundred KB). */
const KEPT_BODIES = 16;

/** Least recently used first out: the reports whose recipients are being sent now stay. */
function keep<K, V>(kept: Map<K, V>, key: K, value: V): void {
  kept.delete(key);
  kept.set(key, value);
  if (kept.size > KEPT_BODIES) kept.delete(kept.keys().next().value!);
}

/** A report version's documents from its spool folder; the CDA code from the journal, else from the CDA itself. */
export function storedDocuments(layout: SpoolLayout, row: ReportRow, report: LabReport): StoredDocuments {
  const dir = reportDir(layout, row.set_id, row.version);
  const filename = pdfFileName(report);
  const docs: StoredDocuments = { pdf: { filename, content: readFileSync(join(dir, filename)) } };
  if (existsSync(join(dir, XDM_FILE))) {
    docs.xdm = readFileSync(join(dir, XDM_FILE));
    docs.cdaCode = row.cda_code ?? cdaCodeOf(xdmCda(docs.xdm) ?? '');
  }
  return docs;
}

/** `ClinicalDocument/code/@code`: the first `code` element of the header (realmCode and templateId come before it). */
export function cdaCodeOf(xml: string): string | undefined {
  return /<(?:[\w-]+:)?code\b[^>]*?\scode="([^"]+)"/.exec(xml)?.[1];
}
