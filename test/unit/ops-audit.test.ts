import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { defaultActor } from '../../src/queue/journal.js';
import { ensureDist, runCli } from '../helpers/spawn-cli.js';
import { exampleLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';

before(() => ensureDist());

const account = userInfo().username;

test('the actor names the person beside the account: SUDO_USER first, then LOGNAME', () => {
  assert.equal(defaultActor('labmss resend', { SUDO_USER: 'alice', LOGNAME: account }), `alice via ${account} (labmss resend)`);
  assert.equal(defaultActor('labmss run', { LOGNAME: 'bob' }), `bob via ${account} (labmss run)`);
  assert.equal(defaultActor('labmss run', { LOGNAME: account }), `${account} (labmss run)`);
  assert.equal(defaultActor('labmss run', {}), `${account} (labmss run)`);
});

test('a run through sudo records the technician in the trail', async () => {
  const { config } = exampleLab();
  const run = await runCli(['--config', config, 'run'], { SUDO_USER: 'alice', LOGNAME: account });
  assert.equal(run.code, 0, run.stderr);
  const log = await runCli(['--config', config, '--json', 'log', '--report', 'R1']);
  const actors = new Set((JSON.parse(log.stdout) as Array<{ actor: string }>).map((e) => e.actor));
  assert.deepEqual([...actors], [`alice via ${account} (labmss run)`]);
});

/** Runs labmss as another user: `nobody` when the tests run as root, else this user with the folder closed. */
function runAs(uid: number | undefined, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'labmss.js'), ...args], { cwd: '/', ...(uid === undefined ? {} : { uid, gid: uid }) });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c; });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('a user who may not read the state directory is told so, not "run labmss run first"', async () => {
  const { config, dir, cli } = exampleLab();
  assert.equal((await cli('run')).code, 0);
  const root = process.getuid?.() === 0;
  // The config stays readable by everyone; the state directory (0700, the service account's) does not.
  chmodSync(dir, 0o755);
  chmodSync(config, 0o644);
  if (!root) chmodSync(join(dir, 'state'), 0o000);
  try {
    for (const args of [['status'], ['log'], ['find', 'x'], ['show', 'R1'], ['run']]) {
      const r = await runAs(root ? 65534 : undefined, ['--config', config, ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /permission denied: .*state.* cannot be read by .*sudo -u labmss/, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /run `labmss run` first/);
    }
  } finally {
    chmodSync(join(dir, 'state'), 0o700);
  }
});
