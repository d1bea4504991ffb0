import type { Practitioner } from '../model/labreport.types.js';

/**
 * The Annuaire Santé "Extraction_Correspondance_MSSante" file, as values: header mapping, one row per
 * line, the identification nationale of a practitioner, and the choice among several mailboxes.
 * Reading the file into the database lives in the journal layer (src/queue/store/directory.ts).
 */

export type MailboxType = 'PER' | 'ORG' | string;

/** One mailbox line of the extraction, the columns labmss uses. */
export interface DirectoryEntry {
  mailboxType: MailboxType;
  address: string;
  /** `8`+RPPS or `0`+ADELI; empty for an organisation mailbox. */
  nationalId: string;
  idType?: string;
  ppId?: string;
  structureId?: string;
  service?: string;
  civility?: string;
  familyName?: string;
  givenName?: string;
  profession?: string;
  specialty?: string;
  dematerialisation?: string;
  organization?: string;
  postalCode?: string;
  city?: string;
}

/** A mailbox that could receive a practitioner's reports. */
export interface MailboxCandidate { address: string; type: MailboxType; name?: string }

/** What routing sees of the directory: candidates by identification nationale, and which extraction it is. */
export interface DirectoryView {
  candidates(nationalId: string): MailboxCandidate[];
  /** e.g. "the Annuaire Santé extraction of 2025-01-14T03:12", for reasons a person reads. */
  label: string;
}

export const EXTRACTION_COLUMNS = 31;

type Field = keyof DirectoryEntry;

