import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ensureDist } from '../helpers/spawn-cli.js';
import { exampleLab } from '../helpers/lab.js';
import { retentionCutoffs } from '../../src/retention/plan.js';
import { isInside } from '../../src/retention/disk.js';

before(() => ensureDist());

test('retention cutoffs: years and days back from now', () => {
  const c = retentionCutoffs({ proofYears: 10, documentYears: 1, quarantineDays: 365, outboxDays: 30 }, new Date('2026-12-07T00:00:00Z'));
  assert.equal(c.proofBefore.slice(0, 10), '2016-12-06');
  assert.equal(c.documentsBefore, '2025-12-06T18:00:00.000Z');
  assert.equal(c.outboxBefore, '2026-11-07T00:00:00.000Z');
  assert.ok(isInside('/s/mail/D1.eml', '/s') && !isInside('/s', '/s') && !isInside('/etc/passwd', '/s') && !isInside('/s/../x', '/s'));
});

test('purge removes only what is past retention, keeps the journal\'s events, says what it freed; status shows disk use', async () => {
  const { dir, cli } = exampleLab();
  assert.equal((await cli('run')).code, 0);
  const state = join(dir, 'state');
  // Age report R1 (its file and its deliveries) by eleven years, as if sent long ago; one outbox file by 40 days.
  const db = new Database(join(state, 'journal.sqlite'));
  const old = new Date(Date.now() - 11 * 365.25 * 86_400_000).toISOString();
  db.prepare('UPDATE reports SET created_at = ? WHERE id = 1').run(old);
  db.prepare('UPDATE deliveries SET created_at = ? WHERE report_id = 1').run(old);
  db.prepare('UPDATE files SET finished_at = ? WHERE id = (SELECT file_id FROM reports WHERE id = 1)').run(old);
  const r1 = db.prepare('SELECT set_id, version FROM reports WHERE id = 1').get() as { set_id: string; version: number };
  const r1Emls = (db.prepare('SELECT eml_path FROM deliveries WHERE report_id = 1').all() as Array<{ eml_path: string }>).map((r) => r.eml_path);
  const r1Input = join(state, 'done', (db.prepare('SELECT name FROM files WHERE id = (SELECT file_id FROM reports WHERE id = 1)').get() as { name: string }).name);
  const events = () => (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  const eventsBefore = events();
  const outbox = join(state, 'outbox');
  const aged = readdirSync(outbox)[0]!;
  const forty = Date.now() / 1000 - 40 * 86400;
  utimesSync(join(outbox, aged), forty, forty);
  db.close();

  const status = await cli('--json', 'status');
  const disk = JSON.parse(status.stdout).disk as { total: number; parts: Record<string, number> };
  assert.ok(disk.parts.mail! > 0 && disk.parts.journal! > 0 && disk.total >= disk.parts.mail!);
  assert.match((await cli('status')).stdout, /^disk: [\d.]+ KB in the state directory \(.*mail [\d.]+ KB/m);

  const dry = await cli('purge', '--dry-run');
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /sent messages \(mail\/, older than retention\.proofYears\): 1 file\(s\)/);
  assert.match(dry.stdout, /input files \(done\/.*\): 1 file\(s\)/);
  assert.match(dry.stdout, /rendered documents \(reports\/.*\): 1 file\(s\)/);
  assert.match(dry.stdout, /outbox messages .*: 1 file\(s\)/);
  assert.match(dry.stdout, /would free [\d.]+ KB \(dry run: nothing removed\)/);
  assert.ok(r1Emls.every((p) => existsSync(p)) && existsSync(r1Input) && existsSync(join(outbox, aged)));

  const purge = await cli('--json', 'purge');
  assert.equal(purge.code, 0, purge.stderr);
  const freed = JSON.parse(purge.stdout) as { freed: Record<string, { files: number; bytes: number }>; bytes: number };
  assert.equal(freed.freed.emls!.files, r1Emls.length);
  assert.equal(freed.freed.outbox!.files, 1);
  assert.ok(freed.bytes > 0);
  assert.ok(r1Emls.every((p) => !existsSync(p)), 'R1\'s messages removed');
  assert.ok(!existsSync(r1Input), 'R1\'s input removed');
  assert.equal(readdirSync(join(state, 'done')).length, 3, 'the other inputs stay');
  assert.ok(!existsSync(join(state, 'reports', `${r1.set_id}.v${r1.version}`)), 'R1\'s documents removed');
  assert.equal(readdirSync(join(state, 'mail')).length, 7 - r1Emls.length, 'the other reports\' messages stay');
  assert.equal(readdirSync(outbox).length, 6);

  const after = new Database(join(state, 'journal.sqlite'), { readonly: true });
  assert.equal((after.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n, eventsBefore + 1, 'every event kept, one purge event added');
  assert.match((after.prepare(`SELECT detail FROM events WHERE kind = 'purge'`).get() as { detail: string }).detail, /retention removed \d+ file\(s\)/);
  assert.equal((after.prepare('SELECT COUNT(*) AS n FROM deliveries WHERE eml_sha256 IS NOT NULL').get() as { n: number }).n, 7, 'SHA-256 of each message kept');
  after.close();

  assert.match((await cli('show', 'D1')).stdout, /removed by retention; its SHA-256 stays/);
  assert.match((await cli('purge')).stdout, /nothing is past retention/);
});
