import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type ResolvedConfig } from '../../src/config/load.js';
import { Journal, type DeliveryState } from '../../src/queue/journal.js';
import { moveDelivery, TRANSITIONS, type DeliveryOp, type DeliveryPatch } from '../../src/queue/delivery-state.js';

/** A state directory with a journal and a resolved config around it, for transport and receipt tests. */
export function tempState(extra: Record<string, unknown> = {}): { dir: string; config: ResolvedConfig; journal: Journal } {
  const dir = mkdtempSync(join(tmpdir(), 'labmss-state-'));
  mkdirSync(join(dir, 'export'));
  const config = resolveConfig({
    lab: { name: 'Laboratoire Test', mailbox: 'labo-test@mss.test' },
    paths: { export: 'export', state: 'state' },
    ...extra,
  }, join(dir, 'labmss.json'));
  mkdirSync(config.paths.state, { recursive: true });
  return { dir, config, journal: Journal.open(config.paths.state, { actor: 'test' }) };
}

/** A CRLF message with the delivery's Message-ID, as compose would write it. */
export function rawMessage(messageId: string, to: string, body = 'Compte rendu en pièce jointe.'): Buffer {
  return Buffer.from([
    'From: Laboratoire Test <labo-test@mss.test>', `To: ${to}`, 'Subject: Compte rendu test', `Message-ID: ${messageId}`,
    'Date: Mon, 23 Nov 2026 18:41:51 +0000', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit', '', body, '.leading dot survives', '',
  ].join('\r\n'), 'utf8');
}

/**
 * Adds pending deliveries (one report) whose .eml is already in the spool, so the dispatcher sends them as
 * they are. Returns the delivery ids. Message-IDs follow the dispatcher's pattern `<labmss.D<id>.<instance>@…>`.
 */
export function addPendingDeliveries(journal: Journal, stateDir: string, recipients: string[]): number[] {
  const fileId = journal.addFile({ name: 'x.json', sha256: 'ab'.repeat(32), size: 2, spoolPath: join(stateDir, 'x.json') });
  const reportId = journal.addReport({ file_id: fileId, idx: 0, set_id: 'set', version: 1, document_id: 'doc', status: 'final', dossier: 'DOS1', stage: 1, json: '{}', cda_code: null });
  return recipients.map((to) => {
    const id = journal.addDelivery({ reportId, recipient: to, role: 'prescriber', stage: 1, state: 'pending',
      messageIdFor: (n) => `<labmss.D${n}.${journal.instanceId}@mss.test>` });
    const d = journal.delivery(id)!;
    const eml = join(stateDir, `D${id}.eml`);
    writeFileSync(eml, rawMessage(d.message_id, to));
    journal.db.prepare('UPDATE deliveries SET eml_path = ? WHERE id = ?').run(eml, id);
    return id;
  });
}

/**
 * Walks a delivery to `to` through the state machine by the operation that leads there from its state,
 * starting an attempt first when `to` follows a hand-over (pending → accepted is pending → sending → accepted).
 */
export function moveTo(journal: Journal, id: number, to: DeliveryState, patch: DeliveryPatch = {}): boolean {
  const opFrom = (from: DeliveryState) => (Object.keys(TRANSITIONS) as DeliveryOp[]).find((o) => TRANSITIONS[o].to === to && TRANSITIONS[o].from.includes(from));
  const from = journal.delivery(id)!.state;
  let op = opFrom(from);
  if (!op && opFrom('sending') && moveDelivery(journal, id, 'startAttempt')) op = opFrom('sending');
  if (!op) throw new Error(`no operation leads from ${from} to ${to}`);
  return moveDelivery(journal, id, op, patch);
}
