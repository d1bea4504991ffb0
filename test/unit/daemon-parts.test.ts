import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PathQueue } from '../../src/daemon/path-queue.js';
import { watchExport } from '../../src/daemon/watcher.js';
import { SerialJob } from '../../src/queue/serial.js';
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

test('the folder watcher reports each new finished file once, complete, and nothing else', async () => {
  const dir = tmpDir();
  writeFileSync(join(dir, 'before.json'), '{}'); // there before the watch: left to the daemon's scans
  const reported: Array<{ name: string; content: string }> = [];
  const errors: Error[] = [];
  const w = watchExport(dir, { ignore: ['*.tmp', '.*'], stableMs: 1000, onError: (e) => errors.push(e) }, (path) => {
    reported.push({ name: path.slice(dir.length + 1), content: readFileSync(path, 'utf8') });
  });
  try {
    for (let n = 0; n < 50; n++) writeFileSync(join(dir, `b${n}.json`), `{"n":${n}}`);
    // Written in chunks far closer together than the delay: reported once, after the last chunk.
    const fd = openSync(join(dir, 'slow.json'), 'w');
    for (let i = 0; i < 5; i++) {
      writeSync(fd, `chunk${i};`);
      await new Promise((r) => setTimeout(r, 50));
    }
    closeSync(fd);
    writeFileSync(join(dir, 'r.json.tmp'), 'renamed');
    renameSync(join(dir, 'r.json.tmp'), join(dir, 'r.json'));
    writeFileSync(join(dir, '.hidden'), 'x');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'gone.json'), 'x');
    unlinkSync(join(dir, 'gone.json'));
    await until(() => reported.length >= 52, 30_000, '52 files reported');
    await new Promise((r) => setTimeout(r, 1500)); // past the delay: anything else would show now
    const names = reported.map((r) => r.name).sort();
    assert.deepEqual(names, [...Array.from({ length: 50 }, (_, n) => `b${n}.json`), 'r.json', 'slow.json'].sort());
    assert.equal(reported.find((r) => r.name === 'slow.json')!.content, 'chunk0;chunk1;chunk2;chunk3;chunk4;');
    assert.equal(reported.find((r) => r.name === 'r.json')!.content, 'renamed');
    assert.deepEqual(errors, []);
  } finally {
    w.close();
  }
  writeFileSync(join(dir, 'after.json'), '{}');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(reported.some((r) => r.name === 'after.json'), false, 'closed: nothing more reported');
});

test('SIGHUP: an invalid config is refused and the old one kept; a valid one is applied', async () => {
  const lab = tempLab({ watch: { stableMilliseconds: 200, retryPollSeconds: 1 } });
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
