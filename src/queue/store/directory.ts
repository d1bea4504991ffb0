import type Database from 'better-sqlite3';
import type { Hash } from 'node:crypto';
import { crypto } from '../crypto.js';
import { closeSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { fflate } from '../../documents/libraries.js';
import {
  EXTRACTION_COLUMNS, extractionDateFromName, mapHeader, parseLine, searchKey,
  type Columns, type DirectoryEntry, type DirectoryView, type LookupQuery, type MailboxCandidate,
} from '../../routing/directory.js';
import { describeImport, ensureImportsTable, lastImport, recordImport, type ReferenceImport } from './imports.js';

/**
 * The directory in the journal database. An import streams the extraction (hundreds of thousands of
 * lines, plain or zipped) into a staging table in short batches, then swaps it for the live table in one
 * short transaction: readers see the old directory or the new one, never half of it, and a daemon
 * writing to the journal meanwhile is never blocked for the length of the import.
 */

const COLUMNS: Array<[keyof DirectoryEntry, string]> = [
  ['nationalId', 'national_id'], ['mailboxType', 'mailbox_type'], ['address', 'address'], ['idType', 'id_type'],
  ['ppId', 'pp_id'], ['structureId', 'structure_id'], ['service', 'service'], ['civility', 'civility'],
  ['familyName', 'family_name'], ['givenName', 'given_name'], ['profession', 'profession'], ['specialty', 'specialty'],
  ['dematerialisation', 'dematerialisation'], ['organization', 'organization'], ['postalCode', 'postal_code'], ['city', 'city'],
];

function tableSql(name: string): string {
  return `CREATE TABLE IF NOT EXISTS ${name} (${COLUMNS.map(([, c]) => `${c} TEXT${c === 'national_id' || c === 'mailbox_type' || c === 'address' ? ' NOT NULL' : ''}`).join(', ')},
    address_lc TEXT NOT NULL, search_key TEXT NOT NULL)`;
}

/** Index names carry a generation: the staging table's indexes keep their names when it becomes the live table. */
const keyIndexSql = (table: string, generation: string) =>
  `CREATE UNIQUE INDEX IF NOT EXISTS directory_key_${generation} ON ${table}(national_id, address_lc)`;
const addressIndexSql = (table: string, generation: string) =>
  `CREATE INDEX IF NOT EXISTS directory_addr_${generation} ON ${table}(address_lc)`;

/** Creates the directory tables when missing; called on every open. */
export function ensureDirectoryTables(db: Database.Database): void {
  ensureImportsTable(db);
  db.exec(tableSql('directory'));
  db.exec(keyIndexSql('directory', '0'));
  db.exec(addressIndexSql('directory', '0'));
}

export interface ImportResult extends ReferenceImport {
  duplicates: number;
  /** The first unusable lines, with why (line numbers are 1-based, the header is line 1). */
  problems: Array<{ line: number; reason: string }>;
  warnings: string[];
  seconds: number;
}

const CHUNK = 1 << 20;
const BATCH = 20000;

/** Feeds the file's bytes to `onChunk`: the file itself, or its first .txt member when it is a ZIP. */
function readChunks(path: string, hash: Hash, onChunk: (b: Uint8Array) => void): { member?: string } {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let n = readSync(fd, buf, 0, CHUNK, null);
    const zip = n >= 4 && buf.readUInt32LE(0) === 0x04034b50;
    let member: string | undefined;
    let failure: Error | undefined;
    const unzip = zip ? new (fflate().Unzip)() : undefined;
    if (unzip) {
      unzip.register(fflate().UnzipInflate);
      unzip.onfile = (f) => {
        if (member !== undefined || !/\.(txt|csv)$/i.test(f.name)) return;
        member = f.name;
        f.ondata = (err, chunk) => { if (err) failure ??= err; else if (!failure) onChunk(chunk); };
        f.start();
      };
    }
    while (n > 0) {
      const bytes = buf.subarray(0, n);
      hash.update(bytes);
      if (unzip) unzip.push(new Uint8Array(bytes), false); else onChunk(bytes);
      if (failure) throw failure;
      n = readSync(fd, buf, 0, CHUNK, null);
    }
    if (unzip) {
      unzip.push(new Uint8Array(0), true);
      if (failure) throw new Error(`${basename(path)}: cannot unzip: ${failure.message}`);
      if (member === undefined) throw new Error(`${basename(path)}: the ZIP holds no .txt extraction`);
    }
    return { member };
  } finally {
    closeSync(fd);
  }
}

/**
 * Imports an extraction (`.txt` or `.zip`), replacing the previous one. Refuses a file with no usable
 * line, so a truncated download never empties the directory.
 */
