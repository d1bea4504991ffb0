import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PathQueue } from '../../src/daemon/path-queue.js';
import { SerialJob } from '../../src/queue/serial.js';
import { sampleReport, tempLab } from '../helpers/lab.js';
import { ensureDist, startDaemon } from '../helpers/spawn-cli.js';

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
    await daemon.waitForLog((l) => l.msg === 'file processed' && l.file === 'r1.json');

    const other = join(lab.dir, 'export2');
    mkdirSync(other);
    writeFileSync(lab.configFile, JSON.stringify({ ...JSON.parse(good), paths: { export: 'export2', state: 'state' } }));
    daemon.child.kill('SIGHUP');
    const reloaded = await daemon.waitForLog((l) => l.msg === 'config reloaded');
    assert.equal(reloaded.export, other);
    writeFileSync(join(other, 'r2.json'), JSON.stringify(sampleReport(2)));
    await daemon.waitForLog((l) => l.msg === 'file processed' && l.file === 'r2.json' && l.outcome === 'parsed');
  } finally {
    daemon.child.kill('SIGTERM');
    assert.equal((await daemon.exited).code, 0);
  }
});
