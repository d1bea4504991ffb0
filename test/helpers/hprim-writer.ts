/**
 * A small HPRIM Santé writer for tests: serialises simple reports with any delimiter set, escaping
 * delimiter characters in text and splitting records longer than `maxLength` into `A` continuations.
 */

export interface WrittenResult {
  code: string;
  label: string;
  /** Value exactly as written in OBX 10.6. */
  value: string;
  unit: string;
  /** Range text for OBX 10.8, '' for none. */
  range: string;
  flag: string;
}

export interface WrittenReport {
  patient: { familyName: string; givenName: string; ipp: string; birthDate: string };
  fillerId: string;
  results: WrittenResult[];
  /** OBR 9.17 components (code, family, given, middle, suffix, title, …); default `MED~DR TEST`. */
  prescriber?: string[];
  /** OBR 9.33 components, the validating biologist; default none. */
  validator?: string[];
}

export interface WriterOptions {
  /** Field, component, repetition, escape, sub-component. */
  delimiters?: string;
  eol?: string;
  maxLength?: number;
}

export function writeHprimSante(reports: WrittenReport[], o: WriterOptions = {}): string {
  const dl = o.delimiters ?? '|~^\\&';
  const [F, C, R, E, S] = [...dl] as [string, string, string, string, string];
  const eol = o.eol ?? '\r';
  const max = o.maxLength ?? 220;
  const codes: Record<string, string> = { [F]: 'F', [C]: 'S', [R]: 'R', [E]: 'E', [S]: 'T' };
  const esc = (t: string) => [...t].map((ch) => (codes[ch] ? `${E}${codes[ch]}${E}` : ch)).join('');
  const out: string[] = [];
  const push = (fields: string[]) => {
    let rec = fields.join(F);
    out.push(rec.slice(0, max));
    rec = rec.slice(max);
    while (rec.length) { out.push(`A${F}${rec.slice(0, max - 2)}`); rec = rec.slice(max - 2); }
  };
  const H = `H${dl}`;
  push([H, 'TEST.HPR', '', `LAB${C}Labo test`, '', 'ORU', '', '', '', '', 'P', `H2.2${C}C`, '202401010000']);
  reports.forEach((r, i) => {
    const p = r.patient;
    push(['P', String(i + 1), '', esc(p.ipp), '', `${esc(p.familyName)}${C}${esc(p.givenName)}`, '', p.birthDate, 'U']);
    const obr = ['OBR', '1', '', esc(r.fillerId), `BAT${C}Bilan${C}L`, 'R', '', '202401010800'];
    obr[16] = (r.prescriber ?? ['MED', 'DR TEST']).map(esc).join(C);
    if (r.validator) obr[32] = r.validator.map(esc).join(C);
    obr[25] = 'F';
    push(Array.from(obr, (v) => v ?? ''));
    r.results.forEach((x, k) => {
      push(['OBX', String(k + 1), 'ST', `${esc(x.code)}${C}${esc(x.label)}${C}L`, '', esc(x.value), esc(x.unit), esc(x.range), x.flag, '', '', 'F']);
    });
  });
  push(['L', '1', '', String(reports.length), String(out.length + 1)]);
  return out.join(eol) + eol;
}
