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

interface Check extends Finding { section: string }

const problem = (err: unknown) => (err as Error)?.message ?? String(err);

async function smtpChecks(cfg: ResolvedConfig, now: Date): Promise<Finding[]> {
  const smtp = cfg.transport.smtp;
  if (cfg.transport.type !== 'smtp' || !smtp) {
    return [{ level: 'ok', what: `transport: outbox folder (${cfg.transport.outbox ?? join(cfg.paths.state, 'outbox')}); no operator connection to check` }];
  }
  const f: Finding[] = [];
  let tls: PinnedTls;
  try {
    tls = smtpTls(smtp);
  } catch (err) {
    return [{ level: 'fail', what: problem(err), fix: 'fix transport.smtp (files and passphrase) in the config' }];
  }
  const cas = pemCertificates(tls.ca);
  if (!cas.length) return [{ level: 'fail', what: `transport.smtp.ca ${smtp.ca} holds no PEM certificate`, fix: 'convert the IGC-Santé chain (.p7b) to PEM: openssl pkcs7 -print_certs -in chain.p7b -out ca.pem' }];
  for (const ca of cas) {
    if (new Date(ca.validTo) <= now) f.push({ level: 'fail', what: `CA ${ca.subject.replace(/\n/g, ', ')} in ${smtp.ca} expired on ${ca.validTo}`, fix: 'install the current IGC-Santé chain' });
  }
  f.push({ level: 'ok', what: `pinned CA bundle ${smtp.ca}: ${cas.length} certificate(s)` });

  let pem: X509Certificate | undefined;
  if (smtp.pfx) {
    f.push(checkKeyFileMode(smtp.pfx, 'PKCS#12 bundle'));
    try {
      createSecureContext({ pfx: tls.pfx, passphrase: tls.passphrase });
      f.push({ level: 'ok', what: `PKCS#12 bundle ${smtp.pfx} opens with its passphrase` });
    } catch (err) {
      f.push({ level: 'fail', what: `PKCS#12 bundle ${smtp.pfx} cannot be opened: ${problem(err)}`, fix: 'check transport.smtp.passphrase (env or file) and the bundle' });
      return f;
    }
  } else if (smtp.cert && smtp.key) {
    pem = pemCertificates(tls.cert as Buffer)[0];
    if (!pem) return [...f, { level: 'fail', what: `transport.smtp.cert ${smtp.cert} holds no PEM certificate`, fix: 'point it at the PEM certificate of the application mailbox' }];
    f.push(...checkCertificate(pem, cas, 'client certificate', now));
    f.push(checkKeyFileMode(smtp.key, 'private key'));
    f.push(checkKeyPair(pem, smtp.key, tls.passphrase));
  }

  const where = `${smtp.host}:${smtp.port} (${smtp.implicitTls ? 'implicit TLS' : 'STARTTLS'})`;
  try {
    const p = await probeSmtp(smtp, tls);
    f.push({ level: 'ok', what: `${p.tlsVersion} with ${where}; operator certificate ${p.server.subject} verified against the pinned CA (valid until ${p.server.validTo})` });
    if (!pem && p.client) f.push(...checkCertificate(p.client, cas, 'client certificate (from the PKCS#12 bundle)', now));
    if (p.ehloCode === 250) {
      f.push({ level: 'ok', what: 'client certificate accepted by the operator (EHLO 250 after TLS)' });
      if (!p.dsn) f.push({ level: 'warn', what: 'the operator does not announce DSN: no delivery receipts will come back', fix: 'ask the operator; MSSanté requires DSN (ECO.2.3.1)' });
    } else {
      f.push({ level: 'fail', what: `the operator refused the session after TLS: ${p.ehloText}`, fix: 'install the certificate registered for the application mailbox with the operator (and its key), or ask the operator to register it' });
    }
  } catch (err) {
    const msg = problem(err);
    const fix = /certificate|self.signed|altname|issuer/i.test(msg)
      ? 'the operator\'s certificate does not verify: check transport.smtp.ca (the operator\'s CA chain) and transport.smtp.servername'
      : 'check transport.smtp.host/port and that this machine may reach the operator';
    f.push({ level: 'fail', what: `cannot open a TLS session with ${where}: ${msg}`, fix });
  }
  return f;
}

