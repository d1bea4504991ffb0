import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../test/helpers/paths.js';
import { sampleReport, tempLab } from '../test/helpers/lab.js';
import { ensureDist } from '../test/helpers/spawn-cli.js';

const preload = pathToFileURL(join(repoRoot, 'build', 'bench', 'cpu-at-exit.js')).href;

/** A routine stage-2 report with `results` results over chapters of 10, sent to `recipients` doctors named in the input. */
export function stage2Report(n: number, results: number, recipients: number): Record<string, unknown> {
  const base = sampleReport(n) as { chapters: Array<{ batteries: Array<{ results: Array<Record<string, unknown>> }> }> };
  const one = base.chapters[0]!.batteries[0]!.results[0]!;
  const labels = ['Glucose', 'Créatinine', 'Urée', 'Sodium', 'Potassium', 'Chlorures', 'Cholestérol total', 'Triglycérides', 'ASAT', 'ALAT'];
  const chapters = Array.from({ length: Math.ceil(results / 10) }, (_, c) => ({
    label: `Chapitre ${String.fromCharCode(65 + (c % 26))}`, code: `CH${c}`,
    batteries: [{ label: 'Bilan', code: `B${c}`, results: Array.from({ length: Math.min(10, results - c * 10) }, (_, k) => ({
      ...one, code: `R${c}-${k}`, label: labels[k % labels.length], value: { kind: 'numeric', value: `${(4 + ((n + k) % 17) / 10).toFixed(2)}` },
      ...(k % 4 === 0 ? { flag: 'H' } : {}),
    })) }],
  }));
  return {
    ...sampleReport(n, { chapters }),
    recipients: Array.from({ length: recipients }, (_, k) => ({ address: `dr.destinataire${k}@mss.test`, name: `Dr Destinataire ${k}`, role: 'copy' })),
    validator: { rpps: '10000000009', familyName: 'LEROY', givenName: 'Claire' },
  };
}

/** A lab at stage 2 with the outbox transport and `files` export files of one report each. */
export function stage2Lab(files: number, results = 30, recipients = 1, overrides: Record<string, unknown> = {}) {
  const lab = tempLab({
    stage: 2, transport: { type: 'outbox' },
    routing: { prescriber: false },
    lab: {
      name: 'Laboratoire de Bench', finess: '750000001', mailbox: 'labo-test@mss.test', timezone: 'Europe/Paris',
      address: { lines: ['1 rue du Test'], postalCode: '75012', city: 'PARIS' }, phone: '01 00 00 00 00',
      director: { rpps: '10000000009', familyName: 'LEROY', givenName: 'Claire' },
    },
    ...overrides,
  });
  for (let n = 0; n < files; n++) writeFileSync(join(lab.exportDir, `r${n}.json`), JSON.stringify(stage2Report(n, results, recipients)));
  return lab;
}

export interface CliCost { cpuMs: number; wallMs: number; code: number | null }

/** Runs `labmss ARGS` as a child process (on the given CPUs with taskset) and measures its CPU, all threads, and wall time. */
export function cliCost(args: string[], opts: { cpus?: string; cwd?: string } = {}): CliCost {
  ensureDist();
  const cpuFile = join(repoRoot, 'build', 'bench', `.cpu-${process.pid}.json`);
  const node = [process.execPath, '--import', preload, join(repoRoot, 'bin', 'labmss.js'), ...args];
  const [cmd, ...rest] = opts.cpus && existsSync('/usr/bin/taskset') ? ['/usr/bin/taskset', '-c', opts.cpus, ...node] : node;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd!, rest, { cwd: opts.cwd ?? repoRoot, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LABMSS_BENCH_CPU_FILE: cpuFile } });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const { cpuMs } = JSON.parse(readFileSync(cpuFile, 'utf8')) as { cpuMs: number };
  if (r.status !== 0 && r.status !== 1) throw new Error(`labmss ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  return { cpuMs, wallMs, code: r.status };
}
