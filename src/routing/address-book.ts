import { readFileSync } from 'node:fs';
import { parseCsv } from '../loinc/csv.js';
import { parseMailbox } from './mailbox.js';

/** The lab's own address book: LIS practitioner code, RPPS or ADELI → MSSanté address. It wins over the directory. */
export interface AddressBookEntry { code?: string; rpps?: string; adeli?: string; address: string; name?: string }

export class AddressBook {
  private readonly byKey = new Map<string, AddressBookEntry>();
  constructor(readonly entries: AddressBookEntry[] = []) {
    for (const e of entries) {
      for (const k of [e.code && `code:${e.code.toUpperCase()}`, e.rpps && `rpps:${e.rpps}`, e.adeli && `adeli:${e.adeli}`]) {
        if (k && !this.byKey.has(k)) this.byKey.set(k, e);
      }
    }
  }

  find(p: { code?: string; rpps?: string; adeli?: string }): AddressBookEntry | undefined {
    return (p.rpps && this.byKey.get(`rpps:${p.rpps}`))
      || (p.adeli && this.byKey.get(`adeli:${p.adeli}`))
      || (p.code && this.byKey.get(`code:${p.code.toUpperCase()}`))
      || undefined;
  }
}


/** Reads a CSV (header `code,rpps,adeli,address,name`, `,` or `;`) or JSON (array of entries) address book. */
export function parseAddressBook(text: string, file: string): AddressBook {
  const entries: AddressBookEntry[] = [];
  const fail: (line: number, msg: string) => never = (line, msg) => { throw new Error(`${file}:${line}: ${msg}`); };
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('[')) {
    let rows: unknown;
    try { rows = JSON.parse(trimmed); } catch (err) { fail(1, `not valid JSON: ${(err as Error).message}`); }
    (rows as unknown[]).forEach((row, i) => {
      const e = row as AddressBookEntry;
      const m = parseMailbox(typeof e?.address === 'string' ? e.address : '');
      if (!m.ok) fail(1, `entry ${i}: "address" must be one email address (${m.reason})`);
      if (!e.code && !e.rpps && !e.adeli) fail(1, `entry ${i}: needs "code", "rpps" or "adeli"`);
      entries.push({ ...e, address: m.address });
    });
    return new AddressBook(entries);
  }
  // RFC 4180 cells: a spreadsheet quotes some ("dr.martin@…", "MARTIN, Jean"); the quotes are not part of the value.
  const firstLine = trimmed.split(/\r?\n/, 1)[0] ?? '';
  const sep = firstLine.includes(';') ? ';' : ',';
  const records = parseCsv(trimmed, file, sep);
  const header = (records[0]?.fields ?? []).map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (col('address') < 0) fail(1, 'header must name an "address" column (and "code", "rpps" or "adeli")');
  for (const { line, fields } of records.slice(1)) {
    if (!fields.join('').trim() || fields[0]!.startsWith('#')) continue;
    const cells = fields.map((c) => c.trim());
    const get = (name: string) => (col(name) >= 0 && cells[col(name)] ? cells[col(name)] : undefined);
    const m = parseMailbox(get('address') ?? '');
    if (!m.ok) fail(line, `"address" must be one email address (${m.reason})`);
    const e: AddressBookEntry = { address: m.address };
    for (const k of ['code', 'rpps', 'adeli', 'name'] as const) { const v = get(k); if (v) e[k] = v; }
    if (!e.code && !e.rpps && !e.adeli) fail(line, 'needs a code, rpps or adeli');
    entries.push(e);
  }
  return new AddressBook(entries);
}

export function loadAddressBook(file: string | undefined): AddressBook {
  if (!file) return new AddressBook();
  return parseAddressBook(readFileSync(file, 'utf8'), file);
}
