import type Database from 'better-sqlite3';
import { copyFileSync, existsSync } from 'node:fs';

/**
 * The journal's schema, as numbered migrations. `PRAGMA user_version` says which have run. A journal is
 * brought up to date when it is opened for writing, all missing steps in one transaction, after a copy of
 * the file is kept beside it; a journal newer than this labmss is refused (it would misread it).
 */

/** Migration n (1-based) turns a journal of version n-1 into version n. Append only: never edit a step that shipped. */
const MIGRATIONS: readonly string[] = [
  // 1: the schema of labmss 0.1 (journals made by it have user_version 0 and these tables).
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
    state TEXT NOT NULL, format TEXT, spool_path TEXT NOT NULL, claimed_at TEXT NOT NULL,
    finished_at TEXT, error TEXT, warnings TEXT);
  CREATE INDEX IF NOT EXISTS files_sha ON files(sha256);
  CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES files(id), idx INTEGER NOT NULL,
    set_id TEXT NOT NULL, version INTEGER NOT NULL, document_id TEXT NOT NULL, status TEXT NOT NULL,
    dossier TEXT, stage INTEGER NOT NULL, json TEXT NOT NULL, created_at TEXT NOT NULL,
    UNIQUE (file_id, idx));
  CREATE INDEX IF NOT EXISTS reports_set ON reports(set_id, version);
  CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY, report_id INTEGER NOT NULL REFERENCES reports(id), recipient TEXT NOT NULL,
    role TEXT NOT NULL, stage INTEGER NOT NULL, state TEXT NOT NULL, reason TEXT, message_id TEXT NOT NULL UNIQUE,
    eml_path TEXT, eml_sha256 TEXT, eml_size INTEGER, attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL, first_attempt_at TEXT, next_attempt_at TEXT, updated_at TEXT NOT NULL,
    last_reply TEXT, queue_id TEXT, accepted_at TEXT, delivered_at TEXT, read_at TEXT);
  CREATE INDEX IF NOT EXISTS deliveries_state ON deliveries(state, next_attempt_at);
  CREATE INDEX IF NOT EXISTS deliveries_report ON deliveries(report_id);
  CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL,
    file_id INTEGER, report_id INTEGER, delivery_id INTEGER, from_state TEXT, to_state TEXT, detail TEXT);
  CREATE INDEX IF NOT EXISTS events_report ON events(report_id);
  CREATE INDEX IF NOT EXISTS events_delivery ON events(delivery_id);
  CREATE INDEX IF NOT EXISTS events_at ON events(at);
  CREATE TRIGGER IF NOT EXISTS events_append_only_u BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
  CREATE TRIGGER IF NOT EXISTS events_append_only_d BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;`,
  // 2: a delivery's address apart from who it is for: held rows without an address stored "(role) label"
  // in `recipient`, which resend and release then took for an address. `hold_code` keeps why it is held;
  // `cda_code` the code of the CDA a report version carries (X-MSS-CODECDA comes from the document).
  `ALTER TABLE reports ADD COLUMN cda_code TEXT;
  ALTER TABLE deliveries ADD COLUMN label TEXT;
  ALTER TABLE deliveries ADD COLUMN hold_code TEXT;
  UPDATE deliveries SET label = substr(recipient, instr(recipient, ') ') + 2), recipient = '' WHERE recipient LIKE '(%) %';
  UPDATE deliveries SET recipient = label, label = NULL WHERE recipient = '' AND label NOT LIKE '% %' AND label LIKE '%_@_%';`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class JournalTooNew extends Error {
  constructor(readonly path: string, readonly version: number) {
    super(`${path} was written by a newer labmss (journal schema ${version}, this labmss knows up to ${SCHEMA_VERSION}): ` +
      'upgrade labmss on this machine; nothing was changed');
    this.name = 'JournalTooNew';
  }
}

/** The version a journal is at: 0.1 journals carry no user_version but have the `files` table. */
export function schemaVersion(db: Database.Database): number {
  const v = db.pragma('user_version', { simple: true }) as number;
  if (v > 0) return v;
  const has = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'files'`).get();
  return has ? 1 : 0;
}

/**
 * Runs the missing migrations. A journal that already holds data is copied first to
 * `journal.sqlite.before-v<to>` (a consistent copy: the WAL is checkpointed into it), so an upgrade that goes
 * wrong can be undone by hand.
 */
export function migrate(db: Database.Database, path: string): { from: number; to: number; backup?: string } {
  const from = schemaVersion(db);
  if (from > SCHEMA_VERSION) throw new JournalTooNew(path, from);
  if (from === SCHEMA_VERSION) {
    if ((db.pragma('user_version', { simple: true }) as number) !== from) db.pragma(`user_version = ${from}`);
    return { from, to: from };
  }
  let backup: string | undefined;
  if (from > 0) {
    backup = `${path}.before-v${SCHEMA_VERSION}`;
    if (!existsSync(backup)) {
      db.pragma('wal_checkpoint(TRUNCATE)');
      copyFileSync(path, backup);
    }
  }
  db.transaction(() => {
    for (let v = from; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
  return { from, to: SCHEMA_VERSION, backup };
}
