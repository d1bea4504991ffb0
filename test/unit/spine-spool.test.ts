import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, utimesSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { claim, ensureSpool, listExport, quarantine, spoolLayout, writeAtomic, globMatcher } from '../../src/queue/spool.js';
import { tmpDir } from '../helpers/tmp.js';

test('writeAtomic leaves the complete file, mode 0600, and no temporary name', async () => {
  const dir = tmpDir();
  await writeAtomic(join(dir, 'a', 'x.eml'), 'hello');
  assert.equal(readFileSync(join(dir, 'a', 'x.eml'), 'utf8'), 'hello');
  assert.equal(statSync(join(dir, 'a', 'x.eml')).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(join(dir, 'a')), ['x.eml']);
});

test('claiming is a rename: the file is in the export folder or in the spool, never in neither nor both', () => {
  const dir = tmpDir();
  const layout = spoolLayout(join(dir, 'state'));
  ensureSpool(layout);
  mkdirSync(join(dir, 'export'));
  const src = join(dir, 'export', 'r.hpr');
  writeFileSync(src, 'bytes');
  const claimed = claim(src, layout, '20261120T000000Z')!;
  assert.equal(existsSync(src), false);
  assert.equal(readFileSync(claimed, 'utf8'), 'bytes');
  // A second claimer (another process) finds nothing and says so.
  assert.equal(claim(src, layout, '20261120T000000Z'), undefined);
});

test('quarantine keeps the original bytes and writes NAME.error.txt', async () => {
  const dir = tmpDir();
  const layout = spoolLayout(dir);
  ensureSpool(layout);
  const p = join(layout.incoming, 'x');
  writeFileSync(p, Buffer.from([0xff, 0x00, 0x41]));
  const q = await quarantine(p, layout, 'bad.hpr', 'bad.hpr:3 OBX 10.6: cut short');
  assert.deepEqual(readFileSync(q), Buffer.from([0xff, 0x00, 0x41]));
  assert.match(readFileSync(`${q}.error.txt`, 'utf8'), /bad\.hpr:3 OBX 10\.6/);
  // A second file of the same name never overwrites the first.
  writeFileSync(p, 'again');
  const q2 = await quarantine(p, layout, 'bad.hpr', 'again');
  assert.notEqual(q2, q);
  assert.deepEqual(readFileSync(q), Buffer.from([0xff, 0x00, 0x41]));
});

test('listExport skips temporary names, folders and files modified too recently', () => {
  const dir = tmpDir();
  for (const n of ['a.hpr', 'b.tmp', '~c', '.d', 'e.hl7']) writeFileSync(join(dir, n), 'x');
  mkdirSync(join(dir, 'sub'));
  const old = Date.now() / 1000 - 60;
  utimesSync(join(dir, 'a.hpr'), old, old);
  const names = listExport(dir, { ignore: ['*.tmp', '~*', '.*'], settleMs: 5000, now: Date.now() }).map((c) => c.name);
  assert.deepEqual(names, ['a.hpr']);
  assert.equal(globMatcher(['*.part'])('x.part'), true);
  assert.equal(globMatcher(['*.part'])('x.partial'), false);
});
