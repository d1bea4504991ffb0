import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, utimesSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { claim, ensureSpool, listExport, quarantine, spoolLayout, writeAtomic, writeAllAtomic, globMatcher } from '../../src/queue/spool.js';
import { OutboxTransport } from '../../src/mail/outbox.js';
import { tmpDir } from '../helpers/tmp.js';

test('writeAtomic leaves the complete file, mode 0600, and no temporary name', async () => {
  const dir = tmpDir();
  await writeAtomic(join(dir, 'a', 'x.eml'), 'hello');
  assert.equal(readFileSync(join(dir, 'a', 'x.eml'), 'utf8'), 'hello');
  assert.equal(statSync(join(dir, 'a', 'x.eml')).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(join(dir, 'a')), ['x.eml']);
});

test('writeAllAtomic writes the documents of a file in one step: all complete, 0600, pieces in order, no temporary name', async () => {
  const dir = tmpDir();
  const body = Buffer.alloc(300_000, 0x41);
  await writeAllAtomic([
    { path: join(dir, 'r', 'report.pdf'), data: Buffer.from('%PDF') },
    { path: join(dir, 'r', 'IHE_XDM.ZIP'), data: 'PK' },
    { path: join(dir, 'mail', 'D1.eml'), data: [Buffer.from('Subject: x\r\n\r\n'), body] },
  ]);
  assert.deepEqual(readdirSync(join(dir, 'r')).sort(), ['IHE_XDM.ZIP', 'report.pdf']);
  assert.deepEqual(readdirSync(join(dir, 'mail')), ['D1.eml']);
  assert.ok(readFileSync(join(dir, 'mail', 'D1.eml')).equals(Buffer.concat([Buffer.from('Subject: x\r\n\r\n'), body])));
  assert.equal(readFileSync(join(dir, 'r', 'report.pdf'), 'utf8'), '%PDF');
  for (const f of ['r/report.pdf', 'r/IHE_XDM.ZIP', 'mail/D1.eml']) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600);
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

test('the outbox links the spool copy of a message instead of writing a second one; without it, it writes the bytes', async () => {
  const dir = tmpDir();
  const eml = join(dir, 'state', 'mail', 'D1.eml');
  await writeAtomic(eml, 'Message-ID: <a@b>\r\n\r\nbody');
  const outbox = new OutboxTransport(join(dir, 'state', 'outbox'));
  const message = { deliveryId: 'D1', messageId: '<a@b>', from: 'l@mss.test', to: 'd@mss.test', raw: readFileSync(eml) };
  assert.equal((await outbox.send({ ...message, emlPath: eml })).ok, true);
  const linked = join(dir, 'state', 'outbox', 'D1.eml');
  assert.equal(statSync(linked).ino, statSync(eml).ino, 'one file with two names');
  assert.equal(statSync(eml).nlink, 2);
  // Sent again after a crash: the name is replaced, still one file.
  assert.equal((await outbox.send({ ...message, emlPath: eml })).ok, true);
  assert.deepEqual(readdirSync(join(dir, 'state', 'outbox')), ['D1.eml']);
  assert.equal((await outbox.send({ ...message, deliveryId: 'D2' })).ok, true);
  assert.deepEqual(readFileSync(join(dir, 'state', 'outbox', 'D2.eml')), message.raw);
  assert.equal(statSync(join(dir, 'state', 'outbox', 'D2.eml')).mode & 0o777, 0o600);
});
