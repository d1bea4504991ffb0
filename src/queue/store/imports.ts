import type Database from 'better-sqlite3';

/**
 * When the directory and the allow-list were last imported, from which file and of which date:
 * routing names them in its reasons and `doctor` checks their age.
 */

export type ReferenceKind = 'directory' | 'allowlist';

export interface ReferenceImport {
  kind: ReferenceKind;
  /** The file as given to the import command. */
  file: string;
  /** The date the file itself carries (extraction time, list date), when it has one. */
  fileDate: string | null;
  importedAt: string;
  rows: number;
  skipped: number;
  sha256: string;
}

export function ensureImportsTable(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS reference_imports (
    kind TEXT PRIMARY KEY, file TEXT NOT NULL, file_date TEXT, imported_at TEXT NOT NULL,
    rows INTEGER NOT NULL, skipped INTEGER NOT NULL, sha256 TEXT NOT NULL)`);
}

/** Records an import; call it inside the transaction that swaps the data in. */
export function recordImport(db: Database.Database, r: ReferenceImport): void {
  db.prepare(`INSERT OR REPLACE INTO reference_imports (kind, file, file_date, imported_at, rows, skipped, sha256)
    VALUES (?, ?, ?, ?, ?, ?, ?)`).run(r.kind, r.file, r.fileDate, r.importedAt, r.rows, r.skipped, r.sha256);
}

/** The last import of a kind, or undefined when there never was one (also on a read-only journal without the table). */
export function lastImport(db: Database.Database, kind: ReferenceKind): ReferenceImport | undefined {
  try {
    const row = db.prepare('SELECT * FROM reference_imports WHERE kind = ?').get(kind) as
      { kind: ReferenceKind; file: string; file_date: string | null; imported_at: string; rows: number; skipped: number; sha256: string } | undefined;
    return row && { kind: row.kind, file: row.file, fileDate: row.file_date, importedAt: row.imported_at, rows: row.rows, skipped: row.skipped, sha256: row.sha256 };
  } catch {
    return undefined;
  }
}

/** "the Annuaire Santé extraction of 2025-01-14T03:12", for messages. */
export function describeImport(what: string, r: ReferenceImport): string {
  return `${what} of ${r.fileDate ?? `unknown date, imported ${r.importedAt.slice(0, 16)}`}`;
}
