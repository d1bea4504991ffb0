import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, readSecret, type ResolvedConfig } from '../config/load.js';
import type { Finding } from '../mail/smtp/certs.js';
import { transportKind } from '../mail/transports.js';
import { imapClient } from '../mail/receipts/poller.js';
import { Journal, JOURNAL_FILE } from '../queue/journal.js';
import type { ReferenceKind } from '../queue/store/imports.js';
import { EXIT, globals, out } from './context.js';
import { placeholdersLeft } from './init.js';
import { folderChecks } from '../intake/checks.js';
import { paint } from '../ui/colour.js';
import { t } from '../i18n/index.js';

const m = () => t().doctor;

interface Check extends Finding { section: string }

const problem = (err: unknown) => (err as Error)?.message ?? String(err);

async function imapChecks(cfg: ResolvedConfig): Promise<Finding[]> {
  const imap = cfg.receipts.imap;
  if (!imap) return [{ level: 'warn', what: m().noImap, fix: m().noImapFix }];
  const where = m().imapWhere({ user: imap.user, host: `${imap.host}:${imap.port}`, tls: imap.implicitTls ? m().implicitTls : 'STARTTLS' });
  try {
    const client = imapClient(imap);
    client.on('error', () => {});
    await client.connect();
    const status = await client.status(imap.mailbox ?? 'INBOX', { messages: true });
    await client.logout();
    return [{ level: 'ok', what: m().imapOk({ where, mailbox: imap.mailbox ?? 'INBOX', n: status ? String(status.messages) : '?' }) }];
  } catch (err) {
    const e = err as Error & { responseText?: string; authenticationFailed?: boolean };
    return [{ level: 'fail', what: `IMAP ${where}: ${e.responseText ?? problem(err)}`, fix: e.authenticationFailed ? m().imapAuthFix : m().imapReachFix }];
  }
}

const REFERENCES: Array<{ kind: ReferenceKind; maxDays: number; command: string }> = [
  { kind: 'directory', maxDays: 7, command: 'labmss directory import Extraction_Correspondance_MSSante_….zip' },
  { kind: 'allowlist', maxDays: 30, command: 'labmss allowlist import listeblanchemssante.xml' },
];

function referenceChecks(cfg: ResolvedConfig, now: Date): Finding[] {
  if (!existsSync(join(cfg.paths.state, JOURNAL_FILE))) {
    return [{ level: 'warn', what: m().noJournal({ state: cfg.paths.state }), fix: REFERENCES.map((r) => r.command).join('; ') }];
  }
  const journal = Journal.open(cfg.paths.state, { readonly: true });
  try {
    return REFERENCES.map((r): Finding => {
      const last = journal.lastImport(r.kind);
      if (!last) return { level: 'warn', what: m().never({ label: m().labels[r.kind] }), fix: r.command };
      const date = last.fileDate ?? last.importedAt;
      const days = Math.floor((now.getTime() - Date.parse(date)) / 86_400_000);
      const what = m().reference({ label: m().labels[r.kind], date: date.slice(0, 16), days, rows: last.rows });
      return days > r.maxDays ? { level: 'warn', what: m().tooOld({ what, days: r.maxDays }), fix: r.command } : { level: 'ok', what };
    });
  } finally {
    journal.close();
  }
}

/** Runs every check; never throws (a failing check is a finding). */
export async function runDoctor(configPath: string | undefined, now = new Date()): Promise<Check[]> {
  const checks: Check[] = [];
  const add = (section: string, fs: Finding[]) => checks.push(...fs.map((f) => ({ section, ...f })));
  let cfg: ResolvedConfig;
  try {
    const loaded = loadConfig(configPath);
    cfg = loaded.config;
    add('config', [{ level: 'ok', what: m().configOk({ file: loaded.file }) }]);
  } catch (err) {
    add('config', [{ level: 'fail', what: problem(err), fix: err instanceof ConfigError ? m().configFix : undefined }]);
    return checks;
  }
  const placeholders = placeholdersLeft(cfg.lab);
  add('lab', placeholders.length
    ? [{ level: 'fail', what: `still the placeholder of \`labmss init\`: ${placeholders.join(', ')}`, fix: 'set the lab\'s real name, FINESS, address and MSSanté mailbox: they are printed on every report sent' }]
    : [{ level: 'ok', what: `lab ${cfg.lab.name}${cfg.lab.finess ? ` (FINESS ${cfg.lab.finess})` : ''}` }]);
  add('folders', folderChecks(cfg));
  try {
    if (cfg.receipts.imap) readSecret(cfg.receipts.imap.password, 'receipts.imap.password');
  } catch (err) {
    add('imap', [{ level: 'fail', what: problem(err), fix: m().secretFix }]);
  }
  add('smtp', await transportKind(cfg).check(now));
  if (!checks.some((c) => c.section === 'imap')) add('imap', await imapChecks(cfg));
  add('references', referenceChecks(cfg, now));
  return checks;
}

const MARK = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;

export function register(program: Command): void {
  program.command('doctor')
    .action(async (_opts, cmd: Command) => {
      const checks = await runDoctor(globals(cmd).config);
      const failed = checks.filter((c) => c.level === 'fail').length;
      const warned = checks.filter((c) => c.level === 'warn').length;
      out(cmd, { ok: failed === 0, checks }, () => [
        ...checks.flatMap((c) => [`${c.level === 'ok' ? MARK.ok : paint(c.level, MARK[c.level])}  [${c.section}] ${c.what}`, ...(c.fix && c.level !== 'ok' ? [`        → ${c.fix}`] : [])]),
        failed ? paint('fail', m().problems({ failed, warned })) : m().allGood({ warned }),
      ]);
      process.exitCode = failed ? EXIT.PROBLEMS : EXIT.OK;
    });
}
