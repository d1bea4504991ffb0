import type { ResolvedConfig } from '../config/load.js';
import type { LabReport } from '../model/labreport.types.js';
import { labReportProblems } from '../model/validate.js';
import { InputError, parseInput, type ParseResult } from '../inputs/index.js';
import { documentIdFor, orderKey, setIdFor } from '../documents/ids.js';
import { renderDocuments, type DocumentIds } from '../documents/render.js';
import { kindFor } from '../documents/kinds.js';
import type { RenderedReport } from '../documents/pool.js';
import type { LoincMapping } from '../loinc/mapping.js';
import { routeReport, type Recipient, type RoutingContext, type Unrouted } from '../routing/resolve.js';
import { sha256 } from '../queue/spool.js';
import { hold, type Hold } from './hold.js';
import { maxFileBytes } from './limits.js';
import { identityHolds } from './identity.js';
import { readPdfCopies } from './pdf-copies.js';
import type { AcceptPlan, FilePlan, PlannedDelivery, ReportPlan } from './plan.js';

/**
 * Everything the gate consults besides the file's bytes. The lookups read the journal (versions, earlier
 * files, directory, allow-list) but the gate writes nothing: `run`, `watch`, `send`, `send --dry-run`,
 * `parse` and `render` call the same `prepare`, so they cannot disagree about a file.
 */
export interface GateContext {
  config: ResolvedConfig;
  /** The file's name, for messages and companion files. */
  file: string;
  companion: (name: string) => Buffer | undefined;
  /** Absent: `parse` without a config: nobody to route to, every report's deliveries are empty. */
  routing?: RoutingContext;
  /** Remarks about the context for the journal (e.g. no allow-list imported). */
  notes: string[];
  mapping?: LoincMapping;
  /** The highest version journaled for an order (0: none yet). */
  latestVersion(setId: string): number;
  /** The CDA sent for a version of an order, if any (a cancellation asks receivers to delete it). */
  previousCda(setId: string, version: number): string | undefined;
  /** An earlier file with the same bytes that was processed (not quarantined). */
  earlierFile(sha256: string): { id: number; name: string } | undefined;
  /** Send even if the same bytes were processed before (`send --force`). */
  force?: boolean;
  /** A person names the recipients (`send --to`). */
  to?: string[];
  /** Render the CDA and XDM whatever the recipients get (the `render` command). */
  renderStructured?: boolean;
  /**
   * Where documents are drawn: renderDocuments in this thread by default, or a pool of worker threads,
   * which also prepares the message bodies for the recipients' `stages` (the deliverer then only adds each recipient's headers).
   */
  render?: (report: LabReport, ids: DocumentIds, opts: Parameters<typeof renderDocuments>[2], stages: Array<1 | 2>) => Promise<RenderedReport>;
}

/** The gate: bytes and context in, the decision about the file out (see plan.ts). Writes nothing. */
export async function prepare(bytes: Buffer, ctx: GateContext): Promise<FilePlan> {
  const hash = sha256(bytes);
  const earlier = ctx.force ? undefined : ctx.earlierFile(hash);
  if (earlier) {
    return { verdict: 'duplicate', sha256: hash, earlier,
      reason: `same bytes as file F${earlier.id} (${earlier.name}): not sent again (use \`labmss send --force FILE\` to send anyway)` };
  }
  let parsed: ParseResult;
  try {
    parsed = parseChecked(bytes, ctx);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { verdict: 'quarantine', sha256: hash, reason: err.message, where: err.where };
  }
  // The text of each carried CDA's PDF copy, to check it names the same patient (read off the main path: pdfjs).
  const pdfCopies = await Promise.all(parsed.reports.map((r) => readPdfCopies(r)));
  const versions = new Map<string, number>();
  const reports: ReportPlan[] = [];
  for (const [index, parsedReport] of parsed.reports.entries()) {
    const report = withConfiguredLab(parsedReport, ctx.config.lab);
    const ids = versionOf(report, `${hash}#${index}`, versions, ctx);
    const routed = ctx.routing ? routeReport(report, ctx.routing, ctx.to) : { recipients: [], unrouted: [] };
    const stages = [...new Set(routed.recipients.map((r) => stageFor(r.address, ctx.config)))];
    const wantsStructured = ctx.renderStructured || stages.includes(2);
    let documents: RenderedReport;
    try {
      const previousCda = ids.version > 1 ? ctx.previousCda(ids.setId, ids.version - 1) : undefined;
      const opts = { lab: ctx.config.lab, stage2: wantsStructured, mapping: ctx.mapping, previousCda };
      documents = await (ctx.render ? ctx.render(report, ids, opts, stages) : renderDocuments(report, ids, opts));
    } catch (err) {
      return { verdict: 'quarantine', sha256: hash, format: parsed.format, reason: `${ctx.file}: report ${index + 1}: cannot render a document: ${(err as Error).message}` };
    }
    const holds = [
      ...parsed.holds.filter((h) => holdBelongsTo(h, index, parsed.reports)),
      // Never a document about the wrong patient: every place that names the patient must agree.
      ...identityHolds(report, index, pdfCopies[index]),
      // A cancellation or replacement the documents cannot say is held, never sent as an ordinary document.
      ...(documents.cannotExpress ? [hold('cannot-express', documents.cannotExpress, { report: index })] : []),
    ];
    reports.push(planReport(index, report, ids, documents, routed, holds, ctx));
  }
  return limitMessages({ verdict: 'accept', sha256: hash, format: parsed.format, charset: parsed.charset, warnings: parsed.warnings, reports, notes: ctx.notes }, ctx.config);
}

