import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Journal, type DeliveryState } from '../../src/queue/journal.js';
import { canApply, moveDelivery, OPEN, TERMINAL, TRANSITIONS, type DeliveryOp } from '../../src/queue/delivery-state.js';
import { tmpDir } from '../helpers/tmp.js';

const STATES: DeliveryState[] = ['pending', 'sending', 'accepted', 'delivered', 'read', 'deferred', 'bounced', 'failed', 'held', 'cancelled'];
const OPS = Object.keys(TRANSITIONS) as DeliveryOp[];

/** A journal with one delivery put straight into `state` (the table itself is what is tested). */
function deliveryIn(state: DeliveryState) {
  const j = Journal.open(tmpDir('labmss-sm-'), { actor: 'test' });
  const file = j.addFile({ name: 'a', sha256: 'a'.repeat(64), size: 1, spoolPath: '/nowhere/a' });
  const report = j.addReport({ file_id: file, idx: 0, set_id: 's', version: 1, document_id: 'd', status: 'final', dossier: null, stage: 1, json: '{}', cda_code: null });
  const id = j.addDelivery({ reportId: report, recipient: 'dr@x.mssante.fr', role: 'prescriber', stage: 1, state: 'pending', messageIdFor: (n) => `<m${n}@x>` });
  // Reach `state` through the journal's one write path with a decision that ignores the table.
  j.changeDelivery(id, () => state, {}, 'setup', 'setup');
  return { j, id };
}

test('the whole table: every operation from every state is applied or refused exactly as declared', () => {
  for (const from of STATES) {
    for (const op of OPS) {
      const { j, id } = deliveryIn(from);
      const events = j.events({ delivery: id }).length;
      const moved = moveDelivery(j, id, op, {}, `${op} from ${from}`);
      const allowed = TRANSITIONS[op].from.includes(from);
      assert.equal(moved, allowed, `${op} from ${from}`);
      assert.equal(canApply(op, from), allowed);
      const after = j.delivery(id)!.state;
      if (allowed) {
        const to = TRANSITIONS[op].to;
        assert.equal(after, to === 'same' ? from : to, `${op} from ${from}`);
        assert.equal(j.events({ delivery: id }).length, events + 1, 'one event per transition');
      } else {
        assert.equal(after, from, `refused ${op} from ${from} changes nothing`);
        assert.equal(j.events({ delivery: id }).length, events, 'a refused transition writes no event');
      }
      j.close();
    }
  }
});

test('terminal states are left by no operation but notes; open states are the ones labmss still acts on', () => {
  for (const s of TERMINAL) {
    const leaving = OPS.filter((op) => TRANSITIONS[op].from.includes(s) && TRANSITIONS[op].to !== 'same');
    assert.deepEqual(leaving, [], `${s} is terminal`);
  }
  for (const s of OPEN) assert.ok(!TERMINAL.has(s));
  assert.ok(TERMINAL.has('cancelled') && TERMINAL.has('failed') && TERMINAL.has('bounced') && TERMINAL.has('read'));
  // Every state is reachable from `pending` through the table.
  const reached = new Set<DeliveryState>(['pending']);
  for (let grew = true; grew;) {
    grew = false;
    for (const op of OPS) {
      const to = TRANSITIONS[op].to;
      if (to === 'same' || reached.has(to)) continue;
      if (TRANSITIONS[op].from.some((f) => reached.has(f))) { reached.add(to); grew = true; }
    }
  }
  assert.deepEqual([...reached].sort(), [...STATES].sort());
});

test('leaving held clears the hold code; a cancelled delivery is never due', () => {
  const { j, id } = deliveryIn('pending');
  const report = j.delivery(id)!.report_id;
  const held = j.addDelivery({ reportId: report, recipient: '', label: 'Dr X', role: 'copy', stage: 1, state: 'held', reason: 'no address', holdCode: 'no-address', messageIdFor: (n) => `<m${n}@x>` });
  assert.equal(j.delivery(held)!.hold_code, 'no-address');
  assert.ok(moveDelivery(j, held, 'release', { recipient: 'dr.x@x.mssante.fr', reason: null }));
  assert.deepEqual([j.delivery(held)!.state, j.delivery(held)!.hold_code, j.delivery(held)!.recipient], ['pending', null, 'dr.x@x.mssante.fr']);
  assert.ok(moveDelivery(j, id, 'cancel', { reason: 'superseded by D9' }));
  assert.equal(j.delivery(id)!.state, 'cancelled');
  assert.deepEqual(j.dueDeliveries('2100-01-01T00:00:00Z', true).map((d) => d.id), [held]);
  assert.equal(moveDelivery(j, id, 'startAttempt'), false);
  j.close();
});
