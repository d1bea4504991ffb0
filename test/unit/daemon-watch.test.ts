import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, openSync, readdirSync, renameSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { Journal } from '../../src/queue/journal.js';
import { acquireLock } from '../../src/queue/lock.js';
import { holdLock } from '../helpers/lock-holder.js';
import { sampleReport, tempLab, allowTestDomain } from '../helpers/lab.js';
import { ensureDist, runCli, startDaemon, until, type RunningDaemon } from '../helpers/spawn-cli.js';
import { createTestPki, type TestPki } from '../helpers/test-pki.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';

before(() => ensureDist());

const fastWatch = { intake: { settleSeconds: 0.3 }, watch: { concurrency: 4, retryPollSeconds: 1, rescanSeconds: 1 } };

function drop(dir: string, from: number, count: number): void {
  for (let n = from; n < from + count; n++) writeFileSync(join(dir, `r${n}.json`), JSON.stringify(sampleReport(n)));
}

const emls = (stateDir: string) => (existsSync(join(stateDir, 'outbox')) ? readdirSync(join(stateDir, 'outbox')).filter((n) => n.endsWith('.eml')) : []);

function readJournal<T>(stateDir: string, fn: (j: Journal) => T): T {
  const j = Journal.open(stateDir, { readonly: true });
  try { return fn(j); } finally { j.close(); }
}

/** Reports and how many deliveries each has: every dossier once, no file processed twice. */
function deliveriesPerDossier(stateDir: string): Map<string, number> {
  return readJournal(stateDir, (j) => new Map((j.db.prepare(`SELECT r.dossier AS dossier, COUNT(d.id) AS n FROM reports r
    LEFT JOIN deliveries d ON d.report_id = r.id GROUP BY r.dossier`).all() as { dossier: string; n: number }[]).map((r) => [r.dossier, r.n])));
}

async function stop(d: RunningDaemon, signal: NodeJS.Signals = 'SIGTERM') {
  d.child.kill(signal);
  return d.exited;
}

describe('labmss watch', () => {
  test('bursts, slow chunked writes and renames are delivered once each; temp names are never claimed', async () => {
    const lab = tempLab(fastWatch);
    const state = lab.config.paths.state;
    drop(lab.exportDir, 1, 5); // there before the start: found by the start-up scan
    const daemon = startDaemon(lab.configFile);
    try {
      await daemon.waitForLog((l) => l.msg === 'watching');
      drop(lab.exportDir, 6, 60);
      // Written slowly: each chunk comes before the write-finish delay; half a file is invalid JSON and
      // would be quarantined if it were claimed early.
      const slow = Buffer.from(JSON.stringify(sampleReport(900)));
      const fd = openSync(join(lab.exportDir, 'slow.json'), 'w');
      for (let i = 0; i < 6; i++) {
        writeSync(fd, slow.subarray(Math.floor((i * slow.length) / 6), Math.floor(((i + 1) * slow.length) / 6)));
        await new Promise((r) => setTimeout(r, 120));
      }
      closeSync(fd);
      // Write-then-rename: the temp name is ignored, the final name arrives complete.
      writeFileSync(join(lab.exportDir, 'r901.json.tmp'), JSON.stringify(sampleReport(901)));
      renameSync(join(lab.exportDir, 'r901.json.tmp'), join(lab.exportDir, 'r901.json'));
      for (const name of ['export.tmp', '~lock.json', '.hidden.json', 'partial.part']) writeFileSync(join(lab.exportDir, name), '{ half');
      await until(() => emls(state).length >= 67, 60_000, '67 messages in the outbox');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(emls(state).length, 67);
      assert.deepEqual(readdirSync(lab.exportDir).sort(), ['.hidden.json', '.labmss', 'export.tmp', 'partial.part', '~lock.json']);
      assert.deepEqual(readdirSync(join(state, 'quarantine')), [], 'nothing claimed half-written');
      const per = deliveriesPerDossier(state);
      assert.equal(per.size, 67);
      assert.ok([...per.values()].every((n) => n === 1));
      // Logs are JSON lines with ids, never a file name (often the patient's), the patient's name or a value.
      assert.deepEqual(daemon.other, []);
      const text = JSON.stringify(daemon.logs);
      assert.doesNotMatch(text, /PATIENT\d|Élodie|mmol|slow\.json|r\d+\.json/);
      assert.ok(daemon.logs.some((l) => l.msg === 'file processed' && l.outcome === 'parsed' && l.file === undefined));

      // `status` and `stats` answer while it runs; `run` refuses and touches nothing.
      const status = await runCli(['status', '--json', '--config', lab.configFile]);
      assert.equal(status.code, 0, status.stderr);
      assert.equal(JSON.parse(status.stdout).counts.accepted, 67);
      const stats = await runCli(['stats', '--json', '--config', lab.configFile]);
      assert.equal(stats.code, 0, stats.stderr);
      assert.equal(JSON.parse(stats.stdout).months[0].messages, 67);
      writeFileSync(join(lab.exportDir, 'late.json'), JSON.stringify(sampleReport(902)));
      const run = await runCli(['run', '--config', lab.configFile]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /owned by labmss watch \(pid \d+\): nothing was done/);
    } finally {
      const exit = await stop(daemon);
      assert.equal(exit.code, 0, daemon.stderr());
    }
    acquireLock(state, 'labmss test').release();
  });

  test('SIGTERM in the middle of a burst exits cleanly; a restart finishes the work', async () => {
    const lab = tempLab(fastWatch);
    const state = lab.config.paths.state;
    let daemon = startDaemon(lab.configFile);
    await daemon.waitForLog((l) => l.msg === 'watching');
    drop(lab.exportDir, 1, 120);
    await until(() => emls(state).length >= 10, 30_000, 'the first messages');
    const asked = Date.now();
    const exit = await stop(daemon);
    const took = Date.now() - asked;
    assert.equal(exit.code, 0, daemon.stderr());
    assert.ok(took < 10_000, `stopped in ${took} ms`);
    assert.ok(daemon.logs.some((l) => l.msg === 'stopped'), 'a graceful stop, not the deadline');
    assert.ok(emls(state).length < 120, 'the stop came mid-burst');

    daemon = startDaemon(lab.configFile);
    try {
      await until(() => emls(state).length >= 120, 60_000, 'all 120 messages after the restart');
      await until(() => readdirSync(lab.exportDir).join() === '.labmss', 10_000, 'an empty export folder (but the claims folder)');
    } finally {
      assert.equal((await stop(daemon)).code, 0);
    }
    const per = deliveriesPerDossier(state);
    assert.equal(per.size, 120);
    assert.ok([...per.values()].every((n) => n === 1), 'no file processed twice');
  });

  test('run exits 2 without touching anything when another process holds the state directory', async () => {
    const lab = tempLab();
    const state = lab.config.paths.state;
    // A live process holding the lock, as a daemon does.
    mkdirSync(state, { recursive: true });
    const holder = await holdLock(state, 'labmss watch');
    try {
      drop(lab.exportDir, 1, 1);
      const run = await runCli(['run', '--config', lab.configFile]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, new RegExp(`owned by labmss watch \\(pid ${holder.pid}\\)`));
      assert.deepEqual(readdirSync(lab.exportDir), ['r1.json']);
      assert.equal(existsSync(join(state, 'journal.sqlite')), false);
    } finally {
      holder.kill();
    }
  });
});

