import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, renameSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Journal } from '../../src/queue/journal.js';
import { TAKEN_FOLDER, type ClaimStep } from '../../src/intake/claim.js';
import { sampleReport, tempLab } from '../helpers/lab.js';
import { ensureDist, runCli, startDaemon, until } from '../helpers/spawn-cli.js';
import { needsRoot, tmpfsDir } from '../helpers/mounts.js';
import { repoRoot } from '../helpers/paths.js';
import { writeHl7 } from '../helpers/hl7-writer.js';

before(() => ensureDist());

const emls = (state: string) => (existsSync(join(state, 'outbox')) ? readdirSync(join(state, 'outbox')).filter((n) => n.endsWith('.eml')) : []);

function readJournal<T>(state: string, fn: (j: Journal) => T): T {
  const j = Journal.open(state, { readonly: true });
  try { return fn(j); } finally { j.close(); }
}

/** A lab whose export folder is a tmpfs of its own: another mount than the state directory. */
function labOnAnotherMount(overrides: Record<string, unknown> = {}) {
  const exportDir = tmpfsDir();
  const lab = tempLab({ paths: { export: exportDir, state: 'state' }, ...overrides });
  return { ...lab, exportDir, state: lab.config.paths.state };
}

/** An HL7 ORU with four results for the example address book's Dr MARTIN; `cut` ends it after OBX 2 (a segment boundary). */
function oru(): { whole: Buffer; firstHalf: Buffer } {
  const text = writeHl7([{ familyName: 'PAUSE', ipp: 'IPP77', fillerId: 'DOS77', results: [
    { code: 'NA', label: 'Sodium', value: '140', unit: 'mmol/L' }, { code: 'K', label: 'Potassium', value: '4.1', unit: 'mmol/L' },
    { code: 'CL', label: 'Chlore', value: '101', unit: 'mmol/L' }, { code: 'CREA', label: 'Créatinine', value: '75', unit: 'µmol/L' },
  ] }]).toString('utf8').replace(/^ORC\|NW\|\|DOS77$/m, `ORC|NW||DOS77${'|'.repeat(9)}MART01^MARTIN^Jean`);
  const whole = Buffer.from(text);
  const cut = text.indexOf('OBX|3|');
  return { whole, firstHalf: whole.subarray(0, cut) };
}

/** The number of results of each report the journal holds. */
const resultsPerReport = (state: string) => readJournal(state, (j) => (j.db.prepare('SELECT json FROM reports').all() as { json: string }[])
  .map((r) => (JSON.parse(r.json) as { chapters: Array<{ batteries: Array<{ results: unknown[] }> }> }).chapters
    .flatMap((c) => c.batteries.flatMap((b) => b.results)).length));

const anHourAgo = () => Date.now() / 1000 - 3600;

