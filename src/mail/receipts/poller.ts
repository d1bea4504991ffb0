import { createRequire } from 'node:module';
import type { ImapFlow } from 'imapflow';
import { ConfigError, readSecret, type ResolvedConfig } from '../../config/load.js';
import type { Imap } from '../../config/config.types.js';
import type { Journal } from '../../queue/journal.js';
import { imapTls } from '../smtp/tls.js';
import { applyReceipt } from './apply.js';
import { parseReceipt } from './parse.js';

export interface PollResult {
  /** Reports applied to deliveries of this journal and moved to the handled folder. */
  handled: number;
  /** Reports that concern no delivery of this journal: left where they are. */
  unmatched: number;
}

/** An IMAP client for the lab's mailbox: TLS (STARTTLS or implicit) verified against the pinned CA, password login. */
// Loaded on first use: commands that never read the mailbox start faster.
const load = createRequire(import.meta.url);

export function imapClient(imap: Imap): ImapFlow {
  const { ImapFlow } = load('imapflow') as typeof import('imapflow');
  const pass = readSecret(imap.password, 'receipts.imap.password');
  if (pass === undefined) throw new ConfigError('receipts.imap.password: the lab mailbox password must come from { "env": … } or { "file": … }');
  const implicit = imap.implicitTls === true;
  return new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: implicit,
    // Credentials never cross the wire in clear: STARTTLS is mandatory when TLS is not implicit.
    doSTARTTLS: implicit ? undefined : true,
    auth: { user: imap.user, pass },
    tls: imapTls(imap),
    logger: false,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 120_000,
  });
}

async function ensureFolder(client: ImapFlow, folder: string): Promise<void> {
  const existing = await client.list();
  if (existing.some((m) => m.path === folder)) return;
  await client.mailboxCreate(folder);
}

/**
 * Reads the lab's mailbox once: every delivery report (DSN) and read report (MDN) that concerns a delivery
 * of this journal is recorded and moved to the handled folder (never deleted). Other mail, and reports
 * about someone else's messages, stay where they are.
 */
export async function pollReceipts(config: ResolvedConfig, journal: Journal): Promise<PollResult> {
  const imap = config.receipts.imap;
  if (!imap) return { handled: 0, unmatched: 0 };
  const client = imapClient(imap);
  client.on('error', () => {});
  await client.connect();
  const result: PollResult = { handled: 0, unmatched: 0 };
  try {
    await ensureFolder(client, config.receipts.handledFolder);
    const lock = await client.getMailboxLock(imap.mailbox ?? 'INBOX');
    try {
      const uids = await client.search({ header: { 'content-type': 'report' } }, { uid: true });
      if (!uids || uids.length === 0) return result;
      const handled: number[] = [];
      for (const msg of await client.fetchAll(uids, { uid: true, source: true }, { uid: true })) {
        const receipt = msg.source ? parseReceipt(msg.source) : undefined;
        if (!receipt) continue;
        if (applyReceipt(journal, receipt).matched) handled.push(msg.uid);
        else result.unmatched++;
      }
      if (handled.length) await client.messageMove(handled, config.receipts.handledFolder, { uid: true });
      result.handled = handled.length;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return result;
}