export function importDirectory(db: Database.Database, path: string, now: () => Date = () => new Date()): ImportResult {
  ensureDirectoryTables(db);
  const started = process.hrtime.bigint();
  const generation = Date.now().toString(36);
  const staging = 'directory_staging';
  db.exec(`DROP TABLE IF EXISTS ${staging}`);
  db.exec(tableSql(staging));
  // The unique index drops duplicates (same practitioner, same mailbox) as rows arrive, with bounded memory.
  db.exec(keyIndexSql(staging, generation));
  const insert = db.prepare(`INSERT OR IGNORE INTO ${staging} (${COLUMNS.map(([, c]) => c).join(', ')}, address_lc, search_key)
    VALUES (${COLUMNS.map(() => '?').join(', ')}, ?, ?)`);
  const flush = db.transaction((rows: DirectoryEntry[]) => {
    let added = 0;
    for (const e of rows) {
      added += insert.run(...COLUMNS.map(([k]) => e[k] ?? null), e.address.toLowerCase(),
        searchKey(e.familyName, e.givenName, e.organization, e.address)).changes;
    }
    return added;
  });

  const hash = crypto().createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  let lineNo = 0;
  let columns: Columns | undefined;
  let batch: DirectoryEntry[] = [];
  let parsed = 0;
  let rows = 0;
  let skipped = 0;
  const problems: ImportResult['problems'] = [];
  const warnings: string[] = [];
  const onLine = (raw: string) => {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!columns) {
      columns = mapHeader(line);
      if (columns.count !== EXTRACTION_COLUMNS) warnings.push(`the header has ${columns.count} columns, not ${EXTRACTION_COLUMNS}: columns found by name`);
      return;
    }
    if (!line.trim()) return;
    const entry = parseLine(line, columns);
    if (typeof entry === 'string') {
      skipped++;
      if (problems.length < 20) problems.push({ line: lineNo, reason: entry });
      return;
    }
    parsed++;
    batch.push(entry);
    if (batch.length >= BATCH) { rows += flush(batch); batch = []; }
  };
  let member: string | undefined;
  // The staging table is thrown away on any failure, so its writes need no fsync; the swap below is durable.
  const synchronous = db.pragma('synchronous', { simple: true });
  db.pragma('synchronous = OFF');
  try {
    ({ member } = readChunks(path, hash, (chunk) => {
      let text: string;
      try { text = decoder.decode(chunk, { stream: true }); } catch { throw new Error(`${basename(path)}: not UTF-8 text near line ${lineNo + 1}`); }
      const parts = (rest + text).split('\n');
      rest = parts.pop()!;
      for (const p of parts) onLine(p);
    }));
    rest += decoder.decode();
    if (rest) onLine(rest);
    if (batch.length) rows += flush(batch);
    if (!columns) throw new Error(`${basename(path)}: empty file`);
    if (rows === 0) throw new Error(`${basename(path)}: no usable mailbox line${problems[0] ? ` (line ${problems[0].line}: ${problems[0].reason})` : ''}: the directory was left as it was`);
    db.exec(addressIndexSql(staging, generation));
  } catch (err) {
    db.exec(`DROP TABLE IF EXISTS ${staging}`);
    throw err;
  } finally {
    db.pragma(`synchronous = ${Number(synchronous)}`);
  }

  const result: ImportResult = {
    kind: 'directory', file: path, fileDate: extractionDateFromName(path) ?? (member ? extractionDateFromName(member) ?? null : null),
    importedAt: now().toISOString(), rows, skipped, sha256: hash.digest('hex'), duplicates: parsed - rows, problems, warnings, seconds: 0,
  };
  db.transaction(() => {
    db.exec(`DROP TABLE directory; ALTER TABLE ${staging} RENAME TO directory;`);
    recordImport(db, result);
  })();
  result.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return result;
}

type Row = Record<string, string | null>;

function toEntry(r: Row): DirectoryEntry {
  const e: Record<string, string> = {};
  for (const [k, c] of COLUMNS) if (r[c] !== null && r[c] !== undefined) e[k] = r[c]!;
  return e as unknown as DirectoryEntry;
}

/** Entries matching an RPPS/ADELI, an address or every word of a name (at most `limit`). */
export function lookupDirectory(db: Database.Database, q: LookupQuery, limit = 50): DirectoryEntry[] {
  if (!lastImport(db, 'directory')) return [];
  let rows: Row[];
  if (q.kind === 'nationalId') {
    rows = db.prepare('SELECT * FROM directory WHERE national_id = ? ORDER BY mailbox_type DESC, address_lc LIMIT ?').all(q.value, limit) as Row[];
  } else if (q.kind === 'address') {
    rows = db.prepare('SELECT * FROM directory WHERE address_lc = ? LIMIT ?').all(q.value, limit) as Row[];
  } else {
    const words = q.value.split(' ').filter(Boolean);
    if (!words.length) return [];
    // A LIKE scan: a person types a name a few times a day; an index for this would slow every import.
    const where = words.map(() => `(' ' || search_key || ' ') LIKE ?`).join(' AND ');
    rows = db.prepare(`SELECT * FROM directory WHERE ${where} ORDER BY family_name, given_name, address_lc LIMIT ?`)
      .all(...words.map((w) => `% ${w}%`), limit) as Row[];
  }
  return rows.map(toEntry);
}

/** The directory as routing sees it, or undefined when none was ever imported. */
export function directoryView(db: Database.Database): DirectoryView | undefined {
  const last = lastImport(db, 'directory');
  if (!last) return undefined;
  const stmt = db.prepare('SELECT mailbox_type, address, civility, family_name, given_name, organization FROM directory WHERE national_id = ? ORDER BY mailbox_type DESC, address_lc');
  return {
    label: describeImport('the Annuaire Santé extraction', last),
    candidates(nationalId: string): MailboxCandidate[] {
      return (stmt.all(nationalId) as Row[]).map((r) => ({
        address: r.address!, type: r.mailbox_type!,
        name: [r.civility, r.given_name, r.family_name].filter(Boolean).join(' ') || r.organization || undefined,
      }));
    },
  };
}
