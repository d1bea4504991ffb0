import { existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Journal, JOURNAL_FILE } from './journal.js';
import { highestDeliveryId, journalAbsent } from './integrity.js';
import { freeName, fsyncDir, messageHeader, sha256, spoolLayout } from './spool.js';
import { originalName, TAKEN_FOLDER } from '../intake/claim.js';

export interface Recovered {
  /** New deliveries are numbered above this: no proof of the lost journal is ever overwritten. */
  deliveryIdFloor: number;
  /** Processed inputs recorded again by their SHA-256: the same bytes are not sent twice. */
  inputs: number;
  quarantined: number;
  /** Sent messages (`mail/D*.eml`) recorded in the trail with their Message-ID, recipient and SHA-256. */
  proofs: number;
  /** Files the lost journal's process had taken in `export/.labmss/` and not spooled: put back for intake. */
  returned: number;
}

/**
 * Builds a new journal beside the spool of a lost one: what the spool proves is recorded (inputs already
 * processed, files in quarantine, messages sent), so nothing is sent twice and no proof is overwritten.
 * Reports and deliveries themselves cannot be rebuilt (their decisions lived in the journal): the trail
 * says so. Files still in incoming/ are processed by the next run as usual.
 */
export function recoverJournal(stateDir: string, exportDir: string, outbox: string, actor: string): Recovered {
  if (!journalAbsent(join(stateDir, JOURNAL_FILE))) throw new Error(`${join(stateDir, JOURNAL_FILE)} is there: nothing to recover`);
  const layout = spoolLayout(stateDir);
  const journal = Journal.open(stateDir, { actor, recovering: true });
  try {
    const result: Recovered = { deliveryIdFloor: highestDeliveryId(stateDir, outbox), inputs: 0, quarantined: 0, proofs: 0, returned: 0 };
    const files = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('.') && statSync(join(dir, n)).isFile()).sort() : []);
    journal.tx(() => {
      journal.setDeliveryIdFloor(result.deliveryIdFloor);
      journal.event('recover', {}, `journal rebuilt from the spool of a lost one; deliveries numbered from D${result.deliveryIdFloor + 1}; reports and deliveries before it are known only by the proofs below`);
    });
    for (const name of files(layout.done)) {
      const path = join(layout.done, name);
      const bytes = readFileSync(path);
      const id = journal.addFile({ name, sha256: sha256(bytes), size: bytes.length, spoolPath: path });
      journal.tx(() => journal.finishFile(id, 'done', { spoolPath: path }, 'recovered: processed before the journal was lost'));
      result.inputs++;
    }
    for (const name of files(layout.quarantine).filter((n) => !n.endsWith('.error.txt'))) {
      const path = join(layout.quarantine, name);
      const bytes = readFileSync(path);
      const reason = existsSync(`${path}.error.txt`) ? readFileSync(`${path}.error.txt`, 'utf8').trim() : 'quarantined before the journal was lost';
      const id = journal.addFile({ name, sha256: sha256(bytes), size: bytes.length, spoolPath: path });
      journal.tx(() => journal.finishFile(id, 'quarantined', { error: reason, spoolPath: path }, reason));
      result.quarantined++;
    }
    journal.tx(() => {
      for (const name of files(layout.mail).filter((n) => n.endsWith('.eml'))) {
        const raw = readFileSync(join(layout.mail, name));
        journal.event('recovered-proof', {}, `${name}: Message-ID ${messageHeader(raw, 'Message-ID') ?? '?'} to ${messageHeader(raw, 'To') ?? '?'}, ${messageHeader(raw, 'Date') ?? 'no date'}, sha256 ${sha256(raw)}`);
        result.proofs++;
      }
    });
    result.returned = returnTakenFiles(exportDir);
    if (result.returned) journal.tx(() => journal.event('recover', {}, `${result.returned} file(s) taken by the lost journal's process put back in the export folder`));
    return result;
  } finally {
    journal.close();
  }
}

/**
 * Claims are taken under `export/.labmss/<instance>/`, the instance being the journal's: with the journal
 * lost, nobody would finish them. They go back to the export folder under their own names; a file that
 * was already spooled is then recognised as the same bytes and not sent twice.
 */
function returnTakenFiles(exportDir: string): number {
  const root = join(exportDir, TAKEN_FOLDER);
  if (!existsSync(root)) return 0;
  let n = 0;
  for (const instance of readdirSync(root)) {
    const dir = join(root, instance);
    if (!statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir).filter((x) => !x.startsWith('.'))) {
      renameSync(join(dir, name), freeName(exportDir, originalName(name)));
      n++;
    }
    fsyncDir(exportDir);
  }
  return n;
}
