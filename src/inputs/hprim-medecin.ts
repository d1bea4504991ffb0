import type { LabReport, Patient, Practitioner, Quantity, Result, Value } from '../model/labreport.types.js';
import { preview } from './hprim-records.js';
import { Warnings, decodeEntities, decodeHprim, resultStatus } from './hprim-text.js';
import { LineReader } from './lines.js';
import { InputError, type ParseOptions, type ParseResult } from './types.js';
import { IMPOSSIBLE_DATE, flagAsWritten, impossibleDate, notAnIdentifier, parseFlag, parseFrenchDate, parseValue, rangeFromBounds } from './values.js';

/**
 * HPRIM Médecin / "HPRIM texte" (Apicrypt): a 12-line header (13 when the address takes three lines),
 * free text (what the doctor reads), then an optional `****LAB****` … `****FIN****` block of `RES` and
 * `TEX` lines, and `****FINFICHIER****`. Several messages may follow each other in one file.
 */

const MARKERS = ['****LAB****', '****FIN****', '****FINFICHIER****'] as const;
type Marker = (typeof MARKERS)[number];
const DATE = /^\s*\d{2}\/\d{2}\/\d{4}\s*$/;

interface Line { text: string; line: number; terminated: boolean }

class MedecinParser {
  private readonly reader: LineReader;
  private readonly reports: LabReport[] = [];
  private entitiesWarned = false;
  /** Lines read ahead (header detection needs 13) and not used yet. */
  private readonly queue: Line[] = [];

  constructor(text: string, private readonly opts: ParseOptions, private readonly w: Warnings, private readonly charset: string) {
    this.reader = new LineReader(text);
  }

  run(): LabReport[] {
    for (let first = this.skipBlank(); first; first = this.skipBlank()) this.reports.push(this.message(first));
    if (!this.reports.length) throw new InputError({ file: this.opts.file, line: 1 }, 'empty file');
    return this.reports;
  }

  private read(): Line | undefined {
    const queued = this.queue.shift();
    if (queued) return queued;
    const r = this.reader;
    if (!r.next()) return undefined;
    let text = r.text;
    if (text.includes('&')) {
      const decoded = decodeEntities(text);
      if (decoded !== text && !this.entitiesWarned) {
        this.entitiesWarned = true;
        this.w.add({ line: r.line }, 'HTML entities in the text (e.g. "&eacute;") decoded');
      }
      text = decoded;
    }
    return { text, line: r.line, terminated: r.terminated };
  }

  private skipBlank(): Line | undefined {
    for (let l = this.read(); l; l = this.read()) if (l.text.trim() !== '') return l;
    return undefined;
  }

  private marker(l: Line): Marker | undefined {
    const t = l.text.trim();
    const m = MARKERS.find((k) => k === t);
    if (m && t !== l.text) this.w.add({ line: l.line, field: m }, `marker ${m} with spaces around it`);
    return m;
  }

  private message(first: Line): LabReport {
    const header: Line[] = [first];
    while (header.length < 13) {
      const l = this.read();
      if (!l) break;
      header.push(l);
    }
    const report = this.header(header);
    this.body(report);
    return report;
  }