/** Header names (accents, case, spacing and apostrophes folded) → field. */
const HEADER: Array<[RegExp, Field]> = [
  [/^type de bal$/, 'mailboxType'],
  [/^adresse bal$/, 'address'],
  [/^type identifiant pp$/, 'idType'],
  [/^identifiant pp$/, 'ppId'],
  [/^identification nationale pp$/, 'nationalId'],
  [/^identification structure$/, 'structureId'],
  [/^service de rattachement$/, 'service'],
  [/^civilite d'exercice$/, 'civility'],
  [/^nom d'exercice$/, 'familyName'],
  [/^prenom d'exercice$/, 'givenName'],
  [/^libelle profession$/, 'profession'],
  [/^libelle savoir-faire$/, 'specialty'],
  [/^dematerialisation$/, 'dematerialisation'],
  [/^raison sociale structure bal$/, 'organization'],
  [/^code postal structure bal$/, 'postalCode'],
  [/^l6.* structure bal$/, 'city'],
];
const REQUIRED: Field[] = ['mailboxType', 'address', 'nationalId'];

/** Folds a label for comparison: no accents, lower case, single spaces, straight apostrophes. */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[\u2019`]/g, "'").toLowerCase().replace(/\s+/g, ' ').trim();
}

/** A name as searched: upper case, no accents, words separated by one space. */
export function searchKey(...parts: Array<string | undefined>): string {
  const joined = parts.filter(Boolean).join(' ');
  // Most names in the extraction are plain ASCII: skip the Unicode folding for them.
  const folded = /^[\x20-\x7e]*$/.test(joined) ? joined.toLowerCase() : fold(joined);
  return folded.replace(/[^a-z0-9@.]+/g, ' ').trim().toUpperCase();
}

/** Where each field is in a line, and how many columns a line has (the header's count). */
export interface Columns { at: Partial<Record<Field, number>>; pairs: Array<[Field, number]>; count: number }

/**
 * Where each field sits in the 31 columns as the research documents them, used for a field whose header
 * name is spelt differently from what labmss knows (the ANS has renamed headers before).
 */
const DOCUMENTED_POSITION: Partial<Record<Field, number>> = {
  mailboxType: 0, address: 1, idType: 2, ppId: 3, nationalId: 4, structureId: 6, service: 7, civility: 8,
  familyName: 9, givenName: 10, profession: 14, specialty: 16, dematerialisation: 17, organization: 18, city: 27, postalCode: 28,
};

/** Maps the header line to column positions; throws when it is not an MSSanté extraction. */
export function mapHeader(headerLine: string): Columns {
  const names = headerLine.replace(/^\uFEFF/, '').replace(/\r$/, '').split('|').map(fold);
  const at: Columns['at'] = {};
  names.forEach((name, i) => {
    const hit = HEADER.find(([re]) => re.test(name));
    if (hit && at[hit[1]] === undefined) at[hit[1]] = i;
  });
  const byName = new Set(Object.values(at));
  if (names.length === EXTRACTION_COLUMNS) {
    for (const [f, i] of Object.entries(DOCUMENTED_POSITION) as Array<[Field, number]>) {
      if (at[f] === undefined && !byName.has(i)) at[f] = i;
    }
  }
  const missing = REQUIRED.filter((f) => at[f] === undefined);
  if (missing.length) {
    throw new Error(`not an Annuaire Santé MSSanté extraction: the header line lacks ${missing.map((f) => `"${HEADER.find(([, k]) => k === f)![0].source.replace(/[\^$]/g, '')}"`).join(', ')}`);
  }
  const pairs = (Object.entries(at) as Array<[Field, number]>).filter(([f]) => f !== 'address' && f !== 'mailboxType' && f !== 'nationalId');
  return { at, pairs, count: names.length };
}

/** One data line → entry, or the reason it cannot be used. Hot path of the import: no closures, no allocation beyond the entry. */
export function parseLine(line: string, columns: Columns): DirectoryEntry | string {
  const cells = line.split('|');
  if (cells.length !== columns.count) return `${cells.length} columns instead of ${columns.count}`;
  const address = cells[columns.at.address!]!.trim();
  const mailboxType = cells[columns.at.mailboxType!]!.trim().toUpperCase();
  if (!address.includes('@')) return 'no mailbox address';
  if (!mailboxType) return 'no mailbox type';
  const entry: DirectoryEntry = { mailboxType, address, nationalId: cells[columns.at.nationalId!]!.trim() };
  const e = entry as unknown as Record<string, string>;
  for (const [f, i] of columns.pairs) {
    const v = cells[i]!.trim();
    if (v) e[f] = v;
  }
  return entry;
}

/** `…_AAAAMMJJhhmm.zip|txt` → `AAAA-MM-JJThh:mm` (the extraction's own time, lab-local). */
export function extractionDateFromName(name: string): string | undefined {
  const m = /(?:^|[_-])(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(?:\D|$)/.exec(name.replace(/^.*[\\/]/, ''));
  if (!m) return undefined;
  const [, y, mo, d, h, mi] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59) return undefined;
  return `${y}-${mo}-${d}T${h}:${mi}`;
}

const RPPS = /^\d{11}$/;
const ADELI = /^\d[\dAB]\d{7}$/i;

/** The identifications nationales of a practitioner: `8`+RPPS, `0`+ADELI (a number already prefixed is kept). */
export function nationalIdsOf(p: Pick<Practitioner, 'rpps' | 'adeli'>): string[] {
  const ids: string[] = [];
  const rpps = p.rpps?.replace(/\s+/g, '');
  if (rpps) ids.push(/^8\d{11}$/.test(rpps) ? rpps : `8${rpps}`);
  const adeli = p.adeli?.replace(/\s+/g, '').toUpperCase();
  if (adeli) ids.push(/^0\d[\dAB]\d{7}$/.test(adeli) ? adeli : `0${adeli}`);
  return ids;
}

/** What a `directory lookup` argument is: an RPPS, an ADELI, an identification nationale, an address or a name. */
export type LookupQuery =
  | { kind: 'nationalId'; value: string; label: string }
  | { kind: 'address'; value: string; label: string }
  | { kind: 'name'; value: string; label: string };

export function classifyQuery(q: string): LookupQuery {
  const s = q.trim().replace(/\s+/g, ' ');
  const compact = s.replace(/ /g, '');
  if (RPPS.test(compact)) return { kind: 'nationalId', value: `8${compact}`, label: `RPPS ${compact}` };
  if (/^8\d{11}$/.test(compact)) return { kind: 'nationalId', value: compact, label: `RPPS ${compact.slice(1)}` };
  if (ADELI.test(compact)) return { kind: 'nationalId', value: `0${compact.toUpperCase()}`, label: `ADELI ${compact.toUpperCase()}` };
  if (/^0\d[\dAB]\d{7}$/i.test(compact)) return { kind: 'nationalId', value: compact.toUpperCase(), label: `ADELI ${compact.slice(1).toUpperCase()}` };
  if (s.includes('@')) return { kind: 'address', value: s.toLowerCase(), label: s };
  return { kind: 'name', value: searchKey(s), label: `name "${s}"` };
}

export type MailboxPreference = 'PER' | 'ORG' | 'hold';

/**
 * One mailbox for a practitioner, or why not. One candidate is taken; among several, the configured
 * type wins when exactly one candidate has it; otherwise a person chooses.
 */
export function chooseMailbox(candidates: MailboxCandidate[], prefer: MailboxPreference):
  { address: string; candidate: MailboxCandidate } | { ambiguous: MailboxCandidate[] } | { none: true } {
  const unique = new Map<string, MailboxCandidate>();
  for (const c of candidates) if (!unique.has(c.address.toLowerCase())) unique.set(c.address.toLowerCase(), c);
  const list = [...unique.values()];
  if (list.length === 0) return { none: true };
  if (list.length === 1) return { address: list[0]!.address, candidate: list[0]! };
  if (prefer !== 'hold') {
    const preferred = list.filter((c) => c.type === prefer);
    if (preferred.length === 1) return { address: preferred[0]!.address, candidate: preferred[0]! };
  }
  return { ambiguous: list };
}
