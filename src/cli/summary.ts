import type { PassSummary } from '../summary.js';

/** A pass told in a few lines; problems always, the rest unless --quiet. */
export function summaryLines(s: PassSummary, quiet: boolean): string[] {
  const lines: string[] = [];
  if (!quiet) {
    lines.push(`${s.claimed} file(s) claimed, ${s.reports} report(s), ${s.sent} message(s) sent` +
      `${s.released ? `, ${s.released} held delivery(ies) released` : ''}${s.deferred.length ? `, ${s.deferred.length} deferred` : ''}`);
  }
  if (!quiet && s.settling) {
    lines.push(`${s.settling} file(s) not finished yet (still changing, no completion marker, or end missing): left for the next pass (intake.settleSeconds)`);
  }
  for (const q of s.quarantined) lines.push(`quarantined: ${q.reason}`);
  for (const d of s.duplicates) lines.push(`not sent: ${d.reason}`);
  for (const f of s.faults) lines.push(`not processed yet: ${f.file}: ${f.fault}; it stays claimed and is processed again by the next run once the fault is fixed`);
  for (const h of s.held) lines.push(`held D${h.delivery} ${h.recipient}: ${h.reason}`);
  for (const f of s.failed) lines.push(`failed D${f.delivery} ${f.recipient}: ${f.reason}`);
  if (!quiet) for (const d of s.deferred) lines.push(`deferred D${d.delivery} ${d.recipient}: ${d.reason}`);
  if (s.quarantined.length) lines.push('see `labmss status` for the quarantine folder; fix the file and drop it in the export folder again');
  if (s.held.length || s.failed.length) lines.push('to send a held or failed report elsewhere: `labmss resend R<id> --to ADDRESS`');
  return lines;
}