  /** Reads the header; lines read past it go back to the queue. */
  private header(lines: Line[]): LabReport {
    const file = this.opts.file;
    const at = (i: number) => lines[i]?.text ?? '';
    const isDate = (i: number) => DATE.test(at(i));
    // Line 7 is the birth date (may be blank) and line 10 the file date; a 13-line header has one more address line.
    let d: number;
    if (isDate(6) || (isDate(9) && (at(6).trim() === '' || !isDate(7)))) d = 6;
    else if (isDate(7) && isDate(10)) d = 7;
    else {
      throw new InputError({ file, line: lines[6]?.line ?? lines[lines.length - 1]!.line, field: 'header line 7' },
        'not an HPRIM Médecin header: line 7 must be the birth date (JJ/MM/AAAA) and line 10 the file date');
    }
    if (lines.length < d + 6) throw new InputError({ file, line: lines[lines.length - 1]!.line, field: `header line ${lines.length + 1}` }, 'file cut short inside the 12-line header');
    const where = (i: number, name: string) => ({ line: lines[i]!.line, field: `header line ${i + 1} (${name})` });
    const family = at(1).trim();
    if (!family) throw new InputError({ file, ...where(1, 'nom') }, 'no patient family name: no patient identity');
    const patient: Patient = { ids: {}, familyName: family };
    // Line 1 is the patient code, unless the LIS put a fixed-width routing record there (Solabio: 200+ characters).
    const code = at(0).trim();
    const notId = code && notAnIdentifier(code);
    if (notId) this.w.add(where(0, 'code patient'), `line 1 is a routing record, not a patient identifier (${notId}): not used as IPP`);
    else if (code) patient.ids.ipp = code;
    const given = at(2).trim();
    if (given) patient.givenNames = [given];
    const address = lines.slice(3, d - 1).map((l) => l.text.trim()).filter(Boolean);
    const cpCity = at(d - 1).trim();
    const cp = /^(\d{5})(?:\s+(.*))?$/.exec(cpCity);
    if (address.length || cpCity) {
      patient.address = {};
      if (cp) {
        patient.address.postalCode = cp[1]!;
        if (cp[2]?.trim()) patient.address.city = cp[2].trim();
      } else if (cpCity) {
        this.w.add(where(d - 1, 'CP ville'), 'postal code and city line does not start with a 5-digit code; kept as an address line');
        address.push(cpCity);
      }
      if (address.length) patient.address.lines = address;
    }
    const dobText = at(d).trim();
    const dob = this.date(dobText, where(d, 'date de naissance'));
    if (dob) patient.birthDate = dob;
    else this.w.add(where(d, 'date de naissance'), dobText ? 'not a date (JJ/MM/AAAA); left out' : 'no date of birth');
    // The NIR goes where it cannot be mistaken for a qualified INS.
    const nir = at(d + 1).trim();
    if (nir) patient.ids.nir = nir;
    const report: LabReport = {
      source: { format: 'hprim-medecin', file, line: lines[0]!.line, charset: this.charset },
      patient,
      request: {},
      status: 'final',
      chapters: [],
    };
    const filler = at(d + 2).trim();
    const fillerNotId = filler && notAnIdentifier(filler);
    if (fillerNotId) this.w.add(where(d + 2, 'n° de dossier'), `not an identifier (${fillerNotId}): left out`);
    else if (filler) report.request.fillerId = filler;
    const dateText = at(d + 3).trim();
    const date = this.date(dateText, where(d + 3, 'date du dossier'));
    if (date) report.request.reportedAt = date;
    else this.w.add(where(d + 3, 'date du dossier'), `not a date (JJ/MM/AAAA): ${preview(dateText)}; left out`);
    const sender = codeAndName(at(d + 4));
    if (sender) {
      report.lab = { name: sender.name ?? sender.code! };
      if (sender.code) report.lab.code = sender.code;
      report.source!.sender = at(d + 4).trim();
    }
    const receiver = codeAndName(at(d + 5));
    if (receiver) report.prescriber = receiver;
    else this.w.add(where(d + 5, 'destinataire'), 'no receiving doctor');
    // Lines read ahead past a 12-line header belong to the body.
    this.queue.unshift(...lines.slice(d + 6));
    return report;
  }

  /** A header date; an impossible one (`45/13/2026`) quarantines the file. */
  private date(text: string, where: { line: number; field: string }): string | undefined {
    if (impossibleDate(text)) throw new InputError({ file: this.opts.file, ...where }, IMPOSSIBLE_DATE);
    return parseFrenchDate(text);
  }

  private body(report: LabReport): void {
    const text: string[] = [];
    const tex: string[] = [];
    const results: Result[] = [];
    let state: 'text' | 'lab' | 'fin' = 'text';
    let last: Line | undefined;
    let sawFin = false;
    for (let l = this.read(); l; l = this.read()) {
      last = l;
      const m = this.marker(l);
      if (m === '****FINFICHIER****') {
        if (!sawFin) this.w.add({ line: l.line, field: '****FIN****' }, '****FIN**** missing before ****FINFICHIER****');
        state = 'fin';
        last = undefined;
        break;
      }
      if (m === '****LAB****') {
        if (state === 'lab') this.w.add({ line: l.line, field: m }, 'second ****LAB**** marker ignored');
        state = 'lab';
        continue;
      }
      if (m === '****FIN****') { sawFin = true; state = 'fin'; continue; }
      if (state === 'text') { text.push(l.text); continue; }
      if (state === 'fin') {
        if (l.text.trim() === '') continue;
        this.w.add({ line: l.line, field: '****FIN****' }, 'text after ****FIN****; kept at the end of the report text');
        text.push(l.text);
        continue;
      }
      // LAB block
      if (l.text.startsWith('TEX')) {
        if (l.text === 'TEX' || l.text[3] === '|') { tex.push(l.text.slice(4)); continue; }
      }
      if (l.text.startsWith('RES')) { results.push(this.result(l)); continue; }
      if (l.text.trim() === '') continue;
      this.w.add({ line: l.line, field: 'LAB block' }, 'line in the ****LAB**** block is neither RES nor TEX; ignored');
    }
    if (last && state === 'lab') {
      if (!last.terminated) throw new InputError({ file: this.opts.file, line: last.line, field: '****FIN****' }, 'file cut short inside the ****LAB**** block (no ****FIN****, last line has no line end)');
      this.w.add({ line: last.line, field: '****FIN****' }, '****LAB**** block without ****FIN****: read up to the end of the file');
    }
    while (text.length && text[text.length - 1]!.trim() === '') text.pop();
    const body = text.join('\n');
    if (body.trim()) {
      report.text = body;
      // TEX lines usually repeat the free text; one that says something the text does not is kept as a comment.
      const said = body.replace(/\s+/g, ' ');
      const extra = tex.map((x) => x.trim()).filter((x) => x && !said.includes(x.replace(/\s+/g, ' ')));
      if (extra.length) report.comments = [...(report.comments ?? []), ...extra];
    } else if (tex.some((t) => t.trim())) report.text = tex.join('\n').replace(/\s+$/, '');
    if (results.length) {
      report.chapters = [{ label: 'Résultats', batteries: [{ label: 'Résultats', results }] }];
      if (results.some((r) => r.status === 'preliminary')) report.status = 'partial';
      else if (results.some((r) => r.status === 'corrected')) report.status = 'corrected';
    }
  }

