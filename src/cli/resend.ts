import type { Command } from 'commander';
import { Pipeline } from '../pipeline.js';
import { emptySummary, exitCodeOf } from '../summary.js';
import { transportKind } from '../mail/transports.js';
import { labMessageId } from '../mail/message-id.js';
import { ensureDocuments } from '../apply/apply.js';
import { stageFor } from '../gate/prepare.js';
import type { DeliveryRow, Journal, ReportRow } from '../queue/journal.js';
import { moveDelivery } from '../queue/delivery-state.js';
import { LockBusy } from '../queue/lock.js';
import { routeReport } from '../routing/resolve.js';
import type { LabReport } from '../model/labreport.types.js';
import { parseMailbox } from '../routing/mailbox.js';
import type { ResolvedConfig } from '../config/load.js';
import { withProgress } from '../ui/progress.js';
import { CliError, config, globals, openState, openUnlocked, out, parseRef } from './context.js';
import { summaryLines } from './summary.js';


export interface Target { address: string; role: string; label?: string; supersedes?: number }

/**
 * Who a resend goes to: `--to`; else the delivery's recipient (D); else every recipient of the report (R):
 * those it had, and those routing finds now (a copy doctor who had no address then). A delivery still
 * waiting (pending, deferred) is superseded by the new one, never sent beside it.
 */
export function resendTargets(kind: string, deliveries: DeliveryRow[], to: string[] | undefined, routedNow: Array<{ address: string; role: string; name?: string }>): { targets: Target[]; missing: DeliveryRow[] } {
  const waiting = (d: DeliveryRow) => (d.state === 'pending' || d.state === 'deferred' ? d.id : undefined);
  // Another address than the report named: not the prescriber's nor a copy's.
  if (to?.length) return { targets: to.map((address) => ({ address, role: 'other' })), missing: [] };
  const seen = new Set<string>();
  const targets: Target[] = [];
  const missing: DeliveryRow[] = [];
  const add = (t: Target) => {
    if (seen.has(t.address.toLowerCase())) return;
    seen.add(t.address.toLowerCase());
    targets.push(t);
  };
  for (const d of deliveries) {
    if (d.recipient) add({ address: d.recipient, role: d.role, label: d.label ?? undefined, supersedes: waiting(d) });
    else if (kind === 'D') missing.push(d);
  }
  if (kind === 'R') {
    for (const r of routedNow) add({ address: r.address, role: r.role, label: r.name });
    for (const d of deliveries) if (!d.recipient && !routedNow.some((r) => r.role === d.role)) missing.push(d);
  }
  return { targets, missing };
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

function findReport(journal: Journal, kind: string, id: number): { report: ReportRow; delivery?: DeliveryRow } {
  const delivery = kind === 'D' ? journal.delivery(id) : undefined;
  if (kind === 'D' && !delivery) throw new CliError(`no delivery D${id}: see \`labmss status\` or \`labmss log\``);
  const report = journal.report(delivery?.report_id ?? id);
  if (!report) throw new CliError(`no report R${id}: see \`labmss log\``);
  return { report, delivery };
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
      const transportInfo = transportKind(cfg);
      const transport = transportInfo.create(state.journal.allowlistCheck(transportInfo.needsAllowlist));
      const summary = emptySummary();
      const created: Array<{ delivery: string; recipient: string; messageId: string; supersedes?: string }> = [];
      let missing: DeliveryRow[] = [];
      try {
        const { journal } = state;
        const pipeline = new Pipeline(cfg, journal, transport);
        const { report, delivery } = findReport(journal, kind, id);
        const labReport = JSON.parse(report.json) as LabReport;
        const routing = pipeline.gate.routingFor(journal);
        const routedNow = kind === 'R' && !to?.length ? routeReport(labReport, routing).recipients : [];
        const plan = resendTargets(kind, delivery ? [delivery] : journal.deliveriesOfReport(report.id), to, routedNow);
        missing = plan.missing;
        if (!plan.targets.length) {
          const what = kind === 'D' ? `D${id}` : `R${report.id}`;
          throw new CliError(`${what} has no MSSanté address to resend to (${missing.map((d) => d.reason).filter(Boolean)[0] ?? 'no recipient'}): give one with --to ADDRESS`);
        }
        const refused = plan.targets.map((t) => routing.allowlist?.(t.address)).filter((r): r is string => Boolean(r));
        if (refused.length) throw new CliError(`${refused.join('\n')}\nnothing was sent; check the address, or import a newer list with \`labmss allowlist import FILE\``);

        for (const t of plan.targets) await ensureDocuments(report, stageFor(t.address, cfg) === 2, pipeline, pipeline.gate.mapping);
        const what = delivery ? `D${delivery.id}` : `R${report.id}`;
        journal.tx(() => {
          for (const t of plan.targets) {
            const newId = journal.addDelivery({ reportId: report.id, recipient: t.address, label: t.label, role: t.role, stage: stageFor(t.address, cfg),
              state: 'pending', messageIdFor: (n) => labMessageId(cfg.lab.mailbox, journal.instanceId, n) });
            journal.event('resend', { report: report.id, delivery: newId }, `resend of ${what}${opts.to?.length ? ' to another address' : ''}`);
            // Still waiting to go out: the new message replaces it, so the doctor gets one, not two.
            if (t.supersedes !== undefined && moveDelivery(journal, t.supersedes, 'cancel', { next_attempt_at: null, reason: `superseded by D${newId}` }, `superseded by D${newId}`)) {
              created.push({ delivery: `D${newId}`, recipient: t.address, messageId: journal.delivery(newId)!.message_id, supersedes: `D${t.supersedes}` });
            } else {
              created.push({ delivery: `D${newId}`, recipient: t.address, messageId: journal.delivery(newId)!.message_id });
            }
          }
        });
        if (state.daemonPid === undefined) {
          await withProgress(globals(cmd), () => `${summary.sent}/${created.length} message(s) sent`, async () => {
            for (const c of created) await pipeline.deliverOne(journal.delivery(Number(c.delivery.slice(1)))!, summary);
          });
        } else {
          try { process.kill(state.daemonPid, 'SIGUSR2'); } catch { /* it sends them on its next tick anyway */ }
        }
      } finally {
        await transport.close();
        state.close();
      }
      const queued = state.daemonPid !== undefined;
      const notCovered = missing.map((d) => ({ delivery: `D${d.id}`, who: d.label ?? d.role, reason: d.reason }));
      out(cmd, { created, queued, notCovered, ...(queued ? { daemonPid: state.daemonPid } : summary) }, () => [
        ...created.map((c) => `${c.delivery} → ${c.recipient} ${c.messageId}${c.supersedes ? ` (replaces ${c.supersedes}, cancelled)` : ''}`),
        ...notCovered.map((m) => `not resent: ${m.delivery} ${m.who}: ${m.reason ?? 'no address'} — give an address with \`labmss resend ${m.delivery} --to ADDRESS\``),
        ...(queued ? [`queued: the running daemon (pid ${state.daemonPid}) sends ${created.length === 1 ? 'it' : 'them'} now; follow with \`labmss show ${created[0]?.delivery}\``]
          : summaryLines(summary, Boolean(globals(cmd).quiet), transportInfo.sends)),
      ]);
      process.exitCode = notCovered.length ? 1 : queued ? 0 : exitCodeOf(summary);
    });
}
