import type { Command } from 'commander';
import { CliError, config, openReadOnly, out, parseRef } from './context.js';
import { eventLine } from './log.js';

export function register(program: Command): void {
  program.command('show')
    .description("a delivery's (D42) or report's (R12) full trail: states, replies, receipts, proof")
    .argument('<id>')
    .action((ref: string, _opts, cmd: Command) => {
      const { kind, id } = parseRef(ref, 'DR');
      const cfg = config(cmd);
      const journal = openReadOnly(cfg);
      try {
        if (kind === 'D') {
          const d = journal.delivery(id);
          if (!d) throw new CliError(`no delivery D${id}: see \`labmss status\``);
          const report = journal.report(d.report_id)!;
          const events = journal.events({ delivery: id });
          out(cmd, { delivery: d, report: { id: report.id, dossier: report.dossier, version: report.version, status: report.status }, events }, () => [
            `delivery D${d.id} of report R${d.report_id} (dossier ${report.dossier ?? '?'}, version ${report.version})`,
            `  to         ${d.recipient} (${d.role}), stage ${d.stage}`,
            `  state      ${d.state}${d.reason ? ` — ${d.reason}` : ''}`,
            `  message-id ${d.message_id}`,
            `  eml        ${d.eml_path ?? '(not composed yet)'}${d.eml_sha256 ? `  sha256 ${d.eml_sha256}  ${d.eml_size} bytes` : ''}`,
            `  attempts   ${d.attempts}${d.next_attempt_at ? `, next ${d.next_attempt_at}` : ''}`,
            `  reply      ${d.last_reply ?? '-'}${d.queue_id ? ` (queue id ${d.queue_id})` : ''}`,
            `  accepted ${d.accepted_at ?? '-'}  delivered ${d.delivered_at ?? '-'}  read ${d.read_at ?? '-'}`,
            '', ...events.map(eventLine),
          ]);
        } else {
          const r = journal.report(id);
          if (!r) throw new CliError(`no report R${id}: see \`labmss log\``);
          const deliveries = journal.deliveriesOfReport(id);
          const events = journal.events({ report: id });
          out(cmd, { report: { ...r, json: JSON.parse(r.json) }, deliveries, events }, () => [
            `report R${r.id} from file F${r.file_id}: dossier ${r.dossier ?? '?'}, version ${r.version} (${r.status}), stage ${r.stage}`,
            `  setId ${r.set_id}  document ${r.document_id}`,
            ...deliveries.map((d) => `  D${d.id} ${d.state.padEnd(9)} ${d.recipient}${d.reason ? ` — ${d.reason}` : ''}`),
            '', ...events.map(eventLine),
          ]);
        }
      } finally {
        journal.close();
      }
    });
}
