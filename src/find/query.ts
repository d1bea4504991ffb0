/**
 * What a technician types to find a patient's reports, turned into what the journal matches. Pure.
 * Names are compared folded (no accents, no case, no punctuation), so "Lègrand" finds LEGRAND and
 * "Elodie" finds Élodie; identifiers (dossier, IPP, INS, NIR) are compared exactly, spaces removed.
 */

/** `Élodie-Marie d'Aubigné` → `elodie marie d aubigne`. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
    .replace(/œ/g, 'oe').replace(/æ/g, 'ae').replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** A report found by `labmss find`: its row's essentials and the patient identity it carries. */
export interface FoundReport {
  id: number; dossier: string | null; version: number; status: string; stage: number; created_at: string;
  family: string | null; birth_family: string | null; given: string | null; used_given: string | null;
  birth_date: string | null; ipp: string | null; ins: string | null; nir: string | null;
}

export interface FindQuery {
  /** Each must match: in the folded names, or equal to an identifier. */
  terms: Array<{ name: string; id: string }>;
  /** `YYYY-MM-DD`, or `YYYY-MM` / `YYYY` for a part. */
  birthDate?: string;
}

/** `15/09/1988`, `15-09-1988`, `1988-09-15`, `09/1988`, `1988` (with --birth-date only) → ISO, or undefined. */
export function isoDate(text: string, yearAlone = false): string | undefined {
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  if (m) return `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
  m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(text);
  if (m) return m[3] ? `${m[1]}-${m[2]}-${m[3]}` : `${m[1]}-${m[2]}`;
  m = /^(\d{1,2})[/.-](\d{4})$/.exec(text);
  if (m) return `${m[2]}-${m[1]!.padStart(2, '0')}`;
  return yearAlone && /^\d{4}$/.test(text) ? text : undefined;
}

/** Words typed after `labmss find`, plus its options: a date among the words is a birth date. */
export function findQuery(words: string[], opts: { birthDate?: string } = {}): FindQuery {
  let birthDate = opts.birthDate !== undefined ? isoDate(opts.birthDate.trim(), true) : undefined;
  if (opts.birthDate !== undefined && !birthDate) throw new RangeError(opts.birthDate);
  const terms: FindQuery['terms'] = [];
  const split = words.flatMap((w) => w.split(/\s+/)).filter(Boolean);
  // An INS or NIR typed in groups (`2 80 01 75 112 233 45`) is one identifier.
  const digits = split.join('');
  if (split.length > 1 && /^\d{13}(\d{2})?$/.test(digits) && split.every((w) => /^\d+$/.test(w))) {
    return { terms: [{ name: digits, id: digits }], birthDate };
  }
  for (const word of split) {
    const date = isoDate(word);
    if (date && !birthDate) { birthDate = date; continue; }
    const name = fold(word);
    if (name) terms.push({ name, id: word.replace(/\s+/g, '') });
  }
  return { terms, birthDate };
}
