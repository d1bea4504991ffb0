import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Settler } from '../../src/intake/settle.js';
import { missingEnd } from '../../src/intake/complete.js';
import { ExportLooker, type IntakeRules } from '../../src/intake/look.js';
import { TAKEN_FOLDER } from '../../src/intake/claim.js';
import { writeHl7 } from '../helpers/hl7-writer.js';
import { writeHprimSante } from '../helpers/hprim-writer.js';
import { tmpDir } from '../helpers/tmp.js';

const rules = (over: Partial<IntakeRules> = {}): IntakeRules => ({ ignore: ['*.tmp', '.*'], settleMs: 5000, endWaitMs: 60_000, ...over });
const names = (r: { ready: Array<{ name: string }> }) => r.ready.map((c) => c.name);
const anHourAgo = () => Date.now() / 1000 - 3600;

test('settled: the same size, mtime and inode at two looks settleMs apart on our clock, whatever the mtime says', () => {
  const s = new Settler(5000);
  const look = { size: 10, mtimeMs: 1, ino: 7 }; // an mtime decades old: not a reason to take it
  assert.equal(s.look('a', look, 1000), false, 'a first look never settles');
  assert.equal(s.look('a', look, 5999), false);
  assert.equal(s.look('a', { ...look, size: 11 }, 6000), false, 'grown: the wait starts again');
  assert.equal(s.look('a', { ...look, size: 11 }, 10_999), false);
  assert.equal(s.look('a', { ...look, size: 11 }, 11_000), true);
  assert.equal(s.look('b', { size: 1, mtimeMs: 1, ino: 8 }, 0), false);
  assert.equal(s.look('b', { size: 1, mtimeMs: 1, ino: 9 }, 9000), false, 'replaced by another file of the same name');
  assert.equal(new Settler(0).look('c', look, 0), true, '0: no wait');
});

test('what run saw is kept between runs: a file unchanged since the last run is taken at once', async () => {
  const file = join(tmpDir(), 'looks.json');
  const first = new Settler(5000);
  first.look('a', { size: 3, mtimeMs: 4, ino: 5 }, Date.now() - 6000);
  first.look('gone', { size: 3, mtimeMs: 4, ino: 6 }, Date.now() - 6000);
  first.keepOnly(new Set(['a']));
  await first.save(file);
  const next = Settler.load(file, 5000);
  assert.equal(next.size, 1);
  assert.equal(next.look('a', { size: 3, mtimeMs: 4, ino: 5 }, Date.now()), true);
});

test('a writer that pauses mid-file with an old mtime: not ready until two looks agree, then ready whole', () => {
  const dir = tmpDir();
  const looker = new ExportLooker(dir, rules());
  const file = join(dir, 'r.hl7');
  writeFileSync(file, 'MSH|^~\\&|LIS\rPID|1\r');
  utimesSync(file, anHourAgo(), anHourAgo());
  const t0 = 1_000_000;
  const first = looker.lookAll(t0);
  assert.deepEqual(names(first), []);
  assert.equal(first.nextLookMs, 5000);
  appendFileSync(file, 'OBX|1\r');
  utimesSync(file, anHourAgo(), anHourAgo());
  const second = looker.lookAll(t0 + 5000);
  assert.deepEqual(names(second), [], 'it grew between the looks');
  assert.deepEqual(second.waiting, ['r.hl7']);
  assert.deepEqual(names(looker.lookAll(t0 + 9999)), []);
  assert.deepEqual(names(looker.lookAll(t0 + 10_000)), ['r.hl7']);
});

test('the folder listing: top-level regular files, not ignored names, not the .labmss folder, not markers', () => {
  const dir = tmpDir();
  for (const n of ['a.hpr', 'b.tmp', '.c', 'd.hl7', 'd.hl7.ok']) writeFileSync(join(dir, n), 'x');
  mkdirSync(join(dir, 'sub'));
  mkdirSync(join(dir, TAKEN_FOLDER));
  assert.deepEqual(new ExportLooker(dir, rules()).list().map((c) => c.name), ['a.hpr', 'd.hl7', 'd.hl7.ok']);
  assert.deepEqual(new ExportLooker(dir, rules({ readyMarker: '*.ok' })).list().map((c) => c.name), ['a.hpr', 'd.hl7']);
});

