import type { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { spoolLayout } from '../queue/spool.js';
import { diskUse } from '../retention/disk.js';
import { paintLine } from '../ui/colour.js';
import { formatBytes, t } from '../i18n/index.js';
import { config, openReadOnly, out } from './context.js';

const ATTENTION = ['held', 'failed', 'bounced', 'deferred'] as const;

export function register(program: Command): void {
  program.command('status')
    .description('deliveries by state; held, failed, bounced and deferred ones with their reasons; quarantined files')
    .action((_opts, cmd: Command) => {
      const cfg = config(cmd);
      const journal = openReadOnly(cfg);
      try {
        const counts = journal.countsByState();
        const attention = journal.deliveriesInStates([...ATTENTION]).map((d) => ({
          delivery: `D${d.id}`, report: `R${d.report_id}`, state: d.state, recipient: d.recipient, reason: d.reason,
          nextAttempt: d.next_attempt_at, attempts: d.attempts,
        }));
        const quarantined = journal.filesInState('quarantined').map((f) => ({ file: `F${f.id}`, name: f.name, path: f.spool_path, reason: f.error }));
        const layout = spoolLayout(cfg.paths.state);
        const waiting = readdirSync(layout.incoming).filter((n) => !n.startsWith('.')).length;
        const disk = diskUse(cfg.paths.state);
        const value = { counts, attention, quarantined, inSpool: waiting, disk };
        out(cmd, value, () => {
          const lines = [Object.keys(counts).length
            ? Object.entries(counts).sort().map(([k, v]) => `${k} ${v}`).join(', ')
            : 'no deliveries yet'];
          lines.push(t().status.disk({ total: formatBytes(disk.total), parts: Object.entries(disk.parts).sort(([, a], [, b]) => b - a)
            .map(([k, v]) => `${k} ${formatBytes(v)}`).join(', ') }));
          if (waiting) lines.push(`${waiting} claimed file(s) not finished (resumed by the next run)`);
          for (const a of attention) {
            const when = a.state === 'deferred' ? ` (attempt ${a.attempts}, next ${a.nextAttempt})` : '';
            lines.push(paintLine(a.state, `${a.state} ${a.delivery} ${a.report} ${a.recipient}${when}: ${a.reason ?? ''}`));
          }
          for (const q of quarantined) lines.push(paintLine('quarantined', `quarantined ${q.file} ${q.path}: ${q.reason}`));
          if (attention.some((a) => a.state !== 'deferred')) lines.push('`labmss show D<id>` tells the whole story; `labmss resend R<id> --to ADDRESS` sends it elsewhere');
          return lines;
        });
      } finally {
        journal.close();
      }
    });
}
