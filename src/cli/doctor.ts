import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { ConfigError, loadConfig, readSecret, type ResolvedConfig } from '../config/load.js';
import { checkCertificate, checkKeyFileMode, checkKeyPair, pemCertificates, type Finding } from '../mail/smtp/certs.js';
import { probeSmtp } from '../mail/smtp/probe.js';
import { smtpTls, type PinnedTls } from '../mail/smtp/tls.js';
import { imapClient } from '../mail/receipts/poller.js';
import { Journal, JOURNAL_FILE } from '../queue/journal.js';
import { lastImport, type ReferenceKind } from '../routing/imports-store.js';
import { EXIT, globals, out } from './context.js';
import { paint } from '../ui/colour.js';
import { t } from '../i18n/index.js';

const m = () => t().doctor;

interface Check extends Finding { section: string }

const problem = (err: unknown) => (err as Error)?.message ?? String(err);

async function smtpChecks(cfg: ResolvedConfig, now: Date): Promise<Finding[]> {
  const smtp = cfg.transport.smtp;
  if (cfg.transport.type !== 'smtp' || !smtp) {
    return [{ level: 'ok', what: m().outbox({ dir: cfg.transport.outbox ?? join(cfg.paths.state, 'outbox') }) }];
  }
  const f: Finding[] = [];
  let tls: PinnedTls;
  try {
    tls = smtpTls(smtp);
  } catch (err) {
    return [{ level: 'fail', what: problem(err), fix: m().fixSmtp }];
  }
  const cas = pemCertificates(tls.ca);
  if (!cas.length) return [{ level: 'fail', what: m().caNoPem({ path: smtp.ca }), fix: m().caNoPemFix }];
  for (const ca of cas) {
    if (new Date(ca.validTo) <= now) f.push({ level: 'fail', what: m().caExpired({ subject: ca.subject.replace(/\n/g, ', '), path: smtp.ca, date: ca.validTo }), fix: m().caExpiredFix });
  }
  f.push({ level: 'ok', what: m().caOk({ path: smtp.ca, n: cas.length }) });

  let pem: X509Certificate | undefined;
  if (smtp.pfx) {
    f.push(checkKeyFileMode(smtp.pfx, m().pfxLabel));
    try {
      createSecureContext({ pfx: tls.pfx, passphrase: tls.passphrase });
      f.push({ level: 'ok', what: m().pfxOk({ path: smtp.pfx }) });
    } catch (err) {
      f.push({ level: 'fail', what: m().pfxBad({ path: smtp.pfx, error: problem(err) }), fix: m().pfxBadFix });
      return f;
    }
  } else if (smtp.cert && smtp.key) {
    pem = pemCertificates(tls.cert as Buffer)[0];
    if (!pem) return [...f, { level: 'fail', what: m().certNoPem({ path: smtp.cert }), fix: m().certNoPemFix }];
    f.push(...checkCertificate(pem, cas, m().clientLabel, now));
    f.push(checkKeyFileMode(smtp.key, m().keyLabel));
    f.push(checkKeyPair(pem, smtp.key, tls.passphrase));
  }

  const where = `${smtp.host}:${smtp.port} (${smtp.implicitTls ? m().implicitTls : 'STARTTLS'})`;
  try {
    const p = await probeSmtp(smtp, tls);
    f.push({ level: 'ok', what: m().tlsOk({ version: p.tlsVersion, where, subject: p.server.subject, until: p.server.validTo }) });
    if (!pem && p.client) f.push(...checkCertificate(p.client, cas, m().clientFromPfx, now));
    if (p.ehloCode === 250) {
      f.push({ level: 'ok', what: m().ehloOk });
      if (!p.dsn) f.push({ level: 'warn', what: m().noDsn, fix: m().noDsnFix });
    } else {
      f.push({ level: 'fail', what: m().refused({ text: p.ehloText }), fix: m().refusedFix });
    }
  } catch (err) {
    const msg = problem(err);
    const fix = /certificate|self.signed|altname|issuer/i.test(msg)
      ? m().tlsVerifyFix
      : m().tlsReachFix;
    f.push({ level: 'fail', what: m().tlsBad({ where, error: msg }), fix });
  }
  return f;
}

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
      const last = lastImport(journal.db, r.kind);
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
  try {
    if (cfg.receipts.imap) readSecret(cfg.receipts.imap.password, 'receipts.imap.password');
  } catch (err) {
    add('imap', [{ level: 'fail', what: problem(err), fix: m().secretFix }]);
  }
  add('smtp', await smtpChecks(cfg, now));
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