async function imapChecks(cfg: ResolvedConfig): Promise<Finding[]> {
  const imap = cfg.receipts.imap;
  if (!imap) return [{ level: 'warn', what: 'receipts.imap is not configured: delivery and read receipts are not tracked', fix: 'add receipts.imap (the application mailbox over IMAP)' }];
  const where = `${imap.user} on ${imap.host}:${imap.port} (${imap.implicitTls ? 'implicit TLS' : 'STARTTLS'})`;
  try {
    const client = imapClient(imap);
    client.on('error', () => {});
    await client.connect();
    const status = await client.status(imap.mailbox ?? 'INBOX', { messages: true });
    await client.logout();
    return [{ level: 'ok', what: `IMAP login as ${where}; ${imap.mailbox ?? 'INBOX'} holds ${status ? status.messages : '?'} message(s)` }];
  } catch (err) {
    const e = err as Error & { responseText?: string; authenticationFailed?: boolean };
    return [{ level: 'fail', what: `IMAP ${where}: ${e.responseText ?? problem(err)}`, fix: e.authenticationFailed ? 'check receipts.imap.user and the password secret' : 'check receipts.imap host, port, ca and servername' }];
  }
}

const REFERENCES: Array<{ kind: ReferenceKind; label: string; maxDays: number; command: string }> = [
  { kind: 'directory', label: 'Annuaire Santé extraction', maxDays: 7, command: 'labmss directory import Extraction_Correspondance_MSSante_….zip' },
  { kind: 'allowlist', label: 'MSSanté allow-list', maxDays: 30, command: 'labmss allowlist import listeblanchemssante.xml' },
];

function referenceChecks(cfg: ResolvedConfig, now: Date): Finding[] {
  if (!existsSync(join(cfg.paths.state, JOURNAL_FILE))) {
    return [{ level: 'warn', what: `no journal in ${cfg.paths.state} yet: directory and allow-list not imported`, fix: REFERENCES.map((r) => r.command).join('; ') }];
  }
  const journal = Journal.open(cfg.paths.state, { readonly: true });
  try {
    return REFERENCES.map((r): Finding => {
      const last = lastImport(journal.db, r.kind);
      if (!last) return { level: 'warn', what: `${r.label}: never imported`, fix: r.command };
      const date = last.fileDate ?? last.importedAt;
      const days = Math.floor((now.getTime() - Date.parse(date)) / 86_400_000);
      const what = `${r.label} of ${date.slice(0, 16)} (${days} day(s) old, ${last.rows} rows)`;
      return days > r.maxDays ? { level: 'warn', what: `${what}: older than ${r.maxDays} days`, fix: r.command } : { level: 'ok', what };
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
    add('config', [{ level: 'ok', what: `${loaded.file} is valid` }]);
  } catch (err) {
    add('config', [{ level: 'fail', what: problem(err), fix: err instanceof ConfigError ? 'edit the config (see `labmss schema`)' : undefined }]);
    return checks;
  }
  try {
    if (cfg.receipts.imap) readSecret(cfg.receipts.imap.password, 'receipts.imap.password');
  } catch (err) {
    add('imap', [{ level: 'fail', what: problem(err), fix: 'set the environment variable or create the file the config names' }]);
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
        failed ? paint('fail', `${failed} problem(s) to fix${warned ? `, ${warned} warning(s)` : ''}`) : `all good${warned ? ` (${warned} warning(s))` : ''}`,
      ]);
      process.exitCode = failed ? EXIT.PROBLEMS : EXIT.OK;
    });
}
