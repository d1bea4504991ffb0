import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Journal } from '../../src/queue/journal.js';
import { moveDelivery } from '../../src/queue/delivery-state.js';
import { retryDelaySeconds, expired } from '../../src/queue/backoff.js';
import { tmpDir } from '../helpers/tmp.js';

function journalWithDelivery() {
  const dir = tmpDir();
  const j = Journal.open(dir, { actor: 'tester' });
  const file = j.addFile({ name: 'a.hpr', sha256: 'ab'.repeat(32), size: 10, spoolPath: `${dir}/a` });
  const report = j.addReport({ file_id: file, idx: 0, set_id: 's', version: 1, document_id: 'd', status: 'final', dossier: 'X', stage: 1, json: '{}', cda_code: null });
  const delivery = j.addDelivery({ reportId: report, recipient: 'dr@x.mssante.fr', role: 'prescriber', stage: 1, state: 'pending', messageIdFor: (n) => `<m${n}@x>` });
  return { dir, j, file, report, delivery };
}

test('a transition changes the state and appends its event in one go', () => {
  const { j, delivery } = journalWithDelivery();
  assert.equal(moveDelivery(j, delivery, 'startAttempt', { attempts: 1 }), true);
  assert.equal(j.delivery(delivery)!.state, 'sending');
  const ev = j.events({ delivery }).at(-1)!;
  assert.deepEqual([ev.kind, ev.from_state, ev.to_state, ev.actor], ['sending', 'pending', 'sending', 'tester']);
});

test('a transition from a state the delivery is not in is refused and writes nothing', () => {
  const { j, delivery } = journalWithDelivery();
  const before = j.events({}).length;
  assert.equal(moveDelivery(j, delivery, 'accept'), false);
  assert.equal(j.delivery(delivery)!.state, 'pending');
  assert.equal(j.events({}).length, before);
});

test('events are append-only', () => {
  const { j } = journalWithDelivery();
  assert.throws(() => j.db.prepare('UPDATE events SET detail = ?').run('x'), /append-only/);
  assert.throws(() => j.db.prepare('DELETE FROM events').run(), /append-only/);
});

test('the message id is derived from the delivery id and unique', () => {
  const { j, delivery } = journalWithDelivery();
  assert.equal(j.delivery(delivery)!.message_id, `<m${delivery}@x>`);
  assert.equal(j.deliveryByMessageId(`<m${delivery}@x>`)!.id, delivery);
});

test('due deliveries: pending, deferred whose time has come, and sending ones left by a crash', () => {
  const { j, delivery, report } = journalWithDelivery();
  const later = j.addDelivery({ reportId: report, recipient: 'b@x.mssante.fr', role: 'copy', stage: 1, state: 'pending', messageIdFor: (n) => `<m${n}@x>` });
  moveDelivery(j, later, 'startAttempt');
  moveDelivery(j, later, 'defer', { next_attempt_at: '2030-01-01T00:00:00.000Z' });
  assert.deepEqual(j.dueDeliveries('2029-01-01T00:00:00.000Z', true).map((d) => d.id), [delivery]);
  assert.deepEqual(j.dueDeliveries('2031-01-01T00:00:00.000Z', true).map((d) => d.id), [delivery, later]);
  moveDelivery(j, delivery, 'startAttempt');
  assert.deepEqual(j.dueDeliveries('2029-01-01T00:00:00.000Z', false).map((d) => d.id), []);
  assert.deepEqual(j.dueDeliveries('2029-01-01T00:00:00.000Z', true).map((d) => d.id), [delivery]);
});

test('the journal survives reopening, with the same instance id', () => {
  const { dir, j, delivery } = journalWithDelivery();
  const id = j.instanceId;
  j.close();
  const again = Journal.open(dir);
  assert.equal(again.instanceId, id);
  assert.equal(again.delivery(delivery)!.recipient, 'dr@x.mssante.fr');
  const ro = Journal.open(dir, { readonly: true });
  assert.equal(ro.countsByState().pending, 1);
  assert.throws(() => ro.db.prepare('DELETE FROM deliveries').run());
});

test('back-off doubles from the first delay up to the cap; give up after the maximum age', () => {
  const p = { firstDelaySeconds: 60, maxDelaySeconds: 600, maxAgeHours: 120 };
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => retryDelaySeconds(n, p)), [60, 120, 240, 480, 600, 600]);
  assert.equal(expired('2026-11-01T00:00:00Z', '2026-11-05T23:59:00Z', p), false);
  assert.equal(expired('2026-11-01T00:00:00Z', '2026-11-06T00:00:00Z', p), true);
});

test('relaxed commits are committed, and every other commit stays fully synced, even after a failure', () => {
  const { j, delivery: id } = journalWithDelivery();
  const synchronous = () => j.db.pragma('synchronous', { simple: true });
  assert.equal(synchronous(), 2, 'FULL');
  assert.ok(j.relaxed(() => moveDelivery(j, id, 'startAttempt')));
  assert.equal(synchronous(), 2);
  assert.throws(() => j.relaxed(() => { throw new Error('boom'); }), /boom/);
  assert.equal(synchronous(), 2);
  assert.equal(j.delivery(id)!.state, 'sending');
});


test('a journal nothing was ever imported into answers the per-file routing lookups without a failing statement', () => {
  const { j } = journalWithDelivery();
  const prepare = j.db.prepare.bind(j.db);
  const failures: string[] = [];
  j.db.prepare = ((sql: string) => {
    try { return prepare(sql); } catch (err) { failures.push((err as Error).message); throw err; }
  }) as typeof j.db.prepare;
  for (let i = 0; i < 3; i++) {
    assert.equal(j.lastImport('allowlist'), undefined);
    assert.equal(j.lastImport('directory'), undefined);
  }
  assert.deepEqual(failures, []);
});
