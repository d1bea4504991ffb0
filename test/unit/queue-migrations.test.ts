import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Journal, JOURNAL_FILE } from '../../src/queue/journal.js';
import { SCHEMA_VERSION, JournalTooNew } from '../../src/queue/migrations.js';
import { fixtures } from '../helpers/paths.js';
import { tmpDir } from '../helpers/tmp.js';

function oldJournal(): string {
  const dir = tmpDir('labmss-migrate-');
  copyFileSync(fixtures('journal-v0.1', 'journal.sqlite'), join(dir, JOURNAL_FILE));
  return dir;
}

test('a journal written by labmss 0.1 opens, is copied first, and is migrated in place', () => {
  const dir = oldJournal();
  const j = Journal.open(dir, { actor: 'test' });
  try {
    assert.equal(existsSync(join(dir, `${JOURNAL_FILE}.before-v${SCHEMA_VERSION}`)), true, 'a copy of the old journal is kept');
    assert.equal(j.countsByState().accepted, 7, 'nothing lost');
    // 0.1 stored "(copy) Dr Anne PETIT (RPPS …)" as the recipient of a held delivery: now a label and no address.
    const held = j.deliveriesInStates(['held']);
    assert.deepEqual(held.map((d) => [d.recipient, d.label]), [['', 'Dr Anne PETIT (RPPS 10005555555)'], ['dr.x@not-allowed.example', null]]);
    assert.equal(j.report(1)!.cda_code, null);
    // The new columns are written by new deliveries.
    const id = j.addDelivery({ reportId: 1, recipient: '', label: 'Dr Y', role: 'copy', stage: 1, state: 'held', holdCode: 'no-address', reason: 'r', messageIdFor: (n) => `<n${n}@x>` });
    assert.equal(j.delivery(id)!.hold_code, 'no-address');
  } finally { j.close(); }
  const raw = new Database(join(dir, JOURNAL_FILE), { readonly: true });
  assert.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  raw.close();
  // Opening again migrates nothing more.
  Journal.open(dir, { actor: 'test' }).close();
});

test('status beside an old journal: a read-only open migrates it first, so nothing is misread', () => {
  const dir = oldJournal();
  const j = Journal.open(dir, { readonly: true });
  try { assert.equal(j.deliveriesInStates(['held'])[0]!.label, 'Dr Anne PETIT (RPPS 10005555555)'); } finally { j.close(); }
});

test('a journal from a newer labmss is refused with what to do, and left untouched', () => {
  const dir = oldJournal();
  const raw = new Database(join(dir, JOURNAL_FILE));
  raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  raw.close();
  assert.throws(() => Journal.open(dir, { actor: 'test' }), (err: Error) => err instanceof JournalTooNew && /newer labmss.*upgrade labmss/.test(err.message));
  assert.throws(() => Journal.open(dir, { readonly: true }), JournalTooNew);
  const check = new Database(join(dir, JOURNAL_FILE), { readonly: true });
  assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION + 1);
  check.close();
});

test('a new journal starts at the current schema version, with no copy', () => {
  const dir = tmpDir('labmss-new-');
  Journal.open(dir, { actor: 'test' }).close();
  const raw = new Database(join(dir, JOURNAL_FILE), { readonly: true });
  assert.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  raw.close();
  assert.equal(existsSync(join(dir, `${JOURNAL_FILE}.before-v${SCHEMA_VERSION}`)), false);
});
