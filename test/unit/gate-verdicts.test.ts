/**
 * One gate: `parse`, `send --dry-run` and `run` take the same decision about every file — sent (to whom),
 * held (why), quarantined (why) — because all three call `prepare`. Checked on every input fixture of the
 * project and on the real files in ../shared/samples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Journal } from '../../src/queue/journal.js';
import { fixtures, needsShared, repoRoot } from '../helpers/paths.js';
import { tempLab } from '../helpers/lab.js';
import { ensureDist, runCli } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp.js';

interface Verdict { file: string; verdict: string; reason?: string; deliveries: Array<{ report: number; role: string; address: string; label?: string; held?: string }> }

/** The files of a folder, one per distinct content (the same bytes twice would be a duplicate for `run` only). */
function distinctFiles(dir: string): string[] {
  const seen = new Set<string>();
  return readdirSync(dir).filter((n) => !n.endsWith('.md')).sort().filter((n) => {
    const h = createHash('sha256').update(readFileSync(join(dir, n))).digest('hex');
    if (seen.has(h)) return false;
    seen.add(h);
    return true;
  });
}

const normal = (v: Verdict) => ({
  verdict: v.verdict === 'printed' ? 'held' : v.verdict,
  reason: v.reason,
  deliveries: v.deliveries.map((d) => ({ report: d.report, role: d.role, address: d.address, label: d.label, held: d.held })),
});

/** What `run` did with each file, read back from its journal, in the same shape. */
function runVerdicts(state: string): Map<string, ReturnType<typeof normal>> {
  const j = Journal.open(state, { readonly: true });
  try {
    const out = new Map<string, ReturnType<typeof normal>>();
    for (const f of [...j.filesInState('done'), ...j.filesInState('quarantined')]) {
      if (f.state === 'quarantined') { out.set(f.name, { verdict: 'quarantined', reason: f.error ?? undefined, deliveries: [] }); continue; }
      const deliveries = j.reportsSince().filter((r) => r.file_id === f.id).flatMap((r) => j.deliveriesOfReport(r.id).map((d) => ({
        report: r.idx, role: d.role, address: d.recipient, label: d.label ?? undefined, held: d.state === 'held' ? d.reason ?? undefined : undefined,
      })));
      out.set(f.name, { verdict: deliveries.some((d) => !d.held) ? 'sent' : 'held', reason: undefined, deliveries });
    }
    return out;
  } finally { j.close(); }
}

async function sameVerdicts(source: string): Promise<number> {
  ensureDist();
  const lab = tempLab();
  const staged = tmpDir('labmss-verdicts-');
  const names = distinctFiles(source);
  for (const n of names) cpSync(join(source, n), join(staged, n));
  const paths = names.map((n) => join(staged, n));

  const parse = await runCli(['--config', lab.configFile, '--json', 'parse', ...paths]);
  const dry = await runCli(['--config', lab.configFile, '--json', 'send', '--dry-run', ...paths]);
  for (const n of names) cpSync(join(staged, n), join(lab.exportDir, n));
  const run = await runCli(['--config', lab.configFile, '--json', 'run']);
  assert.ok(run.code === 0 || run.code === 1, run.stderr);

  const fromParse = JSON.parse(parse.stdout) as Verdict[];
  const fromDry = JSON.parse(dry.stdout) as Verdict[];
  const fromRun = runVerdicts(lab.config.paths.state);
  assert.equal(fromParse.length, names.length);
  for (const [i, n] of names.entries()) {
    assert.deepEqual(normal(fromDry[i]!), normal(fromParse[i]!), `${n}: send --dry-run and parse agree`);
    assert.deepEqual(fromRun.get(n), normal(fromParse[i]!), `${n}: run and parse agree`);
  }
  // Same exit code everywhere: 1 when anything is quarantined or held.
  assert.equal(parse.code, run.code, `${source}: parse and run exit alike`);
  assert.equal(dry.code, run.code, `${source}: send --dry-run and run exit alike`);
  return names.length;
}

for (const dir of ['hl7', 'hprim', 'sweep', 'cda']) {
  test(`same verdict from parse, send --dry-run and run: test/fixtures/${dir}`, async () => {
    assert.ok(await sameVerdicts(fixtures(dir)) > 0);
  });
}

test('same verdict from parse, send --dry-run and run: examples/export', async () => {
  assert.ok(await sameVerdicts(join(repoRoot, 'examples', 'export')) > 0);
});

for (const dir of ['hl7v2', 'hprim', 'cda']) {
  test(`same verdict from parse, send --dry-run and run: ../shared/samples/${dir}`, async (t) => {
    const source = needsShared(t, 'samples', dir);
    if (!source || !existsSync(source)) return;
    const copy = tmpDir('labmss-samples-');
    mkdirSync(copy, { recursive: true });
    cpSync(source, copy, { recursive: true });
    assert.ok(await sameVerdicts(copy) > 0);
  });
}
