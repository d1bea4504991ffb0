/**
 * Lost state and poison files (issue: hostile input, faults and lost state): a journal someone deleted
 * never costs a proof or a second send; one file that cannot be handled never stops the others; a full
 * disk leaves files claimed and says which.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, statfsSync, truncateSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Journal } from '../../src/queue/journal.js';
import { sampleReport, tempLab } from '../helpers/lab.js';
import { ensureDist, runCli } from '../helpers/spawn-cli.js';

ensureDist();

const cli = (lab: ReturnType<typeof tempLab>, ...args: string[]) => runCli(['--config', lab.configFile, ...args]);

function files(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('.')).sort() : [];
}

for (const how of ['deleted', 'emptied'] as const) {
  test(`a journal ${how}: run refuses with what to do; recover keeps every proof and sends nothing twice`, async () => {
    const lab = tempLab();
    const body = JSON.stringify(sampleReport(1));
    writeFileSync(join(lab.exportDir, 'a.json'), body);
    assert.equal((await cli(lab, 'run', '--quiet')).code, 0);
    const state = lab.config.paths.state;
    const proof = readFileSync(join(state, 'mail', 'D1.eml'));
    const sent = readFileSync(join(state, 'outbox', 'D1.eml'));

    const journal = join(state, 'journal.sqlite');
    if (how === 'deleted') for (const f of files(state).filter((n) => n.startsWith('journal.sqlite'))) rmSync(join(state, f));
    else { truncateSync(journal, 0); for (const f of ['-wal', '-shm']) rmSync(`${journal}${f}`, { force: true }); }
    writeFileSync(join(lab.exportDir, 'a-again.json'), body);
    writeFileSync(join(lab.exportDir, 'b.json'), JSON.stringify(sampleReport(2)));

    const refused = await cli(lab, 'run');
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /no journal: labmss will not start over silently.*labmss journal recover/s);
    assert.deepEqual(files(lab.exportDir), ['a-again.json', 'b.json'], 'nothing claimed');
    const status = await cli(lab, 'status');
    assert.equal(status.code, 2);
    assert.match(status.stderr, /labmss journal recover/);

    // A claim the lost journal's process had taken and not spooled (killed between the two steps).
    const stranded = join(lab.exportDir, '.labmss', '0123456789ab');
    mkdirSync(stranded, { recursive: true });
    writeFileSync(join(stranded, '20261207T101010.123Z-c.json'), JSON.stringify(sampleReport(3)));
    const recover = await cli(lab, '--json', 'journal', 'recover');
    assert.equal(recover.code, 0, recover.stderr);
    assert.deepEqual(JSON.parse(recover.stdout), { deliveryIdFloor: 1, inputs: 1, quarantined: 0, proofs: 1, returned: 1 });
    assert.deepEqual(files(lab.exportDir), ['a-again.json', 'b.json', 'c.json']);

    const after = await cli(lab, '--json', 'run');
    assert.equal(after.code, 1, 'a duplicate is reported');
    const summary = JSON.parse(after.stdout);
    assert.equal(summary.duplicates.length, 1, 'the same bytes as before the loss are not sent again');
    assert.equal(summary.sent, 2, 'b.json and the stranded c.json');
    assert.deepEqual(readFileSync(join(state, 'mail', 'D1.eml')), proof, 'the old proof is untouched');
    assert.deepEqual(readFileSync(join(state, 'outbox', 'D1.eml')), sent, 'the old outbox message is untouched');
    assert.ok(existsSync(join(state, 'mail', 'D2.eml')), 'the new message is numbered after the old proofs');
    const j = Journal.open(state, { readonly: true });
    try {
      assert.ok(j.events({}).some((e) => e.kind === 'recovered-proof' && /D1\.eml: Message-ID <labmss\.D1\./.test(e.detail ?? '')));
    } finally { j.close(); }
  });
}

test('backup: an online copy that opens as a journal; never over an existing file', async () => {
  const lab = tempLab();
  writeFileSync(join(lab.exportDir, 'a.json'), JSON.stringify(sampleReport(1)));
  assert.equal((await cli(lab, 'run', '--quiet')).code, 0);
  const dest = join(lab.dir, 'copy', 'journal.sqlite');
  mkdirSync(join(lab.dir, 'copy'));
  const b = await cli(lab, 'backup', dest);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(statSync(dest).mode & 0o777, 0o600);
  const copy = Journal.open(join(lab.dir, 'copy'), { readonly: true });
  try { assert.equal(copy.countsByState().accepted, 1); } finally { copy.close(); }
  assert.equal((await cli(lab, 'backup', dest)).code, 2, 'never overwrites');
});

test('a poison file (a 243-letter family name) is handled alone: the others go on, nothing stays in incoming', async () => {
  const lab = tempLab();
  writeFileSync(join(lab.exportDir, 'a-poison.json'), JSON.stringify(sampleReport(1, {
    patient: { ids: { ipp: 'P1' }, familyName: 'X'.repeat(243), givenNames: ['Éloïse'], birthDate: '1980-01-02', sex: 'F' },
  })));
  writeFileSync(join(lab.exportDir, 'b.json'), JSON.stringify(sampleReport(2)));
  const run = await cli(lab, '--json', 'run');
  assert.ok(run.code === 0 || run.code === 1, run.stderr);
  assert.deepEqual(files(join(lab.config.paths.state, 'incoming')), []);
  assert.deepEqual(files(lab.exportDir), []);
  const summary = JSON.parse(run.stdout);
  assert.equal(summary.claimed, 2);
  assert.ok(summary.sent >= 1, 'b.json went out');
  assert.ok(!run.stderr.includes('X'.repeat(40)), 'the patient name is not in the output');
});

test('a full disk under the state directory: run exits 1 naming the file and the fault, keeps it claimed, no .tmp; then resumes', async (t) => {
  if (process.getuid?.() !== 0) { t.skip('needs root to mount a tmpfs'); return; }
  // A small disk holding the state directory (and the export folder, which a claim renames from).
  const lab = tempLab({ paths: { export: 'disk/export', state: 'disk/state' } });
  const disk = join(lab.dir, 'disk');
  mkdirSync(disk);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', disk]);
  try {
    await fullDisk(lab);
  } finally {
    execFileSync('umount', ['-l', disk]);
  }
});

async function fullDisk(lab: ReturnType<typeof tempLab>): Promise<void> {
  mkdirSync(lab.config.paths.export);
  const state = lab.config.paths.state;
  lab.exportDir = lab.config.paths.export;
  // The journal and spool first, then fill what is left.
  writeFileSync(join(lab.exportDir, 'a.json'), JSON.stringify(sampleReport(1)));
  assert.equal((await cli(lab, 'run', '--quiet')).code, 0);
  writeFileSync(join(lab.exportDir, 'b.json'), JSON.stringify(sampleReport(2)));
  // Leave room for the lock and a journal page or two, not for the documents and the message.
  const { bavail, bsize } = statfsSync(state);
  writeFileSync(join(state, 'filler'), Buffer.alloc(Math.max(0, bavail * bsize - 112 * 1024)));
  const full = await cli(lab, '--json', 'run');
  assert.equal(full.code, 1, full.stdout + full.stderr);
  // The fault is met while the file is processed (named by its id), or already when the journal opens.
  if (full.stdout.trim()) {
    const summary = JSON.parse(full.stdout);
    assert.equal(summary.faults.length, 1, full.stdout);
    assert.match(summary.faults[0].file, /^F\d+$/);
    assert.match(summary.faults[0].fault, /ENOSPC|SQLITE_FULL|SQLITE_IOERR/);
  } else {
    assert.match(full.stderr, /ENOSPC|SQLITE_FULL|SQLITE_IOERR.*nothing was lost/);
  }
  const leftovers = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? leftovers(join(dir, e.name)) : e.name.endsWith('.tmp') ? [join(dir, e.name)] : []);
  assert.deepEqual(leftovers(state), []);
  const claimed = files(join(state, 'incoming')).length + files(lab.exportDir).length;
  assert.equal(claimed, 1, 'b.json is claimed or still in the export folder: not lost');

  rmSync(join(state, 'filler'));
  const freed = await cli(lab, '--json', 'run');
  assert.equal(freed.code, 0, freed.stdout + freed.stderr);
  assert.deepEqual(files(join(state, 'incoming')), []);
  const j = Journal.open(state, { readonly: true });
  try { assert.equal(j.countsByState().accepted, 2); } finally { j.close(); }
}