test('completion markers: `*` is the whole name, `{stem}` the name without its extension; a marker event names its file', () => {
  const dir = tmpDir();
  for (const n of ['a.hpr', 'b.hpr', 'b.ok']) writeFileSync(join(dir, n), 'x');
  const stem = new ExportLooker(dir, rules({ readyMarker: '{stem}.ok' }));
  assert.deepEqual(names(stem.lookAll(0)), ['b.hpr'], 'ready at the first look: the marker says so');
  assert.equal(stem.subjectOf('b.ok'), undefined);
  const whole = new ExportLooker(dir, rules({ readyMarker: '*.done' }));
  assert.deepEqual(names(whole.lookAll(0)), []);
  writeFileSync(join(dir, 'a.hpr.done'), '');
  assert.deepEqual(names(whole.lookAll(0)), ['a.hpr']);
  assert.equal(whole.subjectOf('a.hpr.done'), 'a.hpr');
  assert.equal(whole.subjectOf('a.hpr'), 'a.hpr');
});

test('an HL7 batch without its trailer, an HPRIM file without its L record: waited for endWaitMs, then taken', () => {
  const dir = tmpDir();
  const oru = writeHl7([{ familyName: 'X', ipp: '1', fillerId: 'D1', results: [{ code: 'NA', label: 'Na', value: '140' }] }]).toString('latin1');
  writeFileSync(join(dir, 'batch.hl7'), `FHS|^~\\&|LIS\rBHS|^~\\&|LIS\r${oru}`);
  writeFileSync(join(dir, 'whole.hl7'), `FHS|^~\\&|LIS\rBHS|^~\\&|LIS\r${oru}BTS|1\rFTS|1\r`);
  const hprim = writeHprimSante([{ patient: { familyName: 'X', givenName: 'Y', ipp: '1', birthDate: '19800101' }, fillerId: 'D1',
    results: [{ code: 'NA', label: 'Na', value: '140', unit: 'mmol/l', range: '', flag: '' }] }]);
  assert.match(hprim, /\rL\|[^\r]*\r$/);
  writeFileSync(join(dir, 'cut.hpr'), hprim.replace(/L\|[^\r]*\r$/, ''));
  writeFileSync(join(dir, 'whole.hpr'), hprim);
  writeFileSync(join(dir, 'single.hl7'), oru);
  const looker = new ExportLooker(dir, rules({ settleMs: 1000, endWaitMs: 10_000 }));
  looker.lookAll(0);
  const settled = looker.lookAll(1000);
  assert.deepEqual(names(settled), ['single.hl7', 'whole.hl7', 'whole.hpr']);
  assert.deepEqual(settled.waiting, ['batch.hl7', 'cut.hpr']);
  assert.equal(settled.nextLookMs, 9000);
  assert.deepEqual(names(looker.lookAll(10_000)), ['batch.hl7', 'cut.hpr', 'single.hl7', 'whole.hl7', 'whole.hpr']);
});

test('missingEnd reads only what the format announces', () => {
  const b = (s: string) => Buffer.from(s, 'latin1');
  assert.equal(missingEnd(b('MSH|^~\\&|A\rPID|1\r'), b('PID|1\r')), undefined, 'a single message has no trailer');
  assert.match(missingEnd(b('BHS|^~\\&|A\rMSH|^~\\&\r'), b('OBX|1\r'))!, /BTS/);
  assert.equal(missingEnd(b('BHS|^~\\&|A\r'), b('OBX|1\rBTS|1\r\n')), undefined);
  assert.match(missingEnd(b('H|~^\\&|X.HPR\r'), b('OBX|1\r'))!, /L record/);
  assert.equal(missingEnd(b('H|~^\\&|X.HPR\r'), b('OBX|1\rL|1\r')), undefined);
  assert.equal(missingEnd(b('{"a":1'), b('{"a":1')), undefined, 'JSON: the parser tells');
});