  /** `RES|label|code|type|value|unit|low|high|flag|status|value2|unit2|low2|high2` */
  private result(l: Line): Result {
    const f = l.text.split('|');
    const file = this.opts.file;
    if (f[0] !== 'RES' || f.length < 4) {
      throw new InputError({ file, line: l.line, field: 'RES' }, 'result line cannot be split into fields (RES|label|code|type|value|…)');
    }
    const get = (i: number) => f[i] ?? '';
    const label = get(1).trim();
    const code = get(2).trim();
    if (!label && !code) throw new InputError({ file, line: l.line, field: 'RES field 2-3' }, 'result line without label or code');
    const type = get(3).trim().toUpperCase();
    if (type !== 'N' && type !== 'A') this.w.add({ line: l.line, field: 'RES field 4' }, `unknown result type ${preview(type)}; value kept as written`);
    const result: Result = { code: code || label, label: label || code, value: this.value(l, type, get(4), 5) };
    if (result.value.kind === 'none') this.w.add({ line: l.line, field: 'RES field 5' }, 'result without a value');
    const unit = get(5).trim();
    if (unit) result.unit = unit;
    const range = rangeFromBounds(get(6), get(7));
    if (range) result.range = range;
    const flag = parseFlag(get(8));
    if (flag) result.flag = flag;
    const written = flagAsWritten(get(8), flag);
    if (written) result.flagText = written;
    if (!flag && written) this.w.add({ line: l.line, field: 'RES field 9' }, `unknown flag ${preview(get(8))}; kept as written, not coded`);
    const status = resultStatus(get(9));
    if (status) result.status = status;
    else if (get(9).trim()) this.w.add({ line: l.line, field: 'RES field 10' }, `unknown result status ${preview(get(9))}; left out`);
    // Fields 11–14: the same result in a second unit (value, unit, low, high).
    if ([10, 11, 12, 13].some((i) => get(i).trim())) {
      const second: Quantity = { value: this.value(l, type, get(10), 11) };
      if (get(11).trim()) second.unit = get(11).trim();
      const r2 = rangeFromBounds(get(12), get(13));
      if (r2) second.range = r2;
      result.second = second;
    }
    if (f.length > 14) this.w.add({ line: l.line, field: 'RES field 15' }, `${f.length - 14} extra fields after field 14 ignored`);
    return result;
  }

  private value(l: Line, type: string, text: string, field: number): Value {
    const v = parseValue(text);
    if (type === 'N' && v.kind === 'text') this.w.add({ line: l.line, field: `RES field ${field}` }, 'numeric (N) result is not a number; kept as text');
    return v;
  }
}

/** Header lines 11–12: a 10-character code then a name, when the padding says so; else the whole line is the name. */
function codeAndName(line: string): Practitioner | undefined {
  const t = line.trim();
  if (!t) return undefined;
  const meaningful = (s: string) => /[\p{L}\p{N}]/u.test(s);
  const p: Practitioner = {};
  if (line.length > 10 && (/\s/.test(line[9]!) || /\s/.test(line[10]!))) {
    const code = line.slice(0, 10).trim();
    const name = line.slice(10).trim();
    if (code) p.code = code;
    if (meaningful(name)) p.name = name;
  } else if (line.trim().length <= 10) {
    p.code = t;
  } else {
    p.name = t;
  }
  return p.code || p.name ? p : undefined;
}

export function parseHprimMedecin(bytes: Buffer, opts: ParseOptions): ParseResult {
  const w = new Warnings(opts.file);
  const { text, charset } = decodeHprim(bytes, opts, w);
  const reports = new MedecinParser(text, opts, w, charset).run();
  return { format: 'hprim-medecin', charset, reports, warnings: w.done(), holds: [] };
}
