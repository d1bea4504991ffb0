import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { sampleReport } from '../helpers/lab.js';
import { ensureDist, runCli } from '../helpers/spawn-cli.js';
import { needsRoot } from '../helpers/mounts.js';
import { repoRoot } from '../helpers/paths.js';
import { tmpDir } from '../helpers/tmp.js';
import { networkFilesystem } from '../../src/intake/checks.js';

before(() => ensureDist());

const bin = join(repoRoot, 'bin', 'labmss.js');
type Check = { section: string; level: string; what: string };
const fails = (stdout: string) => (JSON.parse(stdout) as { checks: Check[] }).checks.filter((c) => c.level === 'fail');

/** The folders the shipped unit gives the service, from examples/systemd/labmss.service. */
function unitPaths(key: 'ReadWritePaths' | 'ReadOnlyPaths'): string[] {
  const unit = readFileSync(join(repoRoot, 'examples', 'systemd', 'labmss.service'), 'utf8');
  return new RegExp(`^${key}=(.*)$`, 'm').exec(unit)![1]!.trim().split(/\s+/);
}

/**
 * Runs a command in a private mount namespace laid out as systemd lays out the unit's (ProtectSystem=strict,
 * ReadWritePaths, ReadOnlyPaths) under `root`: everything read-only, each ReadWritePaths folder a bind
 * mount of its own, so a rename between two of them fails with EXDEV even on one disk.
 */
function asTheUnit(root: string, argv: string[], writable = unitPaths('ReadWritePaths')) {
  const script = [
    'set -e',
    `mount --bind "${root}" "${root}"`, `mount -o remount,bind,ro "${root}"`,
    ...writable.flatMap((p) => [`mount --bind "${root}${p}" "${root}${p}"`, `mount -o remount,bind,rw "${root}${p}"`]),
    ...unitPaths('ReadOnlyPaths').flatMap((p) => [`mount --bind "${root}${p}" "${root}${p}"`, `mount -o remount,bind,ro "${root}${p}"`]),
    'exec "$@"',
  ].join('\n');
  return spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', ...argv], { encoding: 'utf8' });
}

test('init writes absolute paths and a group-writable export folder', async () => {
  const dir = tmpDir('labmss-init-');
  assert.equal((await runCli(['init', join(dir, 'etc')])).code, 0);
  const cfg = JSON.parse(readFileSync(join(dir, 'etc', 'labmss.json'), 'utf8'));
  for (const p of [cfg.paths.export, cfg.paths.state, cfg.paths.print, cfg.addressBook]) assert.ok(isAbsolute(p), p);
  assert.equal(cfg.paths.state, join(dir, 'etc', 'state'));
  assert.equal(statSync(cfg.paths.export).mode & 0o7777, 0o2770, 'the LIS account (export group) writes here');
  assert.equal(statSync(cfg.paths.state).mode & 0o777, 0o700);
  assert.equal(statSync(join(cfg.paths.export, '..')).mode & 0o055, 0o055, 'the folder above the export folder lets the LIS through');
});

test('init --prefix lays out the systemd unit; doctor refuses the placeholders; run and doctor work inside the unit\'s bind mounts', async (t) => {
  if (!needsRoot(t, 'bind-mount the unit\'s folders in a private mount namespace')) return;
  const root = tmpDir('labmss-root-');
  const init = await runCli(['init', '--prefix', root, '--json']);
  assert.equal(init.code, 0, init.stderr);
  const configFile = join(root, 'etc', 'labmss', 'labmss.json');
  const cfg = JSON.parse(readFileSync(configFile, 'utf8'));
  // The unit's writable folders are the state directory and the export folder init made.
  assert.deepEqual(unitPaths('ReadWritePaths').map((p) => root + p).sort(), [cfg.paths.state, cfg.paths.export].sort());
  assert.deepEqual(unitPaths('ReadOnlyPaths').map((p) => root + p), [join(root, 'etc', 'labmss')]);

  const refused = await runCli(['doctor', '--json', '--config', configFile]);
  assert.equal(refused.code, 1);
  const lab = fails(refused.stdout).find((c) => c.section === 'lab');
  assert.ok(lab, refused.stdout);
  assert.match(lab.what, /lab\.name .*à renseigner.*lab\.finess 000000000.*lab\.mailbox/);

  // The lab fills in who it is and its address book, as the operator would.
  cfg.lab = { ...cfg.lab, name: 'Laboratoire des Tilleuls', finess: '750000001', mailbox: 'labo-test@mss.test', address: { lines: ['12 avenue des Tilleuls'], postalCode: '75012', city: 'PARIS' } };
  cfg.message = { nil: 'LABMSS-TEST' };
  cfg.intake = { settleSeconds: 1 };
  writeFileSync(configFile, JSON.stringify(cfg));
  copyFileSync(join(repoRoot, 'examples', 'address-book.csv'), cfg.addressBook);
  for (let n = 1; n <= 3; n++) writeFileSync(join(cfg.paths.export, `r${n}.json`), JSON.stringify(sampleReport(n)));

  const probe = asTheUnit(root, [process.execPath, '-e', `const fs = require('fs');
    try { fs.writeFileSync('${cfg.paths.state}/probe', 'x'); fs.renameSync('${cfg.paths.state}/probe', '${cfg.paths.export}/probe'); console.log('renamed'); }
    catch (e) { fs.rmSync('${cfg.paths.state}/probe', { force: true }); console.log(e.code); }
    try { fs.writeFileSync('${root}/etc/labmss/x', 'x'); console.log('config writable'); } catch (e) { console.log(e.code); }`]);
  assert.equal(probe.stdout.trim(), 'EXDEV\nEROFS', `the unit's layout: two bind mounts, the config read-only (${probe.stderr})`);

  const run = asTheUnit(root, [process.execPath, bin, 'run', '--config', configFile]);
  assert.equal(run.status, 0, run.stderr + run.stdout);
  assert.match(run.stdout, /3 file\(s\) claimed, 3 report\(s\), 3 message\(s\) sent/);
  assert.equal(readdirSync(join(cfg.paths.state, 'outbox')).filter((n) => n.endsWith('.eml')).length, 3);
  assert.deepEqual(readdirSync(cfg.paths.export), ['.labmss']);

  const doctor = asTheUnit(root, [process.execPath, bin, 'doctor', '--json', '--config', configFile]);
  assert.deepEqual(fails(doctor.stdout), [], doctor.stderr);
  const folders = (JSON.parse(doctor.stdout) as { checks: Check[] }).checks.filter((c) => c.section === 'folders').map((c) => c.what).join('\n');
  assert.match(folders, /state directory .* is on a local filesystem/);
  assert.match(folders, /files can be created and renamed/);

  // A unit whose ReadWritePaths forgot the export folder: doctor says so instead of "all good".
  const forgot = asTheUnit(root, [process.execPath, bin, 'doctor', '--json', '--config', configFile], ['/var/lib/labmss']);
  assert.match(fails(forgot.stdout).map((c) => c.what).join('\n'), /export folder .*: cannot create and rename a file: .*read-only/);
});

test('network filesystems are told from local ones by their statfs type', () => {
  assert.equal(networkFilesystem(0x6969), 'NFS');
  assert.equal(networkFilesystem(0xff534d42), 'CIFS');
  assert.equal(networkFilesystem(0xfe534d42), 'SMB2');
  assert.equal(networkFilesystem(statfsSync(tmpDir()).type), undefined, 'the test machine\'s temp folder is local');
});
