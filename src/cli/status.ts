import type { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { spoolLayout } from '../queue/spool.js';
import { diskUse } from '../retention/disk.js';
import { paintLine } from '../ui/colour.js';
import { formatBytes, formatTime, t } from '../i18n/index.js';
import { config, openReadOnly, out } from './context.js';

const ATTENTION = ['held', 'failed', 'bounced', 'deferred'] as const;

export function register(program: Command): void {
  program.command('status')
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
          const m = t().status;
          const state = (k: string) => m.states[k] ?? k;
          const lines = [Object.keys(counts).length
            ? Object.entries(counts).sort().map(([k, v]) => `${state(k)} ${v}`).join(', ')
            : m.none];
          lines.push(m.disk({ total: formatBytes(disk.total), parts: Object.entries(disk.parts).sort(([, a], [, b]) => b - a)
            .map(([k, v]) => `${k} ${formatBytes(v)}`).join(', ') }));
          if (waiting) lines.push(m.inSpool({ n: waiting }));
          for (const a of attention) {
            const when = a.state === 'deferred' ? m.attempt({ attempts: a.attempts, next: formatTime(a.nextAttempt) }) : '';
            lines.push(paintLine(a.state, `${state(a.state)} ${a.delivery} ${a.report} ${a.recipient}${when}: ${a.reason ?? ''}`));
          }
          for (const q of quarantined) lines.push(paintLine('quarantined', `${state('quarantined')} ${q.file} ${q.path}: ${q.reason}`));
          if (attention.some((a) => a.state !== 'deferred')) lines.push(m.hint);
          return lines;
        });
      } finally {
        journal.close();
      }
    });
}