describe('export folder on another mount (tmpfs)', () => {
  test('run claims and sends every file; nothing is left but the empty .labmss folder', async (t) => {
    if (!needsRoot(t, 'mount a tmpfs as the export folder')) return;
    const lab = labOnAnotherMount();
    // The premise: a rename from the export folder into the state directory fails here.
    writeFileSync(join(lab.exportDir, 'probe'), 'x');
    assert.throws(() => renameSync(join(lab.exportDir, 'probe'), join(lab.dir, 'probe')), { code: 'EXDEV' });
    unlinkSync(join(lab.exportDir, 'probe'));
    for (let n = 1; n <= 5; n++) writeFileSync(join(lab.exportDir, `r${n}.json`), JSON.stringify(sampleReport(n)));
    const run = await runCli(['run', '--config', lab.configFile]);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(emls(lab.state).length, 5);
    assert.deepEqual(readdirSync(lab.exportDir), [TAKEN_FOLDER]);
    const instance = readJournal(lab.state, (j) => j.instanceId);
    assert.deepEqual(readdirSync(join(lab.exportDir, TAKEN_FOLDER)), [instance]);
    assert.deepEqual(readdirSync(join(lab.exportDir, TAKEN_FOLDER, instance)), []);
    assert.deepEqual(readdirSync(join(lab.state, 'incoming')), []);
    assert.equal(readdirSync(join(lab.state, 'done')).length, 5);
  });

  for (const step of ['taken', 'copied', 'spooled'] as ClaimStep[]) {
    test(`kill -9 after the claim step "${step}": the next run finishes it, the file is sent once, its marker consumed`, async (t) => {
      if (!needsRoot(t, 'mount a tmpfs as the export folder')) return;
      const lab = labOnAnotherMount({ intake: { settleSeconds: 0, readyMarker: '*.ok' } });
      const bytes = JSON.stringify(sampleReport(7));
      writeFileSync(join(lab.exportDir, 'r7.json'), bytes);
      writeFileSync(join(lab.exportDir, 'r7.json.ok'), '');
      const child = spawnSync(process.execPath, [join(repoRoot, 'build', 'test', 'helpers', 'claim-child.js'),
        lab.exportDir, lab.state, 'r7.json', step, join(lab.exportDir, 'r7.json.ok')], { encoding: 'utf8' });
      assert.equal(child.signal, 'SIGKILL', child.stderr + child.stdout);

      const instance = readJournal(lab.state, (j) => j.instanceId);
      const taken = join(lab.exportDir, TAKEN_FOLDER, instance);
      const incoming = join(lab.state, 'incoming');
      const name = '20261207T101010.5Z-r7.json';
      assert.equal(existsSync(join(lab.exportDir, 'r7.json')), false, 'gone from the export folder at once');
      assert.deepEqual(readdirSync(taken), [name]);
      if (step === 'taken') {
        assert.deepEqual(readdirSync(incoming), []);
        // As if killed in the middle of the copy, too.
        writeFileSync(join(incoming, `.${name}.claim`), bytes.slice(0, 20));
      }
      if (step === 'copied') assert.deepEqual(readdirSync(incoming), [`.${name}.claim`]);
      if (step === 'spooled') assert.deepEqual(readdirSync(incoming), [name]);

      const run = await runCli(['run', '--config', lab.configFile]);
      assert.equal(run.code, 0, run.stderr + run.stdout);
      assert.equal(emls(lab.state).length, 1, 'sent once');
      assert.deepEqual(readdirSync(lab.exportDir), [TAKEN_FOLDER], 'the file and its marker are gone');
      assert.deepEqual(readdirSync(taken), []);
      assert.deepEqual(readdirSync(incoming), [], 'no copy left behind');
      assert.deepEqual(readdirSync(join(lab.state, 'done')), ['r7.json']);
      assert.equal(readFileSync(join(lab.state, 'done', 'r7.json'), 'utf8'), bytes, 'the original bytes, whole');
      assert.deepEqual(readJournal(lab.state, (j) => j.db.prepare('SELECT name, state FROM files').all()), [{ name: 'r7.json', state: 'done' }]);

      const again = await runCli(['run', '--config', lab.configFile]);
      assert.equal(again.code, 0);
      assert.equal(emls(lab.state).length, 1, 'nothing sent twice');
    });
  }

  test('run: a file the LIS pauses in the middle of, with an old mtime, is sent whole', async (t) => {
    if (!needsRoot(t, 'mount a tmpfs as the export folder')) return;
    const lab = labOnAnotherMount({ intake: { settleSeconds: 3 } });
    const { whole, firstHalf } = oru();
    const file = join(lab.exportDir, 'pause.hl7');
    writeFileSync(file, firstHalf);
    utimesSync(file, anHourAgo(), anHourAgo());
    const first = runCli(['run', '--config', lab.configFile]);
    await new Promise((r) => setTimeout(r, 1500));
    appendFileSync(file, whole.subarray(firstHalf.length));
    utimesSync(file, anHourAgo(), anHourAgo());
    const r1 = await first;
    assert.notEqual(r1.code, 2, r1.stderr);
    // Still changing at the first run's second look: left for the next run, which finds it unchanged.
    const r2 = await runCli(['run', '--config', lab.configFile]);
    assert.notEqual(r2.code, 2, r2.stderr);
    assert.deepEqual(resultsPerReport(lab.state), [4], 'one report with its four results, never two of them');
    assert.equal(emls(lab.state).length, 1);
  });

  test('run with a completion marker: a file is taken only once its marker is there, and the marker with it', async (t) => {
    if (!needsRoot(t, 'mount a tmpfs as the export folder')) return;
    const lab = labOnAnotherMount({ intake: { settleSeconds: 0, readyMarker: '{stem}.ok' } });
    writeFileSync(join(lab.exportDir, 'r1.json'), JSON.stringify(sampleReport(1)));
    writeFileSync(join(lab.exportDir, 'r2.json'), JSON.stringify(sampleReport(2)));
    writeFileSync(join(lab.exportDir, 'r2.ok'), '');
    const run = await runCli(['run', '--config', lab.configFile]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /1 file\(s\) not finished yet/);
    assert.deepEqual(readdirSync(lab.exportDir).sort(), [TAKEN_FOLDER, 'r1.json']);
    writeFileSync(join(lab.exportDir, 'r1.ok'), '');
    assert.equal((await runCli(['run', '--config', lab.configFile])).code, 0);
    assert.deepEqual(readdirSync(lab.exportDir), [TAKEN_FOLDER]);
    assert.equal(emls(lab.state).length, 2);
  });
});

