import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDist, runCli } from '../helpers/spawn-cli.js';
import { dropped, exampleLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';
import { readableLine } from '../../src/daemon/readable.js';
import { colourWanted } from '../../src/ui/colour.js';

before(() => ensureDist());

const hasScript = spawnSync('script', ['--version']).status === 0;
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const RED = '\x1b[31m';

/**
 * Runs `labmss ARGS` inside a pseudo-terminal (util-linux `script`), so stdout and stderr are a TTY;
 * stops it once `until` matches what it printed, or when it ends. Returns everything it printed.
 */
function inPty(args: string[], env: NodeJS.ProcessEnv = {}, until?: RegExp, ms = 30_000): Promise<string> {
  const command = [process.execPath, join(repoRoot, 'bin', 'labmss.js'), ...args].map(quote).join(' ');
  // A real terminal has a size; the pty `script` opens has none (ora would then redraw endlessly).
  const child = spawn('script', ['-qfec', `stty cols 120 rows 40; exec ${command}`, '/dev/null'], { env: { ...process.env, TERM: 'xterm', NO_COLOR: '', ...env }, detached: true });
  let text = '';
  return new Promise((resolve) => {
    const stop = () => { try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ } };
    const timer = setTimeout(stop, ms);
    child.stdout.on('data', (c: Buffer) => { text += c; if (until?.test(text)) stop(); });
    child.on('close', () => { clearTimeout(timer); resolve(text); });
  });
}

function labWithABrokenFile() {
  const lab = exampleLab();
  // A file cut short (no L record) is taken at once, not after intake.endWaitSeconds: the test is about colours.
  writeFileSync(lab.config, JSON.stringify({ ...JSON.parse(readFileSync(lab.config, 'utf8')), intake: { settleSeconds: 0, endWaitSeconds: 0 } }));
  writeFileSync(join(lab.dir, 'export', 'cut.hpr'), 'H|~^\\&|X.HPR||LAB~Labo|||ORU|||||P|H2.2~C|202611201000\rP|1||IPP1||DUPONT~Jean||19700101|M\rOBR|1||D1|GLY~Glucose~L||||||||||||||||||||||F\rOBX|1|NM|GLY~Glucose~L||5.');
  dropped(join(lab.dir, 'export'));
  return lab;
}

test('colours only for a terminal, and never with NO_COLOR', () => {
  assert.equal(colourWanted({ isTTY: true }, {}), true);
  assert.equal(colourWanted({ isTTY: true }, { NO_COLOR: '1' }), false);
  assert.equal(colourWanted({ isTTY: true }, { TERM: 'dumb' }), false);
  assert.equal(colourWanted({ isTTY: false }, {}), false);
  assert.equal(readableLine('{"level":"warn","time":"2026-11-22T09:03:12.000Z","pid":1,"name":"labmss","msg":"deferred","delivery":"D4","reply":"451 try later"}', false),
    `${readableLine('{"time":"2026-11-22T09:03:12.000Z"}', false).slice(0, 19)}  WARN   deferred  delivery=D4 reply="451 try later"`);
});

test('through a pseudo-terminal: problems in red, the summary printed once; NO_COLOR and pipes get none', async (t) => {
  if (!hasScript) { t.skip('needs `script` (util-linux) for a pseudo-terminal'); return; }
  const { config } = labWithABrokenFile();
  const run = await inPty(['--config', config, 'run']);
  assert.ok(run.includes(`${RED}quarantined: cut.hpr`), run.slice(0, 2000));
  // The spinner's frames (`⠋ 5 file(s) claimed…`) are cleared; what stays is the summary, once (no `✔` copy of it).
  const kept = run.match(/(?<!\x1b\[39m )5 file\(s\) claimed, 4 report/g) ?? [];
  assert.equal(kept.length, 1, `the summary once: ${run.slice(-1500)}`);
  assert.ok(!run.includes('✔'), 'no succeeded-spinner line repeating the summary');

  const status = await inPty(['--config', config, 'status']);
  assert.ok(status.includes(`${RED}quarantined F`), status);
  const plain = await inPty(['--config', config, 'status'], { NO_COLOR: '1' });
  assert.ok(!plain.includes('\x1b['), plain);
  assert.match(plain, /quarantined F\d+/);
  const piped = await runCli(['--config', config, 'status']);
  assert.ok(!piped.stdout.includes('\x1b['));
});

test('watch on a terminal prints readable lines in the lab\'s time; JSON with --json or into a pipe', async (t) => {
  if (!hasScript) { t.skip('needs `script` (util-linux) for a pseudo-terminal'); return; }
  const { config } = exampleLab();
  const readable = await inPty(['--config', config, 'watch'], {}, /file processed/);
  assert.match(readable, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}INFO {3}watching {2}export=/m, readable);
  // No file name at info level (it is often the patient's name).
  assert.match(readable, /INFO {3}file processed {2}outcome=parsed/);
  assert.ok(!/^\{"level"/m.test(readable), 'no JSON on a terminal');

  const json = await inPty(['--config', config, '--json', 'watch'], {}, /"msg":"watching"/);
  assert.match(json, /^\{"level":"info","time":"[^"]+Z","pid":\d+,"name":"labmss".*"msg":"watching"/m, json);
});
