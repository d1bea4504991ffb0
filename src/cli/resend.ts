import type { Command } from 'commander';
import { Dispatcher, emptySummary, exitCodeOf } from '../dispatcher.js';
import { createTransport } from '../mail/transports.js';
import { Journal, type DeliveryRow, type ReportRow } from '../queue/journal.js';
import { LockBusy } from '../queue/lock.js';
import { allowlistPolicy } from '../routing/allowlist-store.js';
import { parseMailbox } from '../routing/mailbox.js';
import type { ResolvedConfig } from '../config/load.js';
import { withProgress } from '../ui/progress.js';
import { CliError, config, globals, openState, openUnlocked, out, parseRef } from './context.js';
import { summaryLines } from './summary.js';

interface Target { address: string; role: string }

/** Who a resend goes to: --to, else the delivery's recipient (D) or every recipient the report had (R). */
export function resendTargets(kind: string, report: ReportRow, deliveries: DeliveryRow[], to: string[] | undefined): Target[] {
  if (to?.length) return to.map((address) => ({ address, role: 'other' }));
  const seen = new Set<string>();
  const targets: Target[] = [];
  for (const d of deliveries) {
    // Held rows without an address read "(prescriber) Dr X (RPPS …)": nobody to resend to.
    if (!parseMailbox(d.recipient).ok || seen.has(d.recipient.toLowerCase())) continue;
    seen.add(d.recipient.toLowerCase());
    targets.push({ address: d.recipient, role: d.role });
  }
  if (!targets.length) {
    const what = kind === 'D' ? `D${deliveries[0]?.id}` : `R${report.id}`;
    throw new CliError(`${what} has no MSSanté address to resend to (${deliveries.map((d) => d.reason).filter(Boolean)[0] ?? 'no recipient'}): give one with --to ADDRESS`);
  }
  return targets;
}

/**
 * The journal to write to. Normally the state directory's lock, and the messages go out now. When the
 * daemon owns the directory, the new deliveries are recorded (SQLite takes concurrent writers) and the
 * daemon is nudged (SIGUSR2) to send them: a technician need not stop the service to resend.
 */
function openForResend(cfg: ResolvedConfig): { journal: Journal; close(): void; daemonPid?: number } {
  try {
    return openState(cfg, 'resend');
  } catch (err) {
    if (!(err instanceof LockBusy) || !/\bwatch\b/.test(err.command)) throw err;
    const journal = openUnlocked(cfg, 'resend');
    return { journal, close: () => journal.close(), daemonPid: err.pid };
  }
}

export function register(program: Command): void {
  program.command('resend')
    .description('send a report (R12) or a delivery (D42) again, as a new message with a new Message-ID; --to sends it elsewhere')
    .argument('<id>', 'R<n> (every recipient of the report) or D<n> (that delivery\'s recipient)')
    .option('--to <address...>', 'send to these MSSanté addresses instead')
    .action(async (ref: string, opts: { to?: string[] }, cmd: Command) => {
      const { kind, id } = parseRef(ref, 'RD');
      const cfg = config(cmd);
      const to = opts.to?.map((a) => {
        const m = parseMailbox(a);
        if (!m.ok) throw new CliError(`--to: not one email address (${m.reason})`);
        return m.address;
      });
      const state = openForResend(cfg);
      const transport = createTransport(cfg);
      const summary = emptySummary();
      const created: Array<{ delivery: string; recipient: string; messageId: string }> = [];
      try {
        const { journal } = state;
        const dispatcher = new Dispatcher(cfg, journal, transport);
        const delivery = kind === 'D' ? journal.delivery(id) : undefined;
        if (kind === 'D' && !delivery) throw new CliError(`no delivery D${id}: see \`labmss status\` or \`labmss log\``);
        const report = journal.report(delivery?.report_id ?? id);
        if (!report) throw new CliError(`no report R${id}: see \`labmss log\``);
        const targets = resendTargets(kind, report, delivery ? [delivery] : journal.deliveriesOfReport(report.id), to);

        const check = allowlistPolicy(journal.db, cfg.transport.type).check;
        const refused = targets.map((t) => check(t.address)).filter((r): r is string => Boolean(r));
        if (refused.length) throw new CliError(`${refused.join('\n')}\nnothing was sent; check the address, or import a newer list with \`labmss allowlist import FILE\``);

        for (const t of targets) await dispatcher.ensureDocuments(report, dispatcher.stageFor(t.address) === 2);
        const what = delivery ? `D${delivery.id}` : `R${report.id}`;
        journal.tx(() => {
          for (const t of targets) {
            const newId = journal.addDelivery({ reportId: report.id, recipient: t.address, role: t.role, stage: dispatcher.stageFor(t.address),
              state: 'pending', messageIdFor: (n) => dispatcher.messageId(n) });
            journal.event('resend', { report: report.id, delivery: newId }, `resend of ${what}${opts.to?.length ? ' to another address' : ''}`);
            created.push({ delivery: `D${newId}`, recipient: t.address, messageId: journal.delivery(newId)!.message_id });
          }
        });
        if (state.daemonPid === undefined) {
          await withProgress(globals(cmd), () => `${summary.sent}/${created.length} message(s) sent`, async () => {
            for (const c of created) await dispatcher.deliverOne(journal.delivery(Number(c.delivery.slice(1)))!, summary);
          });
        } else {
          try { process.kill(state.daemonPid, 'SIGUSR2'); } catch { /* it sends them on its next tick anyway */ }
        }
      } finally {
        await transport.close();
        state.close();
      }
      const queued = state.daemonPid !== undefined;
      out(cmd, { created, queued, ...(queued ? { daemonPid: state.daemonPid } : summary) }, () => [
        ...created.map((c) => `${c.delivery} → ${c.recipient} ${c.messageId}`),
        ...(queued ? [`queued: the running daemon (pid ${state.daemonPid}) sends ${created.length === 1 ? 'it' : 'them'} now; follow with \`labmss show ${created[0]?.delivery}\``]
          : summaryLines(summary, Boolean(globals(cmd).quiet))),
      ]);
      process.exitCode = queued ? 0 : exitCodeOf(summary);
    });
}