/** `unshare` into a user namespace where no inotify instance may be created, as on a share where no event arrives. */
const withoutInotify = ['unshare', '-U', '-r', 'sh', '-c', 'echo 0 > /proc/sys/user/max_inotify_instances && exec "$0" "$@"'];

describe('watch on another mount, inotify disabled: chokidar polls', () => {
  test('files dropped while the daemon runs are found by polling, not by the rescan, and a paused writer is sent whole', async (t) => {
    if (!needsRoot(t, 'mount a tmpfs and disable inotify in a user namespace')) return;
    const probe = spawnSync(withoutInotify[0]!, [...withoutInotify.slice(1), process.execPath, '-e',
      'try { require("fs").watch("."); console.log("inotify works") } catch (e) { console.log(e.code) }'], { encoding: 'utf8' });
    assert.equal(probe.stdout.trim(), 'EMFILE', `inotify is disabled in the namespace: ${probe.stderr}`);

    const lab = labOnAnotherMount({
      intake: { settleSeconds: 1.5 },
      watch: { usePolling: true, pollingIntervalMilliseconds: 200, rescanSeconds: 3600, retryPollSeconds: 1 },
    });
    writeFileSync(join(lab.exportDir, 'before.json'), JSON.stringify(sampleReport(1)));
    const daemon = startDaemon(lab.configFile, {}, withoutInotify);
    try {
      await daemon.waitForLog((l) => l.msg === 'watching');
      await until(() => emls(lab.state).length === 1, 20_000, 'the file there before the start');
      for (let n = 2; n <= 6; n++) writeFileSync(join(lab.exportDir, `r${n}.json`), JSON.stringify(sampleReport(n)));
      const { whole, firstHalf } = oru();
      const file = join(lab.exportDir, 'pause.hl7');
      writeFileSync(file, firstHalf);
      utimesSync(file, anHourAgo(), anHourAgo());
      await new Promise((r) => setTimeout(r, 800));
      appendFileSync(file, whole.subarray(firstHalf.length));
      utimesSync(file, anHourAgo(), anHourAgo());
      await until(() => emls(lab.state).length === 7, 30_000, 'all seven messages');
      assert.deepEqual(resultsPerReport(lab.state).sort(), [1, 1, 1, 1, 1, 1, 4]);
      assert.deepEqual(readdirSync(lab.exportDir), [TAKEN_FOLDER]);
      assert.equal(daemon.logs.some((l) => l.msg === 'cannot watch the export folder; the periodic scan still finds files'), false);
    } finally {
      daemon.child.kill('SIGTERM');
      assert.equal((await daemon.exited).code, 0, daemon.stderr());
    }
  });

  test('without polling no event arrives: the error is logged once per rescan and the rescan still finds the files', async (t) => {
    if (!needsRoot(t, 'mount a tmpfs and disable inotify in a user namespace')) return;
    const lab = labOnAnotherMount({ intake: { settleSeconds: 0.5 }, watch: { usePolling: false, rescanSeconds: 2, retryPollSeconds: 1 } });
    const daemon = startDaemon(lab.configFile, {}, withoutInotify);
    try {
      await daemon.waitForLog((l) => l.msg === 'watching');
      const lost = await daemon.waitForLog((l) => l.msg === 'cannot watch the export folder; the periodic scan still finds files');
      assert.match(String(lost.err), /EMFILE/);
      writeFileSync(join(lab.exportDir, 'r1.json'), JSON.stringify(sampleReport(1)));
      await until(() => emls(lab.state).length === 1, 20_000, 'the file, found by the rescan');
    } finally {
      daemon.child.kill('SIGTERM');
      assert.equal((await daemon.exited).code, 0, daemon.stderr());
    }
  });
});
