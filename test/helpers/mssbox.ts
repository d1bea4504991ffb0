import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { ImapFlow } from 'imapflow';
import { needsShared, sharedDir } from './paths.js';

/** What `mss-box/start DIR` writes to DIR/mssbox.json (the fields the suite uses). */
export interface MssBox {
  dir: string;
  host: string;
  domain: string;
  password: string;
  ca: string;
  ports: { smtpStarttlsCert: number; smtpsCert: number; submissionPassword: number; imapStarttls: number; imaps: number };
  apps: Record<string, { cert: string; key: string; p12: string }>;
  doctors: string[];
  unknownRecipient: string;
  negativeCerts: { rogue: { cert: string; key: string }; unregistered: { cert: string; key: string } };
}

/**
 * Starts a private mss-box (Postfix + Dovecot on loopback) on its own ports, or skips the test with the
 * reason when ../shared or root is missing. `base` keeps suites that run side by side apart.
 */
export function startBox(t: TestContext, dir: string, base: number): MssBox | undefined {
  const mssbox = needsShared(t, 'mss-box', 'start');
  if (!mssbox) return undefined;
  if (process.getuid?.() !== 0) {
    const msg = 'mss-box needs root (Postfix and Dovecot masters start as root)';
    console.warn(`# SKIPPED: ${msg}`);
    t.skip(msg);
    return undefined;
  }
  return launchBox(dir, base);
}

/** Starts a private mss-box in `dir` on ports `base + 587`, `base + 465`…; the caller has checked ../shared and root. */
export function launchBox(dir: string, base: number): MssBox {
  if (existsSync(join(dir, 'run', 'pids'))) spawnSync(join(sharedDir, 'mss-box', 'stop'), [dir, '--clean'], { stdio: 'ignore' });
  execFileSync(join(sharedDir, 'mss-box', 'start'), [dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      MSSBOX_SMTP_PORT: String(base + 587), MSSBOX_SMTPS_PORT: String(base + 465), MSSBOX_SUBMIT_PORT: String(base + 588),
      MSSBOX_IMAP_PORT: String(base + 143), MSSBOX_IMAPS_PORT: String(base + 993),
    },
  });
  return { dir, ...JSON.parse(readFileSync(join(dir, 'mssbox.json'), 'utf8')) } as MssBox;
}

export function stopBox(box: MssBox | undefined): void {
  if (box) spawnSync(join(sharedDir, 'mss-box', 'stop'), [box.dir, '--clean'], { stdio: 'inherit' });
}

/** Runs `fn` logged in as `user` over IMAPS, verified with the box's CA. */
export async function withImap<T>(box: MssBox, user: string, fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({
    host: box.host, port: box.ports.imaps, secure: true, logger: false,
    auth: { user, pass: box.password }, tls: { ca: readFileSync(box.ca), servername: box.domain, minVersion: 'TLSv1.2' },
  });
  client.on('error', () => {});
  await client.connect();
  try { return await fn(client); } finally { await client.logout().catch(() => {}); }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
