import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { JOURNAL_FILE } from '../journal.js';
import { sha256 } from '../spool.js';
import { allowlistChecker, decodeAllowlist, mailboxProblem, parseAllowlist, type AllowlistCheck } from '../../routing/allowlist.js';
import { describeImport, ensureImportsTable, lastImport, recordImport, type ReferenceImport } from './imports.js';

/** The MSSanté allow-list in the journal database, and the policy that applies it. */

export function ensureAllowlistTables(db: Database.Database): void {
  ensureImportsTable(db);
  db.exec(`CREATE TABLE IF NOT EXISTS allowlist_domains (domain TEXT PRIMARY KEY, written TEXT)`);
}

export interface AllowlistImport extends ReferenceImport { invalid: string[] }

/** Replaces the allow-list with the file's domains in one transaction; a file with no domain changes nothing. */
export function importAllowlist(db: Database.Database, path: string, now: () => Date = () => new Date()): AllowlistImport {
  ensureAllowlistTables(db);
  const bytes = readFileSync(path);
  let parsed;
  try {
    parsed = parseAllowlist(decodeAllowlist(bytes));
  } catch (err) {
    throw new Error(`${basename(path)}: ${(err as Error).message}`);
  }
  if (!parsed.domains.length) throw new Error(`${basename(path)}: no valid domain: the allow-list was left as it was`);
  const result: AllowlistImport = {
    kind: 'allowlist', file: path, fileDate: parsed.date ?? null, importedAt: now().toISOString(),
    rows: parsed.domains.length, skipped: parsed.invalid.length, sha256: sha256(bytes), invalid: parsed.invalid,
  };
  const insert = db.prepare('INSERT INTO allowlist_domains (domain, written) VALUES (?, ?)');
  db.transaction(() => {
    db.prepare('DELETE FROM allowlist_domains').run();
    for (const d of parsed.domains) insert.run(d, parsed.written.get(d) ?? null);
    recordImport(db, result);
  })();
  return result;
}

export function allowlistDomains(db: Database.Database): string[] {
  if (!lastImport(db, 'allowlist')) return [];
  return (db.prepare('SELECT domain FROM allowlist_domains ORDER BY domain').all() as { domain: string }[]).map((r) => r.domain);
}

export const NO_ALLOWLIST = 'no MSSanté allow-list imported: run `labmss allowlist import FILE`';

/** Before any list is imported: a transport that needs one sends nothing; the outbox lets everything through. */
export function policyWithoutList(needsList: boolean): { check: AllowlistCheck; warning?: string } {
  if (needsList) return { check: () => NO_ALLOWLIST };
  return { check: mailboxProblem, warning: `${NO_ALLOWLIST}; the outbox transport writes every message anyway` };
}

/**
 * The check routing applies to every address. Without an imported list, the SMTP transport sends
 * nothing (every address is held with the reason); the outbox transport (local use, tests, the example)
 * lets every single valid address through, and `warning` says so for the journal.
 */
export function allowlistPolicy(db: Database.Database, needsList: boolean): { check: AllowlistCheck; warning?: string } {
  const last = lastImport(db, 'allowlist');
  if (!last) return policyWithoutList(needsList);
  const stmt = db.prepare('SELECT 1 FROM allowlist_domains WHERE domain = ?');
  return { check: allowlistChecker({ has: (d) => stmt.get(d) !== undefined }, describeImport('list', last)) };
}

/**
 * The same policy read from the state directory's journal at each call, for the transports' last check
 * before a message leaves: no connection is held open, and a list imported meanwhile counts at once.
 */
export function journalAllowlist(stateDir: string, needsList: boolean): AllowlistCheck {
  const file = join(stateDir, JOURNAL_FILE);
  return (address) => {
    if (!existsSync(file)) return policyWithoutList(needsList).check(address);
    const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
    try { return allowlistPolicy(db, needsList).check(address); } finally { db.close(); }
  };
}
