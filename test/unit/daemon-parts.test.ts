import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PathQueue } from '../../src/daemon/path-queue.js';
import { watchExport } from '../../src/daemon/watcher.js';
import { SerialJob } from '../../src/queue/serial.js';
import { Journal } from '../../src/queue/journal.js';
import { sampleReport, tempLab } from '../helpers/lab.js';
import { ensureDist, startDaemon, until } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp.js';

before(() => ensureDist());

test('delivery passes never overlap: kicks during a pass coalesce into one more pass', async () => {
  let running = 0;
  let maxRunning = 0;
  let runs = 0;
  const job = new SerialJob(async () => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    runs++;
    await new Promise((r) => setTimeout(r, 20));
    running--;
  }, (err) => { throw err; });
  for (let i = 0; i < 10; i++) job.kick();
  await job.idle();
  assert.equal(maxRunning, 1);
  assert.equal(runs, 2, 'the first pass, then one for all the kicks it missed');
  await job.close();
  job.kick();
  assert.equal(job.busy, false, 'closed: no more passes');
});

test('the path queue keeps arrival order and each path once', async () => {
  const q = new PathQueue();
  const woke = q.wait();
  q.push('a'); q.push('b'); q.push('a');
  await woke;
  assert.deepEqual([q.shift(), q.shift(), q.shift()], ['a', 'b', undefined]);
});

for (const usePolling of [false, true]) {
  test(`the folder watcher (chokidar, ${usePolling ? 'polling' : 'inotify'}) reports names added or changed at the top level, nothing ignored`, async () => {
    const dir = tmpDir();
    writeFileSync(join(dir, 'before.json'), '{}'); // there before the watch: left to the daemon's scans
    mkdirSync(join(dir, 'sub'));
    const reported = new Set<string>();
    const errors: Error[] = [];
    let ready!: () => void;
    const isReady = new Promise<void>((r) => { ready = r; });
    const w = watchExport(dir, { ignore: ['*.tmp', '.*'], usePolling, intervalMs: 100, onReady: ready, onError: (e) => errors.push(e) }, (name) => reported.add(name));
    try {
      await isReady;
      // Polling compares each file with the stat it took one interval after the watch began: a change
      // before that first stat has no baseline to differ from (the daemon's start-up scan covers that moment).
      if (usePolling) await new Promise((r) => setTimeout(r, 400));
      for (let n = 0; n < 20; n++) writeFileSync(join(dir, `b${n}.json`), `{"n":${n}}`);
      writeFileSync(join(dir, 'r.json.tmp'), 'renamed');
      renameSync(join(dir, 'r.json.tmp'), join(dir, 'r.json'));
      writeFileSync(join(dir, '.hidden'), 'x');
      writeFileSync(join(dir, 'sub', 'deep.json'), 'x');
      const fd = openSync(join(dir, 'before.json'), 'a');
      writeSync(fd, ' ');
      closeSync(fd);
      const expected = [...Array.from({ length: 20 }, (_, n) => `b${n}.json`), 'before.json', 'r.json'].sort();
      await until(() => expected.every((n) => reported.has(n)), 20_000, 'every new or changed name');
      await new Promise((r) => setTimeout(r, 600));
      assert.deepEqual([...reported].sort(), expected, 'no temp name, no dotfile, nothing below the top level');
      assert.deepEqual(errors, []);
    } finally {
      await w.close();
    }
    writeFileSync(join(dir, 'after.json'), '{}');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(reported.has('after.json'), false, 'closed: nothing more reported');
  });
}

test('SIGHUP: an invalid config is refused and the old one kept; a valid one is applied', async () => {
  const lab = tempLab({ intake: { settleSeconds: 0.2 }, watch: { retryPollSeconds: 1 } });
  const daemon = startDaemon(lab.configFile);
  try {
    await daemon.waitForLog((l) => l.msg === 'watching');
    const good = readFileSync(lab.configFile, 'utf8');
    writeFileSync(lab.configFile, JSON.stringify({ ...JSON.parse(good), watch: { concurrency: 0 } }));
    daemon.child.kill('SIGHUP');
    const refused = await daemon.waitForLog((l) => l.msg === 'config reload refused; still running with the previous config');
    assert.match(String(refused.err), /watch\.concurrency/);
    writeFileSync(join(lab.exportDir, 'r1.json'), JSON.stringify(sampleReport(1)));
    await daemon.waitForLog((l) => l.msg === 'file processed' && l.outcome === 'parsed');

    const other = join(lab.dir, 'export2');
    mkdirSync(other);
    writeFileSync(lab.configFile, JSON.stringify({ ...JSON.parse(good), paths: { export: 'export2', state: 'state' } }));
    daemon.child.kill('SIGHUP');
    const reloaded = await daemon.waitForLog((l) => l.msg === 'config reloaded');
    assert.equal(reloaded.export, other);
    writeFileSync(join(other, 'r2.json'), JSON.stringify(sampleReport(2)));
    await until(() => daemon.logs.filter((l) => l.msg === 'file processed' && l.outcome === 'parsed').length === 2, 20_000, 'r2.json processed');
  } finally {
    daemon.child.kill('SIGTERM');
    assert.equal((await daemon.exited).code, 0);
  }
});

test('with a render thread, files prepared ahead are applied in arrival order, across a reload and a stop', async () => {
  const lab = tempLab({ intake: { settleSeconds: 0.2 }, render: { workers: 1 } });
  const daemon = startDaemon(lab.configFile);
  const versions = 6;
  try {
    await daemon.waitForLog((l) => l.msg === 'watching');
    // One order, six versions, one file each, written one after the other: versions follow arrival.
    for (let v = 1; v <= versions; v++) {
      const report = sampleReport(1, { comments: [`version ${v}`] });
      writeFileSync(join(lab.exportDir, `v${v}.json`), JSON.stringify(report));
      if (v === 3) daemon.child.kill('SIGHUP');
      await new Promise((r) => setTimeout(r, 30));
    }
    await until(() => daemon.logs.filter((l) => l.msg === 'file processed').length === versions, 30_000, 'every version processed');
  } finally {
    daemon.child.kill('SIGTERM');
    assert.equal((await daemon.exited).code, 0);
  }
  const journal = Journal.open(lab.config.paths.state, { readonly: true });
  try {
    const rows = journal.allReports().map((r) => ({ version: r.version, comment: (JSON.parse(r.json) as { comments: string[] }).comments[0] }));
    assert.deepEqual(rows, Array.from({ length: versions }, (_, i) => ({ version: i + 1, comment: `version ${i + 1}` })));
  } finally {
    journal.close();
  }
  assert.deepEqual(readdirSync(join(lab.config.paths.state, 'incoming')), [], 'nothing left claimed');
});
