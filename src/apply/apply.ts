import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import type { Journal, ReportRow } from '../queue/journal.js';
import { moveTo, quarantine, reportDir, writeAllAtomic, writeAtomic, type SpoolLayout } from '../queue/spool.js';
import { DOCUMENT_KINDS, LEGACY_CDA_FILE, XDM_FILE } from '../documents/kinds.js';
import { xdmCda } from '../documents/xdm/read.js';
import { documentIdFor } from '../documents/ids.js';
import { renderDocuments, type DocumentIds, type RenderedDocuments } from '../documents/render.js';
import { pdfFileName } from '../mail/compose.js';
import { labMessageId } from '../mail/message-id.js';
import type { LabReport } from '../model/labreport.types.js';
import type { LoincMapping } from '../loinc/mapping.js';
import { formatWarning } from '../inputs/types.js';
import type { AcceptPlan, FilePlan, ReportPlan } from '../gate/plan.js';
import type { PassSummary } from '../summary.js';

/**
 * Carries out the gate's plan for one spooled file: documents first (written atomically), then one journal
 * transaction for its reports and deliveries, then the input moves to `done/` (or `quarantine/`). A crash
 * before the commit leaves the file in `incoming/`, and it is prepared again: the documents are the same bytes.
 */
export interface ApplyTarget {
  journal: Journal;
  layout: SpoolLayout;
  config: ResolvedConfig;
  /** A report now in the journal (after the commit: its id is final), with its documents and any bodies the render pool prepared. */
  offerReport?(reportId: number, report: ReportPlan): void;
}

export interface SpooledFile { id: number; path: string; name: string }

export async function applyPlan(plan: FilePlan, file: SpooledFile, to: ApplyTarget, summary: PassSummary): Promise<void> {
  const { journal, layout } = to;
  if (plan.verdict === 'quarantine') {
    const target = await quarantine(file.path, layout, file.name, plan.reason);
    journal.tx(() => journal.finishFile(file.id, 'quarantined', { error: plan.reason, spoolPath: target }, plan.reason));
    summary.quarantined.push({ file: file.name, reason: plan.reason });
    return;
  }
  if (plan.verdict === 'duplicate') {
    const done = moveTo(file.path, layout.done, file.name);
    journal.tx(() => journal.finishFile(file.id, 'duplicate', { spoolPath: done }, plan.reason));
    summary.duplicates.push({ file: file.name, reason: plan.reason });
    return;
  }
  for (const r of plan.reports) await writeDocuments(layout, r.ids, r.report, r.documents);
  // The paper route: written before the commit that records it, so the journal never claims a missing print.
  for (const r of plan.reports) if (r.print) await writeAtomic(join(to.config.paths.print!, pdfFileName(r.report)), r.documents.pdf);
  const recorded = journal.tx(() => recordPlan(plan, file, to, summary));
  // Not synced: a power cut can only put the file back in incoming/, where start-up finds it finished in the
  // journal and moves it again (Pipeline.resumeIncoming).
  moveTo(file.path, layout.done, file.name, { durable: false });
  for (const [reportId, r] of recorded) to.offerReport?.(reportId, r);
}

/** Records the plan; returns each report's journal id. */
function recordPlan(plan: AcceptPlan, file: SpooledFile, { journal, config }: ApplyTarget, summary: PassSummary): Array<[number, ReportPlan]> {
  const messageIdFor = (n: number) => labMessageId(config.lab.mailbox, journal.instanceId, n);
  const recorded: Array<[number, ReportPlan]> = [];
  for (const r of plan.reports) {
    const reportId = journal.addReport({
      file_id: file.id, idx: r.index, set_id: r.ids.setId, version: r.ids.version, document_id: r.ids.documentId,
      status: r.report.status, dossier: r.report.request.fillerId ?? r.report.request.placerId ?? null, stage: r.stage,
      json: JSON.stringify(r.report), cda_code: r.documents.cdaCode ?? null,
    });
    recorded.push([reportId, r]);
    summary.reports++;
    if (r.documents.stage2Problem) {
      journal.event('warning', { report: reportId }, `no CR-BIO for this report, sent as PDF (stage 1): ${r.documents.stage2Problem}`);
    }
    for (const h of r.holds) journal.event('hold', { report: reportId }, `${h.code}: ${h.reason}`);
    for (const d of r.deliveries) {
      const id = journal.addDelivery({
        reportId, recipient: d.address, label: d.label, role: d.role, stage: DOCUMENT_KINDS[d.kind].stage,
        state: d.hold ? 'held' : 'pending', reason: d.hold?.reason, holdCode: d.hold?.code, messageIdFor,
      });
      if (d.hold) summary.held.push({ delivery: id, recipient: d.address || d.label || '?', reason: d.hold.reason });
    }
    if (r.print) journal.event('printed', { report: reportId }, 'no MSSanté recipient: PDF written to the print folder');
  }
  const { warnings } = plan;
  journal.finishFile(file.id, 'done', { format: plan.format, warnings },
    `${plan.format}: ${plan.reports.length} report(s)${warnings.length ? `, ${warnings.length} warning(s)` : ''}`);
  for (const w of warnings) journal.event('warning', { file: file.id }, formatWarning(w));
  for (const n of plan.notes) journal.event('warning', { file: file.id }, n);
  return recorded;
}

/**
 * The CDA stored for a version of an order, if one was rendered: the one inside its IHE_XDM.ZIP (what was
 * sent), or the separate CDA.XML that labmss 0.1 also wrote.
 */
export function storedCda(layout: SpoolLayout, setId: string, version: number): string | undefined {
  const dir = reportDir(layout, setId, version);
  if (existsSync(join(dir, XDM_FILE))) return xdmCda(readFileSync(join(dir, XDM_FILE)));
  const legacy = join(dir, LEGACY_CDA_FILE);
  return existsSync(legacy) ? readFileSync(legacy, 'utf8') : undefined;
}

/** A report version's documents, written as one step: each file once (the CDA lives in the XDM), one folder sync. */
export async function writeDocuments(layout: SpoolLayout, ids: DocumentIds, report: LabReport, docs: RenderedDocuments): Promise<void> {
  const dir = reportDir(layout, ids.setId, ids.version);
  await writeAllAtomic([
    { path: join(dir, pdfFileName(report)), data: docs.pdf },
    ...docs.xdm ? [{ path: join(dir, XDM_FILE), data: docs.xdm }] : [],
  ]);
}

/**
 * Renders what a stored report version lacks for a kind: a resend to a stage-2 recipient of a report first
 * sent as PDF renders its CDA and XDM now (rendering is deterministic: the PDF is the same bytes).
 */
export async function ensureDocuments(row: ReportRow, structured: boolean, to: ApplyTarget, mapping?: LoincMapping): Promise<void> {
  const report = JSON.parse(row.json) as LabReport;
  const dir = reportDir(to.layout, row.set_id, row.version);
  if (existsSync(join(dir, pdfFileName(report))) && (!structured || existsSync(join(dir, XDM_FILE)))) return;
  const ids: DocumentIds = { setId: row.set_id, version: row.version, documentId: row.document_id,
    replaces: row.version > 1 ? documentIdFor(row.set_id, row.version - 1) : undefined };
  const previousCda = row.version > 1 ? storedCda(to.layout, row.set_id, row.version - 1) : undefined;
  const docs = await renderDocuments(report, ids, { lab: to.config.lab, stage2: structured, mapping, previousCda });
  await writeDocuments(to.layout, ids, report, docs);
}
