import type { InputLocation, ParseWarning } from '../inputs/types.js';
import type { LabReport } from '../model/labreport.types.js';
import type { DocumentIds } from '../documents/render.js';
import type { RenderedReport } from '../documents/pool.js';
import type { DocumentKindId } from '../documents/kinds.js';
import type { RecipientRole } from '../routing/resolve.js';
import type { Hold } from './hold.js';

/**
 * The gate's decision about one input file: what `prepare` returns and `apply` carries out. A plan is
 * plain data: `parse`, `render` and `send --dry-run` print it, `run` and `watch` apply it.
 */
export type FilePlan = QuarantinePlan | DuplicatePlan | AcceptPlan;

/** The file cannot be used as a whole: nothing from it is sent, its bytes go to quarantine. */
export interface QuarantinePlan {
  verdict: 'quarantine';
  sha256: string;
  format?: string;
  reason: string;
  where?: InputLocation;
}

/** The same bytes were processed before: not sent again unless forced. */
export interface DuplicatePlan {
  verdict: 'duplicate';
  sha256: string;
  /** The earlier file (journal id and name). */
  earlier: { id: number; name: string };
  reason: string;
}

export interface AcceptPlan {
  verdict: 'accept';
  sha256: string;
  format: string;
  charset: string;
  warnings: ParseWarning[];
  reports: ReportPlan[];
  /** Remarks about the context (e.g. no allow-list imported), for the journal. */
  notes: string[];
}

export interface ReportPlan {
  index: number;
  /** The report as it goes into documents (the configured lab filled in). */
  report: LabReport;
  ids: DocumentIds;
  /** Stage the report is journaled at: 2 when its CR-BIO could be made for the stage-2 recipients. */
  stage: 1 | 2;
  /** With a render pool, also the message bodies of the kinds its recipients get. */
  documents: RenderedReport;
  /** Holds on the whole report: every delivery of it waits for a person. */
  holds: Hold[];
  deliveries: PlannedDelivery[];
  /** No MSSanté recipient and a print folder: the PDF goes there (the paper route). */
  print: boolean;
}

export interface PlannedDelivery {
  /** The one mailbox the message goes to; '' when there is none (then `hold` says why). */
  address: string;
  /** Who it is for, as a person reads it (the doctor's name, RPPS). */
  label?: string;
  role: RecipientRole;
  kind: DocumentKindId;
  hold?: Hold;
}

/** What the plan means for a person or a test: one verdict per file, one line per recipient. */
export interface PlanOutcome {
  verdict: 'quarantined' | 'duplicate' | 'held' | 'sent' | 'printed';
  reason?: string;
  deliveries: Array<{ report: number; role: string; address: string; label?: string; held?: string; code?: string }>;
}

export function outcomeOf(plan: FilePlan): PlanOutcome {
  if (plan.verdict === 'quarantine') return { verdict: 'quarantined', reason: plan.reason, deliveries: [] };
  if (plan.verdict === 'duplicate') return { verdict: 'duplicate', reason: plan.reason, deliveries: [] };
  const deliveries = plan.reports.flatMap((r) => r.deliveries.map((d) => ({
    report: r.index, role: d.role, address: d.address, ...(d.label ? { label: d.label } : {}),
    ...(d.hold ? { held: d.hold.reason, code: d.hold.code } : {}),
  })));
  const verdict = deliveries.some((d) => !d.held) ? 'sent' : plan.reports.some((r) => r.print) ? 'printed' : 'held';
  return { verdict, deliveries };
}
