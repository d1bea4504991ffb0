import type { DeliveryRow, Journal } from '../queue/journal.js';
import { moveDelivery } from '../queue/delivery-state.js';
import type { HoldCode } from '../gate/hold.js';
import type { LabReport } from '../model/labreport.types.js';
import { routeReport, type RoutingContext } from '../routing/resolve.js';

/**
 * Held deliveries whose cause may have gone. Routing holds (no address, several addresses, refused by the
 * allow-list) are looked at again by themselves whenever what routing consults may have changed: a new
 * allow-list or directory, a config or address book reloaded, each `run`. Holds about the report itself
 * (identity, completeness, too many messages…) wait for a person: `labmss release D…`.
 */
const ROUTING_HOLDS: ReadonlySet<HoldCode> = new Set(['no-address', 'ambiguous-address', 'not-allowed']);

export interface ReleaseResult {
  released: Array<{ delivery: number; recipient: string }>;
  held: Array<{ delivery: number; reason: string }>;
}

/** What routing says now about one held delivery: its address, or why it stays held. */
function reroute(row: DeliveryRow, report: LabReport, others: DeliveryRow[], ctx: RoutingContext): { address: string } | { reason: string } {
  if (row.recipient) {
    const refused = ctx.allowlist?.(row.recipient);
    return refused ? { reason: refused } : { address: row.recipient };
  }
  const routed = routeReport(report, ctx);
  const still = routed.unrouted.find((u) => u.role === row.role && u.who === row.label);
  if (still) return { reason: still.reason };
  // Another delivery of the report already goes to an address: this one was for someone else.
  const taken = new Set(others.filter((o) => o.id !== row.id && o.recipient).map((o) => o.recipient.toLowerCase()));
  const found = routed.recipients.find((r) => r.role === row.role && !taken.has(r.address.toLowerCase()));
  return found ? { address: found.address } : { reason: row.reason ?? 'still no address' };
}

/**
 * Looks again at held deliveries: `ids` (a person's `release`), else every held one with a routing hold.
 * A person's release also lifts holds about the report (they looked); an address is needed either way.
 */
export function releaseHeld(journal: Journal, ctx: RoutingContext, ids?: number[]): ReleaseResult {
  const manual = ids !== undefined;
  const rows = manual ? ids.map((id) => journal.delivery(id)).filter((d): d is DeliveryRow => d?.state === 'held')
    : journal.deliveriesInStates(['held']).filter((d) => d.hold_code && ROUTING_HOLDS.has(d.hold_code as HoldCode));
  const result: ReleaseResult = { released: [], held: [] };
  for (const row of rows) {
    const reportRow = journal.report(row.report_id)!;
    // Whatever the hold, the address passes the allow-list again before anything goes.
    const now = reroute(row, JSON.parse(reportRow.json) as LabReport, journal.deliveriesOfReport(row.report_id), ctx);
    if ('reason' in now) {
      result.held.push({ delivery: row.id, reason: now.reason });
      continue;
    }
    const detail = `${manual ? 'released by hand' : 'cause gone'}: to ${now.address}`;
    if (moveDelivery(journal, row.id, 'release', { recipient: now.address, reason: null }, detail)) {
      result.released.push({ delivery: row.id, recipient: now.address });
    }
  }
  return result;
}
