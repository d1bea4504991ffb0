import Database from 'better-sqlite3';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { crypto } from './crypto.js';
import { migrate, schemaVersion, SCHEMA_VERSION, JournalTooNew } from './migrations.js';
import { evidenceCount, journalAbsent, JournalLost } from './integrity.js';
import { allowlistDomains, allowlistPolicy, importAllowlist, type AllowlistImport } from './store/allowlist.js';
import { directoryView, importDirectory, lookupDirectory, type ImportResult } from './store/directory.js';
import { ensureImportsTable, lastImport, type ReferenceImport, type ReferenceKind } from './store/imports.js';
import type { AllowlistCheck } from '../routing/allowlist.js';
import type { DirectoryEntry, DirectoryView, LookupQuery } from '../routing/directory.js';
import { fold, type FindQuery, type FoundReport } from '../find/query.js';

/**
 * The journal: the single source of truth about files, reports, deliveries and what happened to them.
 * Every state change is one transaction together with its event row, so the trail is never behind.
 */

export type FileState = 'claimed' | 'done' | 'quarantined' | 'duplicate';
export type DeliveryState =
  | 'pending' | 'sending' | 'accepted' | 'delivered' | 'read' | 'deferred' | 'bounced' | 'failed' | 'held' | 'cancelled';

export interface FileRow {
  id: number; name: string; sha256: string; size: number; state: FileState; format: string | null;
  spool_path: string; claimed_at: string; finished_at: string | null; error: string | null; warnings: string | null;
}
export interface ReportRow {
  id: number; file_id: number; idx: number; set_id: string; version: number; document_id: string;
  status: string; dossier: string | null; stage: number; json: string; created_at: string;
  /** The CDA's `code/@code` when the version has one (null: PDF only, or journaled before labmss kept it). */
  cda_code: string | null;
}
export interface DeliveryRow {
  /** `recipient` is the one mailbox the message goes to, '' when there is none yet (held: no address). */
  id: number; report_id: number; recipient: string; role: string; stage: number; state: DeliveryState;
  /** Who it is for, for people (a held delivery without an address: the doctor's name and RPPS). */
  label: string | null;
  /** Why it is held (src/gate/hold.ts HoldCode), while it is. */
  hold_code: string | null;
  reason: string | null; message_id: string; eml_path: string | null; eml_sha256: string | null; eml_size: number | null;
  attempts: number; created_at: string; first_attempt_at: string | null; next_attempt_at: string | null;
  updated_at: string; last_reply: string | null; queue_id: string | null; accepted_at: string | null;
  delivered_at: string | null; read_at: string | null;
}
export interface EventRow {
  id: number; at: string; actor: string; kind: string; file_id: number | null; report_id: number | null;
  delivery_id: number | null; from_state: string | null; to_state: string | null; detail: string | null;
}

export interface EventRefs { file?: number; report?: number; delivery?: number }

export const JOURNAL_FILE = 'journal.sqlite';

/**
 * Who did it, for the event trail: the person, the account the command ran as, and the command.
 * Technicians act through `sudo -u labmss`: the account is then always the service's, and the person is
 * what sudo (SUDO_USER) or the login (LOGNAME) says — `alice via labmss (labmss resend)`.
 */
export function defaultActor(command = 'labmss', env: NodeJS.ProcessEnv = process.env): string {
  let user = 'unknown';
  try { user = userInfo().username; } catch { /* no passwd entry in some containers */ }
  const person = [env.SUDO_USER, env.LOGNAME].find((p) => p && p !== user);
  return `${person ? `${person} via ${user}` : user} (${command})`;
}

export class Journal {
  readonly db: Database.Database;
  readonly instanceId: string;
  actor: string;
  private clock: () => Date;

  private constructor(db: Database.Database, actor: string, clock: () => Date) {
    this.db = db;
    this.actor = actor;
    this.clock = clock;
    this.instanceId = this.metaValue('instance') ?? this.initInstance();
  }

