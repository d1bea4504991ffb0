import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import type { Journal, ReportRow } from '../queue/journal.js';
import { formatTime, t } from '../i18n/index.js';
import { CliError, config, openReadOnly, out, parseRef } from './context.js';
import { deliveryLine } from './find.js';
import { eventLine } from './log.js';

/** `D42`, `R12`, or else a dossier number (a bare number that is no dossier is still a delivery, as before). */
function resolveRef(journal: Journal, ref: string): { kind: 'D' | 'R'; id: number } | { kind: 'dossier'; reports: ReportRow[] } {
  const trimmed = ref.trim();
  if (!/^[DdRr]\d+$/.test(trimmed)) {
    const reports = journal.reportsOfDossier(trimmed);
    if (reports.length) return { kind: 'dossier', reports };
    if (!/^\d+$/.test(trimmed)) throw new CliError(t().show.noSuch({ ref: trimmed }));
  }
  return parseRef(trimmed, 'DR') as { kind: 'D' | 'R'; id: number };
}

function reportStory(journal: Journal, r: ReportRow) {
  const deliveries = journal.deliveriesOfReport(r.id);
  const events = journal.events({ report: r.id });
  const value = { report: { ...r, json: JSON.parse(r.json) as unknown }, deliveries, events };
  const lines = [
    t().show.reportHead({ id: r.id, file: r.file_id, dossier: r.dossier ?? '?', version: r.version, status: r.status, stage: r.stage }),
    `  setId ${r.set_id}  document ${r.document_id}`,
    ...deliveries.map(deliveryLine),
    '', ...events.map(eventLine),
  ];
  return { value, lines };
}

export function register(program: Command): void {
  program.command('show')
    .argument('<id>')
    .action((ref: string, _opts, cmd: Command) => {
      const cfg = config(cmd);
      const journal = openReadOnly(cfg);
      try {
        const target = resolveRef(journal, ref);
        const m = t().show;
        if (target.kind === 'dossier') {
          const stories = target.reports.map((r) => reportStory(journal, r));
          out(cmd, { dossier: ref.trim(), reports: stories.map((s) => s.value) }, () => stories.flatMap((s, i) => [...(i ? [''] : []), ...s.lines]));
        } else if (target.kind === 'D') {
          const d = journal.delivery(target.id);
          if (!d) throw new CliError(m.noDelivery({ id: target.id }));
          const report = journal.report(d.report_id)!;
          const events = journal.events({ delivery: d.id });
          const eml = !d.eml_path ? m.notComposed : existsSync(d.eml_path) ? d.eml_path : `${d.eml_path} ${m.purged}`;
          const pad = (s: string) => s.padEnd(10);
          out(cmd, { delivery: d, report: { id: report.id, dossier: report.dossier, version: report.version, status: report.status }, events }, () => [
            m.deliveryHead({ id: d.id, report: d.report_id, dossier: report.dossier ?? '?', version: report.version }),
            `  ${pad(m.to)} ${d.recipient} (${d.role}), stage ${d.stage}`,
            `  ${pad(m.state)} ${t().status.states[d.state] ?? d.state}${d.reason ? ` — ${d.reason}` : ''}`,
            `  ${pad(m.messageId)} ${d.message_id}`,
            `  ${pad(m.eml)} ${eml}${d.eml_sha256 ? `  sha256 ${d.eml_sha256}  ${d.eml_size} ${m.bytes}` : ''}`,
            `  ${pad(m.attempts)} ${d.attempts}${d.next_attempt_at ? `, ${m.next} ${formatTime(d.next_attempt_at)}` : ''}`,
            `  ${pad(m.reply)} ${d.last_reply ?? '-'}${d.queue_id ? ` (${m.queueId} ${d.queue_id})` : ''}`,
            `  ${m.accepted} ${formatTime(d.accepted_at)}  ${m.delivered} ${formatTime(d.delivered_at)}  ${m.read} ${formatTime(d.read_at)}`,
            '', ...events.map(eventLine),
          ]);
        } else {
          const r = journal.report(target.id);
          if (!r) throw new CliError(m.noReport({ id: target.id }));
          const story = reportStory(journal, r);
          out(cmd, story.value, () => story.lines);
        }
      } finally {
        journal.close();
      }
    });
}
