import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSpool, quarantine, spoolLayout, writeAtomic, writeAllAtomic, globMatcher } from '../../src/queue/spool.js';
import { tmpDir } from '../helpers/tmp.js';

test('writeAtomic leaves the complete file, mode 0600, and no temporary name', async () => {
  const dir = tmpDir();
  await writeAtomic(join(dir, 'a', 'x.eml'), 'hello');
  assert.equal(readFileSync(join(dir, 'a', 'x.eml'), 'utf8'), 'hello');
  assert.equal(statSync(join(dir, 'a', 'x.eml')).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(join(dir, 'a')), ['x.eml']);
});

test('writeAllAtomic writes the documents of a file in one step: all complete, 0600, in several folders, no temporary name', async () => {
  const dir = tmpDir();
  const body = Buffer.alloc(300_000, 0x41);
  await writeAllAtomic([
    { path: join(dir, 'r', 'report.pdf'), data: Buffer.from('%PDF') },
    { path: join(dir, 'r', 'IHE_XDM.ZIP'), data: 'PK' },
    { path: join(dir, 'mail', 'D1.eml'), data: Buffer.concat([Buffer.from('Subject: x\r\n\r\n'), body]) },
  ]);
  assert.deepEqual(readdirSync(join(dir, 'r')).sort(), ['IHE_XDM.ZIP', 'report.pdf']);
  assert.deepEqual(readdirSync(join(dir, 'mail')), ['D1.eml']);
  assert.ok(readFileSync(join(dir, 'mail', 'D1.eml')).equals(Buffer.concat([Buffer.from('Subject: x\r\n\r\n'), body])));
  assert.equal(readFileSync(join(dir, 'r', 'report.pdf'), 'utf8'), '%PDF');
  for (const f of ['r/report.pdf', 'r/IHE_XDM.ZIP', 'mail/D1.eml']) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600);
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

test('globMatcher: `*` and `?` over the whole name', () => {
  assert.equal(globMatcher(['*.part'])('x.part'), true);
  assert.equal(globMatcher(['*.part'])('x.partial'), false);
  assert.equal(globMatcher(['~?'])('~a'), true);
});