describe('kill -9 at random moments loses nothing', () => {
  let pki: TestPki;
  let server: TestSmtpServer;
  before(async () => { pki = createTestPki(); server = await startSmtpServer(pki); });
  after(async () => { await server.close(); pki.cleanup(); });

  test('300 reports over SMTP: every one delivered at least once, duplicates only with the same Message-ID', async () => {
    const lab = tempLab({
      ...fastWatch,
      transport: { type: 'smtp', smtp: { host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey, pool: 2 } },
    });
    const state = lab.config.paths.state;
    allowTestDomain(lab.config, lab.dir);
    drop(lab.exportDir, 1, 300);
    const messageIds = () => new Set(server.received.map((m) => /^Message-ID:\s*(\S+)/im.exec(m.raw.toString('latin1'))?.[1]));
    let kills = 0;
    // Seeded, so a failure can be replayed.
    let seed = 42;
    const random = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    for (let round = 0; round < 5 && messageIds().size < 300; round++) {
      const daemon = startDaemon(lab.configFile);
      await daemon.waitForLog((l) => l.msg === 'watching');
      await new Promise((r) => setTimeout(r, 200 + random() * 1500));
      daemon.child.kill('SIGKILL');
      await daemon.exited;
      kills++;
    }
    const daemon = startDaemon(lab.configFile);
    try {
      await until(() => messageIds().size >= 300, 90_000, '300 distinct messages at the server');
      await until(() => readJournal(state, (j) => j.countsByState().accepted === 300), 10_000, '300 accepted deliveries');
    } finally {
      const exit = await stop(daemon);
      assert.equal(exit.code, 0, `the daemon's exit (signal ${exit.signal}); stderr: ${daemon.stderr().slice(-2000)}`);
    }
    assert.ok(kills >= 3, `killed ${kills} times`);
    const rows = readJournal(state, (j) => j.db.prepare('SELECT id, message_id, eml_sha256, report_id FROM deliveries').all() as
      { id: number; message_id: string; eml_sha256: string; report_id: number }[]);
    assert.equal(rows.length, 300, 'one delivery per report: no file was processed twice');
    assert.equal(new Set(rows.map((r) => r.report_id)).size, 300);
    const known = new Map(rows.map((r) => [r.message_id, r]));
    const seen = new Map<string, Buffer[]>();
    for (const m of server.received) {
      const id = /^Message-ID:\s*(\S+)/im.exec(m.raw.toString('latin1'))![1]!;
      assert.ok(known.has(id), `${id} is a journal delivery`);
      seen.set(id, [...(seen.get(id) ?? []), m.raw]);
    }
    assert.equal(seen.size, 300, 'every report reached the server');
    const duplicates = [...seen.values()].filter((copies) => copies.length > 1);
    // Only messages in flight at a kill come twice: at most `pool` of them per kill, byte for byte the same .eml.
    assert.ok(duplicates.length <= kills * 4, `${duplicates.length} duplicates after ${kills} kills`);
    for (const copies of duplicates) for (const c of copies) assert.ok(c.equals(copies[0]!), 'a resend is the same .eml');
  });
});