  /** Opens (creating if needed) the journal of a state directory. `readonly` for status/log while a daemon runs. */
  static open(stateDir: string, opts: { actor?: string; readonly?: boolean; clock?: () => Date; recovering?: boolean } = {}): Journal {
    const path = join(stateDir, JOURNAL_FILE);
    if (opts.readonly) upgradeBeforeReading(path);
    else if (journalAbsent(path) && !opts.recovering) {
      const proofs = evidenceCount(stateDir);
      if (proofs) throw new JournalLost(stateDir, proofs);
    }
    const db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      try { migrate(db, path); } catch (err) { db.close(); throw err; }
      // Made with the first import otherwise: until then, every file's routing looked up the last import
      // in a table that did not exist, and each failed statement cost a thrown SqliteError.
      ensureImportsTable(db);
    }
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    reusePreparedStatements(db);
    return new Journal(db, opts.actor ?? defaultActor(), opts.clock ?? (() => new Date()));
  }

  close(): void { this.db.close(); }

  now(): string { return this.clock().toISOString(); }

  private metaValue(key: string): string | undefined {
    try {
      return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
    } catch { return undefined; }
  }

  private initInstance(): string {
    // New per state directory, so Message-IDs never collide if a lab starts over with a fresh journal.
    const id = crypto().randomBytes(6).toString('hex');
    this.db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('instance', id);
    return this.metaValue('instance')!;
  }

  tx<T>(fn: () => T): T { return this.db.transaction(fn)(); }

  /** Delivery ids start above `floor` (a journal rebuilt beside the proofs of an earlier one). */
  setDeliveryIdFloor(floor: number): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('delivery_id_floor', String(floor));
  }

  /**
   * An online copy of the journal (SQLite's backup API: consistent while labmss writes), then fsynced.
   * Returns the bytes written.
   */
  async backup(dest: string): Promise<number> {
    await this.db.backup(dest);
    const { openSync, fsyncSync, closeSync, statSync, chmodSync } = await import('node:fs');
    chmodSync(dest, 0o600);
    const fd = openSync(dest, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
    return statSync(dest).size;
  }

  /**
   * Runs `fn` with commits that are atomic and survive a crash of labmss, but may be lost to a power cut
   * (WAL with synchronous NORMAL: no fsync of their own). For steps whose loss only means doing them
   * again: recording a claim whose file is still in incoming/, an attempt, an accepted message (resent
   * then with the same Message-ID). The next full commit makes them durable too, the WAL being in order.
   * Outside any transaction only.
   */
  relaxed<T>(fn: () => T): T {
    // Prepared statements (kept), not db.pragma(), which compiles its statement at every call.
    this.db.prepare('PRAGMA synchronous = NORMAL').run();
    try { return fn(); } finally { this.db.prepare('PRAGMA synchronous = FULL').run(); }
  }

  event(kind: string, refs: EventRefs, detail?: string, states?: { from?: string | null; to?: string | null }): void {
    this.db.prepare(`INSERT INTO events (at, actor, kind, file_id, report_id, delivery_id, from_state, to_state, detail)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(this.now(), this.actor, kind, refs.file ?? null, refs.report ?? null,
      refs.delivery ?? null, states?.from ?? null, states?.to ?? null, detail ?? null);
  }

  // ── files ────────────────────────────────────────────────────────────────────
  /** Relaxed: a claimed file is in incoming/, and files found there are processed again after a crash. */
  addFile(f: { name: string; sha256: string; size: number; spoolPath: string }): number {
    return this.relaxed(() => this.tx(() => {
      const id = Number(this.db.prepare(`INSERT INTO files (name, sha256, size, state, spool_path, claimed_at)
        VALUES (?, ?, ?, 'claimed', ?, ?)`).run(f.name, f.sha256, f.size, f.spoolPath, this.now()).lastInsertRowid);
      this.event('claimed', { file: id }, `${f.name} (${f.size} bytes, sha256 ${f.sha256.slice(0, 12)}…)`, { to: 'claimed' });
      return id;
    }));
  }

  file(id: number): FileRow | undefined {
    return this.db.prepare('SELECT * FROM files WHERE id = ?').get(id) as FileRow | undefined;
  }

  fileBySpoolPath(path: string): FileRow | undefined {
    return this.db.prepare('SELECT * FROM files WHERE spool_path = ?').get(path) as FileRow | undefined;
  }

  /** An earlier file with the same bytes that was processed (not quarantined): the same bytes are never sent twice. */
  processedFileWithHash(sha256: string, exceptId: number): FileRow | undefined {
    return this.db.prepare(`SELECT * FROM files WHERE sha256 = ? AND id <> ? AND state = 'done' ORDER BY id LIMIT 1`)
      .get(sha256, exceptId) as FileRow | undefined;
  }

  filesInState(state: FileState): FileRow[] {
    return this.db.prepare('SELECT * FROM files WHERE state = ? ORDER BY id').all(state) as FileRow[];
  }

  finishFile(id: number, state: Exclude<FileState, 'claimed'>, patch: { format?: string; error?: string; warnings?: unknown[]; spoolPath?: string }, detail?: string): void {
    const prev = this.file(id);
    this.db.prepare(`UPDATE files SET state = ?, finished_at = ?, format = COALESCE(?, format), error = ?, warnings = ?,
      spool_path = COALESCE(?, spool_path) WHERE id = ?`).run(state, this.now(), patch.format ?? null, patch.error ?? null,
      patch.warnings?.length ? JSON.stringify(patch.warnings) : null, patch.spoolPath ?? null, id);
    this.event(state === 'done' ? 'parsed' : state, { file: id }, detail, { from: prev?.state, to: state });
  }

  // ── reports ──────────────────────────────────────────────────────────────────
  /** The latest version of an order (setId), to number the next one. */
  latestVersion(setId: string): { version: number; document_id: string } | undefined {
    return this.db.prepare('SELECT version, document_id FROM reports WHERE set_id = ? ORDER BY version DESC LIMIT 1')
      .get(setId) as { version: number; document_id: string } | undefined;
  }

  addReport(r: Omit<ReportRow, 'id' | 'created_at' | 'cda_code'> & { cda_code?: string | null }): number {
    const id = Number(this.db.prepare(`INSERT INTO reports (file_id, idx, set_id, version, document_id, status, dossier, stage, json, cda_code, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(r.file_id, r.idx, r.set_id, r.version, r.document_id, r.status, r.dossier,
      r.stage, r.json, r.cda_code ?? null, this.now()).lastInsertRowid);
    this.event('report', { file: r.file_id, report: id }, `dossier ${r.dossier ?? '?'} version ${r.version} (${r.status}), stage ${r.stage}`);
    return id;
  }

  report(id: number): ReportRow | undefined {
    return this.db.prepare('SELECT * FROM reports WHERE id = ?').get(id) as ReportRow | undefined;
  }

  reportsSince(since?: string): ReportRow[] {
    return this.db.prepare('SELECT * FROM reports WHERE created_at >= ? ORDER BY id').all(since ?? '') as ReportRow[];
  }

  // ── deliveries ───────────────────────────────────────────────────────────────
  /** A new delivery, `pending` or `held` (with its hold code and reason); `recipient` '' when there is no address. */
  addDelivery(d: { reportId: number; recipient: string; label?: string; role: string; stage: number; state: 'pending' | 'held';
    reason?: string; holdCode?: string; messageIdFor: (id: number) => string }): number {
    const now = this.now();
    // Never below the ids an earlier journal of this directory used: their proofs are named after them.
    const floor = Number(this.metaValue('delivery_id_floor') ?? 0);
    const next = Math.max(floor, (this.db.prepare('SELECT MAX(id) AS m FROM deliveries').get() as { m: number | null }).m ?? 0) + 1;
    const info = this.db.prepare(`INSERT INTO deliveries (id, report_id, recipient, label, role, stage, state, reason, hold_code, message_id,
      created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(next, d.reportId, d.recipient, d.label ?? null, d.role, d.stage, d.state, d.reason ?? null, d.holdCode ?? null,
        `pending-${crypto().randomBytes(8).toString('hex')}`, now, now);
    const id = Number(info.lastInsertRowid);
    this.db.prepare('UPDATE deliveries SET message_id = ? WHERE id = ?').run(d.messageIdFor(id), id);
    this.event('delivery', { report: d.reportId, delivery: id }, `${d.role} ${d.recipient || d.label || '?'}${d.reason ? `: ${d.reason}` : ''}`, { to: d.state });
    return id;
  }

  delivery(id: number): DeliveryRow | undefined {
    return this.db.prepare('SELECT * FROM deliveries WHERE id = ?').get(id) as DeliveryRow | undefined;
  }

  deliveryByMessageId(messageId: string): DeliveryRow | undefined {
    return this.db.prepare('SELECT * FROM deliveries WHERE message_id = ?').get(messageId) as DeliveryRow | undefined;
  }

  deliveriesOfReport(reportId: number): DeliveryRow[] {
    return this.db.prepare('SELECT * FROM deliveries WHERE report_id = ? ORDER BY id').all(reportId) as DeliveryRow[];
  }

  /** Deliveries to hand to the transport now: pending ones, deferred ones whose time has come, and ones caught `sending` by a crash. */
  dueDeliveries(nowIso: string, includeSending: boolean): DeliveryRow[] {
    return this.db.prepare(`SELECT * FROM deliveries WHERE state = 'pending' OR (state = 'deferred' AND next_attempt_at <= ?)
      ${includeSending ? `OR state = 'sending'` : ''} ORDER BY id`).all(nowIso) as DeliveryRow[];
  }

  /**
   * Changes a delivery with its event in one transaction, reading its state inside it: `decide` gives the
   * new state, or undefined to refuse (nothing written). Only the state machine calls this
   * (src/queue/delivery-state.ts `moveDelivery`). Leaving `held` clears the hold code.
   */
  changeDelivery(id: number, decide: (from: DeliveryState) => DeliveryState | undefined, patch: Partial<DeliveryRow>, detail: string | undefined, op: string): boolean {
    return this.tx(() => {
      const row = this.delivery(id);
      const to = row && decide(row.state);
      if (!row || !to) return false;
      const fields = { ...patch, state: to, updated_at: this.now() } as Record<string, unknown>;
      if (to !== 'held' && row.hold_code) fields.hold_code = null;
      const keys = Object.keys(fields);
      this.db.prepare(`UPDATE deliveries SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`)
        .run(...keys.map((k) => fields[k] ?? null), id);
      this.event(to === row.state ? op : to, { report: row.report_id, delivery: id }, detail, { from: row.state, to });
      return true;
    });
  }

  // ── reading ──────────────────────────────────────────────────────────────────
  countsByState(): Record<string, number> {
    const rows = this.db.prepare('SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state').all() as { state: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  /** Deliveries waiting for their first attempt. */
  pendingCount(): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM deliveries WHERE state = 'pending'`).get() as { n: number }).n;
  }

  deliveriesInStates(states: DeliveryState[]): DeliveryRow[] {
    return this.db.prepare(`SELECT * FROM deliveries WHERE state IN (${states.map(() => '?').join(',')}) ORDER BY id`)
      .all(...states) as DeliveryRow[];
  }

  /** Every report and delivery, for the monthly figures. */
  allReports(): ReportRow[] {
    return this.db.prepare('SELECT * FROM reports ORDER BY id').all() as ReportRow[];
  }

  allDeliveries(): DeliveryRow[] {
    return this.db.prepare('SELECT * FROM deliveries ORDER BY id').all() as DeliveryRow[];
  }

  /** Whether an event of this delivery already mentions `text` (a receipt's own Message-ID: not applied twice). */
  eventMentions(deliveryId: number, text: string): boolean {
    return this.db.prepare('SELECT 1 FROM events WHERE delivery_id = ? AND instr(detail, ?) > 0 LIMIT 1').get(deliveryId, text) !== undefined;
  }

  events(filter: { report?: number; delivery?: number; file?: number; since?: string; limit?: number }): EventRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.report !== undefined) {
      where.push('(report_id = ? OR delivery_id IN (SELECT id FROM deliveries WHERE report_id = ?) OR file_id = (SELECT file_id FROM reports WHERE id = ?))');
      args.push(filter.report, filter.report, filter.report);
    }
    if (filter.delivery !== undefined) { where.push('delivery_id = ?'); args.push(filter.delivery); }
    if (filter.file !== undefined) { where.push('file_id = ?'); args.push(filter.file); }
    if (filter.since !== undefined) { where.push('at >= ?'); args.push(filter.since); }
    const sql = `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${filter.limit ? `DESC LIMIT ${Math.floor(filter.limit)}` : ''}`;
    const rows = this.db.prepare(sql).all(...args) as EventRow[];
    return filter.limit ? rows.reverse() : rows;
  }

  // ── reference data: the directory and the allow-list ─────────────────────────
  importAllowlist(path: string): AllowlistImport { return importAllowlist(this.db, path, this.clock); }

  importDirectory(path: string): ImportResult { return importDirectory(this.db, path, this.clock); }

  lastImport(kind: ReferenceKind): ReferenceImport | undefined { return lastImport(this.db, kind); }

  allowlistDomains(): string[] { return allowlistDomains(this.db); }

  /** The allow-list check routing and every transport apply; `needsList`: without an imported list, refuse all. */
  allowlistPolicy(needsList: boolean): { check: AllowlistCheck; warning?: string } { return allowlistPolicy(this.db, needsList); }
  /**
   * The transports' last check before a message leaves, read through this connection at each call: a list
   * imported meanwhile counts at once, and no connection is opened per message.
   */
  allowlistCheck(needsList: boolean): AllowlistCheck { return (address) => allowlistPolicy(this.db, needsList).check(address); }

  directoryView(): DirectoryView | undefined { return directoryView(this.db); }

  /** Directory entries matching a query; `truncated` when there were more than `limit`. */
  lookupDirectory(q: LookupQuery, limit: number): { entries: DirectoryEntry[]; truncated: boolean } {
    const entries = lookupDirectory(this.db, q, limit + 1);
    return { entries: entries.slice(0, limit), truncated: entries.length > limit };
  }

  /** SQLite page cache in KiB (the daemon keeps it small). */
  setCacheKib(kib: number): void { this.db.pragma(`cache_size = -${Math.floor(kib)}`); }
  // ── find, retention, metrics ─────────────────────────────────────────────────
  // (ops: `labmss find`, `show <dossier>`, `labmss purge`, the daemon's /metrics)

  /**
   * Reports whose patient matches every term (folded name, or an exact dossier / IPP / INS / NIR) and the
   * birth date (or its start: `1988-09`), newest first, at most `limit`, with how many matched in all.
   */
  findReports(q: FindQuery, limit: number): { total: number; reports: FoundReport[] } {
    this.db.function('labmss_fold', { deterministic: true }, (text: unknown) => fold(String(text ?? '')));
    const where: string[] = [];
    const args: unknown[] = [];
    for (const term of q.terms) {
      where.push(`(' ' || labmss_fold(coalesce(family, '') || ' ' || coalesce(birth_family, '') || ' ' || coalesce(given, '') || ' ' || coalesce(used_given, '')) || ' ' LIKE ?
        OR dossier = ? OR ipp = ? OR ins = ? OR nir = ?)`);
      args.push(`%${term.name}%`, term.id, term.id, term.id, term.id);
    }
    if (q.birthDate) { where.push('birth_date LIKE ?'); args.push(`${q.birthDate}%`); }
    const rows = this.db.prepare(`WITH p AS (SELECT id, dossier, version, status, stage, created_at,
        json_extract(json, '$.patient.familyName') AS family, json_extract(json, '$.patient.birthFamilyName') AS birth_family,
        json_extract(json, '$.patient.givenNames') AS given, json_extract(json, '$.patient.usedGivenName') AS used_given,
        json_extract(json, '$.patient.birthDate') AS birth_date, json_extract(json, '$.patient.ids.ipp') AS ipp,
        json_extract(json, '$.patient.ids.ins.value') AS ins, json_extract(json, '$.patient.ids.nir') AS nir FROM reports)
      SELECT *, COUNT(*) OVER () AS total FROM p ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`)
      .all(...args, Math.max(1, Math.floor(limit))) as Array<FoundReport & { total: number; given: string | null }>;
    return {
      total: rows[0]?.total ?? 0,
      reports: rows.map(({ total: _total, given, ...r }) => ({ ...r, given: given ? (JSON.parse(given) as string[]).join(' ') : null })),
    };
  }

  /** Every version of a dossier (the LIS's request number), oldest first. */
  reportsOfDossier(dossier: string): ReportRow[] {
    return this.db.prepare('SELECT * FROM reports WHERE dossier = ? ORDER BY id').all(dossier) as ReportRow[];
  }

  /**
   * What retention may remove, as the journal knows it: the .eml of deliveries created before `proofBefore`
   * that nobody is still sending; the input files processed before it; the document folders of reports
   * created before `documentsBefore` with no delivery still to send; quarantined files set aside before
   * `quarantineBefore`. Rows and events stay: the trail and the SHA-256 of each message remain.
   */
  retentionCandidates(cut: { proofBefore: string; documentsBefore: string; quarantineBefore: string }): {
    emls: string[]; inputs: Array<Pick<FileRow, 'spool_path' | 'name' | 'sha256' | 'size'>>; reports: Array<{ set_id: string; version: number }>; quarantined: string[];
  } {
    const open = `('pending', 'sending', 'deferred')`;
    const paths = (sql: string, ...a: unknown[]) => (this.db.prepare(sql).all(...a) as Array<{ p: string }>).map((r) => r.p);
    return {
      emls: paths(`SELECT eml_path AS p FROM deliveries WHERE created_at < ? AND eml_path IS NOT NULL AND state NOT IN ${open}`, cut.proofBefore),
      inputs: this.db.prepare(`SELECT spool_path, name, sha256, size FROM files WHERE finished_at < ? AND state IN ('done', 'duplicate')`)
        .all(cut.proofBefore) as Array<Pick<FileRow, 'spool_path' | 'name' | 'sha256' | 'size'>>,
      reports: this.db.prepare(`SELECT set_id, version FROM reports r WHERE created_at < ?
        AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.report_id = r.id AND d.state IN ${open})`).all(cut.documentsBefore) as Array<{ set_id: string; version: number }>,
      quarantined: paths(`SELECT spool_path AS p FROM files WHERE finished_at < ? AND state = 'quarantined'`, cut.quarantineBefore),
    };
  }

  /** The daemon's gauges: the oldest delivery still waiting to go (pending, deferred, sending) and the last one accepted. */
  queueTimes(): { oldestWaiting: string | null; lastAccepted: string | null } {
    return this.db.prepare(`SELECT (SELECT MIN(created_at) FROM deliveries WHERE state IN ('pending', 'deferred', 'sending')) AS oldestWaiting,
      (SELECT MAX(accepted_at) FROM deliveries) AS lastAccepted`).get() as { oldestWaiting: string | null; lastAccepted: string | null };
  }
}

/**
 * Compiles each SQL text once per connection: the journal runs the same few statements for every file
 * and delivery, and compiling them each time was a visible share of the main thread under load.
 * (No statement here is iterated, so sharing one is safe.)
 */
function reusePreparedStatements(db: Database.Database): void {
  const compiled = new Map<string, Database.Statement>();
  const compile = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    let statement = compiled.get(sql);
    if (!statement) compiled.set(sql, (statement = compile(sql)));
    return statement;
  }) as typeof db.prepare;
}

/**
 * `status`, `log` and `show` open the journal read-only; a journal an older labmss wrote is brought up to
 * date first (briefly writable), so they never misread it. A newer one is refused.
 */
function upgradeBeforeReading(path: string): void {
  const probe = new Database(path, { readonly: true, fileMustExist: true });
  let version: number;
  try { version = schemaVersion(probe); } finally { probe.close(); }
  if (version > SCHEMA_VERSION) throw new JournalTooNew(path, version);
  if (version === SCHEMA_VERSION) return;
  const db = new Database(path, { fileMustExist: true });
  try { db.pragma('busy_timeout = 5000'); migrate(db, path); } finally { db.close(); }
}