/** Parses and validates against the LabReport schema: any problem quarantines the whole file. */
function parseChecked(bytes: Buffer, ctx: GateContext): ParseResult {
  const parsed = parseInput(bytes, { file: ctx.file, hprimCharset: ctx.config.intake.hprimCharset, companion: ctx.companion, maxFileBytes: maxFileBytes(ctx.config) });
  parsed.reports.forEach((r, i) => {
    const problems = labReportProblems(r);
    if (problems.length) throw new InputError({ file: ctx.file, field: `report ${i + 1} ${problems[0]!.pointer}` }, problems[0]!.message);
  });
  if (parsed.reports.length === 0) throw new InputError({ file: ctx.file }, 'no report in the file');
  return parsed;
}

function planReport(index: number, report: LabReport, ids: DocumentIds, documents: RenderedReport,
  routed: { recipients: Recipient[]; unrouted: Unrouted[] }, holds: Hold[], ctx: GateContext): ReportPlan {
  const structuredPossible = !documents.stage2Problem;
  const reportHold = holds[0];
  const deliveries: PlannedDelivery[] = [
    ...routed.recipients.map((r): PlannedDelivery => ({
      address: r.address, ...(r.name ? { label: r.name } : {}), role: r.role,
      kind: kindFor(stageFor(r.address, ctx.config), report, structuredPossible), ...(reportHold ? { hold: reportHold } : {}),
    })),
    ...routed.unrouted.map((u): PlannedDelivery => ({
      address: u.address ?? '', label: u.who, role: u.role, kind: kindFor(ctx.config.stage, report, structuredPossible),
      hold: hold(u.code, u.reason),
    })),
  ];
  const print = routed.recipients.length === 0 && !reportHold && Boolean(ctx.config.paths.print) && !report.masking?.maskedFromProfessionals;
  return { index, report, ids, stage: structuredPossible ? ctx.config.stage : 1, documents, holds, deliveries, print };
}

/** A LIS export gone wrong (the same report a thousand times) must not become thousands of messages. */
function limitMessages(plan: AcceptPlan, config: ResolvedConfig): AcceptPlan {
  const max = config.intake.maxMessagesPerFile;
  const count = plan.reports.reduce((n, r) => n + r.deliveries.filter((d) => !d.hold).length, 0);
  if (count <= max) return plan;
  const tooMany = hold('too-many-messages', `the file would send ${count} messages, over intake.maxMessagesPerFile (${max}): check the export, then \`labmss release\` or raise the limit`);
  for (const r of plan.reports) {
    r.holds.push(tooMany);
    r.print = false;
    for (const d of r.deliveries) d.hold ??= tooMany;
  }
  return plan;
}

/** setId, version and document id: a later report for the same order is its next version. */
function versionOf(report: LabReport, fallback: string, inFile: Map<string, number>, ctx: GateContext): DocumentIds {
  const setId = setIdFor(orderKey(report, ctx.config.lab.finess ?? ctx.config.lab.name, fallback));
  const prior = Math.max(ctx.latestVersion(setId), inFile.get(setId) ?? 0);
  const version = prior + 1;
  inFile.set(setId, version);
  return { setId, version, documentId: documentIdFor(setId, version), replaces: prior ? documentIdFor(setId, prior) : undefined };
}

/** The stage a recipient gets: `recipientOverrides`, else `stage`. */
export function stageFor(address: string, config: ResolvedConfig): 1 | 2 {
  const o = config.recipientOverrides.find((r) => r.address.toLowerCase() === address.toLowerCase());
  return o?.stage ?? config.stage;
}

/** A hold belongs to its report, else to the report whose lines contain it (the last one starting at or before it). */
function holdBelongsTo(h: Hold, index: number, all: LabReport[]): boolean {
  if (h.report !== undefined) return h.report === index;
  if (h.where?.line === undefined || all.length === 1) return true;
  const owner = [...all.keys()].reverse().find((i) => (all[i]!.source?.line ?? 1) <= h.where!.line!);
  return owner === index;
}

/** The lab in the documents is the configured one: the input's sender code is kept only as a code. */
export function withConfiguredLab(report: LabReport, lab: ResolvedConfig['lab']): LabReport {
  return { ...report, lab: { ...report.lab, name: lab.name, finess: lab.finess ?? report.lab?.finess, address: lab.address ?? report.lab?.address, phone: lab.phone ?? report.lab?.phone } };
}

