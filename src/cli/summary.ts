import type { PassSummary } from '../summary.js';
import { t } from '../i18n/index.js';
import { paint, paintLine } from '../ui/colour.js';

/**
 * A pass told in a few lines; problems always, the rest unless --quiet. `sends` says whether the
 * transport hands messages to the operator, or only writes them into a folder (never called "sent" then).
 */
export function summaryLines(s: PassSummary, quiet: boolean, sends = true): string[] {
  const m = t().summary;
  const lines: string[] = [];
  if (!quiet) {
    lines.push([m.counts({ claimed: s.claimed, reports: s.reports, sent: s.sent, outbox: !sends }),
      ...(s.released ? [m.released({ n: s.released })] : []),
      ...(s.deferred.length ? [m.deferred({ n: s.deferred.length })] : [])].join(', '));
  }
  if (!quiet && s.settling) lines.push(m.settling({ n: s.settling }));
  // A re-dropped file that sent nothing is a problem to report, even with --quiet: someone expected a send.
  for (const d of s.duplicates) lines.push(paint('warn', m.duplicate({ reason: d.reason })));
  for (const f of s.faults) lines.push(paintLine('failed', m.fault({ file: f.file, fault: f.fault })));
  for (const q of s.quarantined) lines.push(paintLine('quarantined', m.quarantined({ reason: q.reason })));
  for (const h of s.held) lines.push(paintLine('held', m.held({ id: h.delivery, to: h.recipient, reason: h.reason })));
  for (const f of s.failed) lines.push(paintLine('failed', m.failed({ id: f.delivery, to: f.recipient, reason: f.reason })));
  if (!quiet) for (const d of s.deferred) lines.push(paintLine('deferred', m.deferredLine({ id: d.delivery, to: d.recipient, reason: d.reason })));
  if (s.quarantined.length) lines.push(m.quarantineHint);
  if (s.held.length || s.failed.length) lines.push(m.resendHint);
  if (s.duplicates.length) lines.push(m.duplicateHint);
  return lines;
}
