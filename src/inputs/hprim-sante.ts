import type { Address, Attachment, Battery, Chapter, LabReport, Patient, Practitioner, Result, Value } from '../model/labreport.types.js';
import { RecordReader, preview, unescapeHprim, type Delimiters, type HprimRecord } from './hprim-records.js';
import { sectionLabel } from './hprim-sections.js';
import { hold, type Hold } from '../gate/hold.js';
import { Warnings, decodeHprim, resultStatus } from './hprim-text.js';
import { InputError, type ParseOptions, type ParseResult } from './types.js';
import { IMPOSSIBLE_DATE, Memo, copyRange, impossibleDate, notAnIdentifier, parseFlag, flagAsWritten, parseRange, parseTimestamp, parseValue } from './values.js';

/**
 * HPRIM Santé 2.x (H/P/OBR/OBX/C/A/L) → one LabReport per patient and request. Field numbers in
 * messages are HPRIM's (`OBX 10.6` = the value), so a technician can find them in the spec.
 */

const CHAPTER: Record<string, number> = { H: 7, P: 8, OBR: 9, OBX: 10, C: 12, L: 14 };

type ReportStatus = LabReport['status'];

/** A practitioner's title as LIS write it, in any component. */
const TITLE = /^(?:dr|docteur|pr|professeur|m|mme|mlle|mr|monsieur|madame)\.?$/i;
/** A given name: one to three words of letters (no digits, no sentence). */
const GIVEN = /^[\p{L}][\p{L}'’.-]+(?: [\p{L}][\p{L}'’.-]*){0,2}$/u;

/** OBX 10.3 value types read as a single value (anything else is warned about). */
const PLAIN_TYPES: ReadonlySet<string> = new Set(['NM', 'ST', 'SN', 'DT', 'TS', 'TN', 'ID', 'IS', 'PN', 'AD', 'CK', 'GC', '']);

interface PatientCtx { patient: Patient; line: number; comments: string[] }
interface ReportCtx {
  report: LabReport;
  patient: PatientCtx;
  chapters: Map<string, Chapter>;
  batteries: Map<string, Battery>;
  statuses: (ReportStatus | undefined)[];
  /** Comments of OBRs that had no battery to carry them. */
  orphanComments: string[];
  /** Identifier (RPPS, else LIS code) of each prescriber the report's OBR records name (field 17) → line where first read. */
  prescribers: Map<string, number>;
}
interface ObrCtx {
  ctx: ReportCtx;
  line: number;
  tests: { code: string; label: string }[];
  section: string;
  comments: string[];
  firstBattery?: Battery;
}

class SanteParser {
  private d!: Delimiters;
  private header: { lab?: LabReport['lab']; sender?: string; messageId?: string } = {};
  private patient: PatientCtx | undefined;
  private patientIndex = 0;
  private obr: ObrCtx | undefined;
  private readonly obrs: ObrCtx[] = [];
  /** Where a C record goes: a list (patient, request) or a result (its list is made on first use). */
  private commentList: string[] | undefined;
  private commentResult: Result | undefined;
  private readonly reports = new Map<string, ReportCtx>();
  private sawL = false;
  /** The H…L message being read: what its L record must count. */
  private message = { line: 0, records: 0, patients: 0 };
  readonly holds: Hold[] = [];
  private readonly timestamps = new Memo(parseTimestamp);
  private readonly ranges = new Memo(parseRange);
  /** Test codes, labels and units repeat on every result: one stored string for each spelling. */
  private readonly names = new Memo((text: string) => text);
  /** The last battery() answer: consecutive results nearly always go to the same battery. */
  private last: { obr: ObrCtx; section: string; testCode: string; battery: Battery } | undefined;

  constructor(private readonly opts: ParseOptions, private readonly w: Warnings, private readonly charset: string) {}

  add(rec: HprimRecord, d: Delimiters): void {
    this.d = d;
    if (this.sawL && rec.type !== 'H') this.w.add({ line: rec.line, field: rec.type }, 'record after the L (end) record');
    if (rec.type === 'H') this.startMessage(rec);
    this.message.records++;
    switch (rec.type) {
      case 'H': return this.onHeader(rec);
      case 'P': this.message.patients++; return this.onPatient(rec);
      case 'OBR': return this.onRequest(rec);
      case 'OBX': return this.onResult(rec);
      case 'C': return this.onComment(rec);
      case 'L': return this.onEnd(rec);
      default: this.w.add({ line: rec.line, field: rec.type }, `record type ${preview(rec.type)} ignored (not used for results)`);
    }
  }

  // ---- field access ----

  private where(rec: HprimRecord, n: number) {
    return { line: rec.line, field: `${rec.type} ${CHAPTER[rec.type] ?? '?'}.${n}` };
  }

  /** Field n (HPRIM numbering); `""` (explicit null) reads as empty with a warning. */
  private f(rec: HprimRecord, n: number): string {
    const v = rec.fields[n - 1] ?? '';
    if (v === '""') { this.w.add(this.where(rec, n), 'explicit null ("") read as empty'); return ''; }
    return v;
  }

  /** Components, unescaped and trimmed in place (one array per field: big files make this hot). */
  private comps(text: string): string[] {
    const parts = text.split(this.d.component);
    for (let i = 0; i < parts.length; i++) parts[i] = parts[i] === '""' ? '' : this.txt(parts[i]!);
    return parts;
  }

  /** Component i (0-based) of a field, as comps() would give it, without splitting the others. */
  private comp(text: string, i: number): string {
    const sep = this.d.component;
    let start = 0;
    for (let k = 0; k < i; k++) {
      const at = text.indexOf(sep, start);
      if (at < 0) return '';
      start = at + 1;
    }
    const end = text.indexOf(sep, start);
    const part = start === 0 && end < 0 ? text : text.slice(start, end < 0 ? text.length : end);
    return part === '""' ? '' : this.txt(part);
  }

  private reps(text: string): string[] {
    return text === '' ? [] : text.split(this.d.repetition);
  }

  private txt(text: string): string {
    return unescapeHprim(text, this.d).trim();
  }

  private time(rec: HprimRecord, n: number, text = this.f(rec, n)): string | undefined {
    if (text.trim() === '') return undefined;
    const t = this.timestamps.get(text);
    if (t === undefined && impossibleDate(text)) throw new InputError({ file: this.opts.file, ...this.where(rec, n) }, IMPOSSIBLE_DATE);
    if (t === undefined) this.w.add(this.where(rec, n), 'not a timestamp (YYYYMMDD[HHMM[SS]]); left out');
    return t;
  }

  /** `text` when it can be an identifier, else '' with a warning naming the field. */
  private id(text: string, rec: HprimRecord, n: number): string {
    const why = text && notAnIdentifier(text);
    if (why) this.w.add(this.where(rec, n), `not an identifier (${why}): left out`);
    return why ? '' : text;
  }

  /**
   * A CNA field (code~family~given~middle~suffix~title~degree…, the HL7 CN order). Many LIS write the
   * whole name in the second component and other things after it (`~DR`, `~Cabinet des Lilas`): a
   * title word is the title wherever it stands, a component that cannot be a given name goes to
   * `details`, and nothing written is dropped. The A continuations are already joined.
   */
  private practitioner(text: string): Practitioner | undefined {
    const [code = '', family = '', ...more] = this.comps(text);
    const p: Practitioner = {};
    if (code) p.code = code;
    let given = '';
    let title = '';
    const details: string[] = [];
    more.forEach((x, i) => {
      // `L` closes a code~name~L triplet (some LIS repeat the triplet): neither it nor a repeat is a name part.
      if (!x || x === 'L' || x === code || x === family) return;
      if (!title && (i === 3 || TITLE.test(x))) title = x;
      else if (i === 0 && GIVEN.test(x)) given = x;
      else if (i === 1 && given && GIVEN.test(x)) given += ` ${x}`;
      else details.push(x);
    });
    if (family && given) { p.familyName = family; p.givenName = given; }
    else if (family) p.name = family;
    if (title) p.title = title;
    if (details.length) p.details = details.join(', ');
    return Object.keys(p).length ? p : undefined;
  }

  // ---- records ----

  private onHeader(rec: HprimRecord): void {
    const sender = this.f(rec, 5);
    const [code = '', name = ''] = this.comps(sender);
    const messageId = this.txt(this.f(rec, 3));
    this.header = {};
    if (code || name) {
      this.header.lab = { name: name || code };
      if (code) this.header.lab.code = code;
      this.header.sender = this.txt(sender);
    }
    if (messageId) this.header.messageId = messageId;
    const type = this.txt(this.f(rec, 7));
    if (type && type !== 'ORU') this.w.add(this.where(rec, 7), `message type ${preview(type)} is not ORU (results); read as results anyway`);
  }

  private onPatient(rec: HprimRecord): void {
    const [family = '', ...given] = this.comps(this.f(rec, 6));
    if (!family) throw new InputError({ file: this.opts.file, ...this.where(rec, 6) }, 'patient without a family name: no patient identity');
    const patient: Patient = { ids: {}, familyName: family };
    const requesterId = this.id(this.comp(this.f(rec, 3), 0), rec, 3);
    const ipp = this.id(this.comp(this.f(rec, 4), 0), rec, 4);
    if (requesterId) patient.ids.requesterId = requesterId;
    if (ipp) patient.ids.ipp = ipp;
    const givenNames = given.slice(0, 2).filter(Boolean);
    if (givenNames.length) patient.givenNames = givenNames;
    const birthName = this.txt(this.f(rec, 7));
    if (birthName) patient.birthFamilyName = birthName;
    const dob = this.time(rec, 8);
    if (dob) patient.birthDate = dob;
    else if (this.f(rec, 8).trim() === '') this.w.add(this.where(rec, 8), 'no date of birth');
    const sex = this.txt(this.f(rec, 9)).toUpperCase();
    if (sex === 'M' || sex === 'F' || sex === 'U') patient.sex = sex;
    else if (sex) this.w.add(this.where(rec, 9), `unknown sex code ${preview(sex)}; left out`);
    const address = this.address(this.f(rec, 11));
    if (address) patient.address = address;
    const phone = this.txt(this.reps(this.f(rec, 13))[0] ?? '');
    if (phone) patient.phone = phone;
    this.patientIndex++;
    this.patient = { patient, line: rec.line, comments: [] };
    this.obr = undefined;
    this.commentTo(this.patient.comments);
  }

  private address(text: string): Address | undefined {
    const [street = '', street2 = '', city = '', , zip = '', country = ''] = this.comps(text);
    const a: Address = {};
    const lines = [street, street2].filter(Boolean);
    if (lines.length) a.lines = lines;
    if (zip) a.postalCode = zip;
    if (city) a.city = city;
    if (country) a.country = country;
    return Object.keys(a).length ? a : undefined;
  }

  private onRequest(rec: HprimRecord): void {
    if (!this.patient) throw new InputError({ file: this.opts.file, line: rec.line, field: 'OBR' }, 'request (OBR) before any patient (P): no patient identity');
    const placerId = this.id(this.comp(this.f(rec, 3), 0), rec, 3);
    const filler = this.comps(this.f(rec, 4));
    // 9.4 is `request id~number`; some LIS fill only the second component.
    const fillerId = this.id(filler.find(Boolean) ?? '', rec, 4);
    const key = `${this.patientIndex}\u0000${fillerId || placerId || `#${rec.line}`}`;
    let ctx = this.reports.get(key);
    if (!ctx) {
      ctx = this.newReport(rec, placerId, fillerId);
      this.reports.set(key, ctx);
    }
    ctx.statuses.push(this.reportStatus(rec));
    const named = this.practitioner(this.reps(this.f(rec, 17))[0] ?? '');
    const id = named?.rpps ?? named?.code;
    if (id && !ctx.prescribers.has(id)) ctx.prescribers.set(id, rec.line);
    const tests: ObrCtx['tests'] = [];
    for (const r of this.reps(this.f(rec, 5))) {
      const code = this.comp(r, 0);
      const label = this.comp(r, 1) || code;
      if (code || label) tests.push({ code, label });
    }
    this.obr = { ctx, line: rec.line, tests, section: this.comp(this.f(rec, 25), 0), comments: [] };
    this.obrs.push(this.obr);
    this.commentTo(this.obr.comments);
  }

  private newReport(rec: HprimRecord, placerId: string, fillerId: string): ReportCtx {
    const p = this.patient!;
    const report: LabReport = {
      source: { format: 'hprim-sante', file: this.opts.file, line: p.line, charset: this.charset },
      patient: copy(p.patient),
      request: {},
      status: 'final',
      chapters: [],
    };
    if (this.header.sender) report.source!.sender = this.header.sender;
    if (this.header.messageId) report.source!.messageId = this.header.messageId;
    if (this.header.lab) report.lab = { ...this.header.lab };
    const req = report.request;
    if (placerId) req.placerId = placerId;
    if (fillerId) req.fillerId = fillerId;
    if (!placerId && !fillerId) this.w.add(this.where(rec, 4), 'request without an id (OBR 9.3 and 9.4 empty)');
    const collected = this.reps(this.f(rec, 8))[0];
    const times: [keyof typeof req & ('prescribedAt' | 'collectedAt' | 'receivedAt' | 'reportedAt'), number, string | undefined][] = [
      ['prescribedAt', 7, undefined], ['collectedAt', 8, collected], ['receivedAt', 15, undefined], ['reportedAt', 23, undefined],
    ];
    for (const [name, n, text] of times) {
      const t = this.time(rec, n, text ?? this.f(rec, n));
      if (t) req[name] = t;
    }
    const priority = this.txt(this.f(rec, 6));
    if (priority) req.priority = priority;
    const prescriber = this.practitioner(this.reps(this.f(rec, 17))[0] ?? '');
    if (prescriber) {
      const phone = this.txt(this.reps(this.f(rec, 18))[0] ?? '');
      if (phone) prescriber.phone = phone;
      report.prescriber = prescriber;
    } else {
      this.w.add(this.where(rec, 17), 'no prescriber');
    }
    const copies = this.reps(this.f(rec, 29)).map((r) => this.practitioner(r)).filter((p): p is Practitioner => !!p);
    if (copies.length) report.copiesTo = copies;
    const validator = this.practitioner(this.f(rec, 33));
    if (validator) report.validator = validator;
    return { report, patient: p, chapters: new Map(), batteries: new Map(), statuses: [], orphanComments: [], prescribers: new Map() };
  }

  private reportStatus(rec: HprimRecord): ReportStatus | undefined {
    const s = this.txt(this.f(rec, 26)).toUpperCase();
    switch (s) {
      case 'F': return 'final';
      case 'C': return 'corrected';
      case 'X': case 'D': return 'cancelled';
      case 'P': case 'I': case 'A': case 'R': case 'S': case 'O': return 'partial';
      case '': this.w.add(this.where(rec, 26), 'no report status; taken from the result statuses'); return undefined;
      default: this.w.add(this.where(rec, 26), `unknown report status ${preview(s)}; taken from the result statuses`); return undefined;
    }
  }

  private onResult(rec: HprimRecord): void {
    const obr = this.obr;
    if (!obr) throw new InputError({ file: this.opts.file, line: rec.line, field: 'OBX' }, 'result (OBX) outside a request (OBR)');
    if (rec.fields.length < 4) throw new InputError({ file: this.opts.file, ...this.where(rec, 4) }, 'result record cut short: no test field');
    const type = this.txt(this.f(rec, 3)).toUpperCase();
    const test = this.f(rec, 4);
    const code = this.comp(test, 0);
    const label = this.comp(test, 1);
    if (!code && !label) throw new InputError({ file: this.opts.file, ...this.where(rec, 4) }, 'result without a test code');
    const rawValue = this.f(rec, 6);
    if (type === 'FIC') { this.attach(rec, obr, rawValue); this.commentTo(undefined); return; }
    const names = this.names;
    const result: Result = { code: names.get(code || label), label: names.get(label || code), value: this.value(rec, type, rawValue) };
    const subId = this.txt(this.f(rec, 5));
    if (subId) result.subId = subId;
    const unit = this.txt(this.f(rec, 7));
    if (unit) result.unit = names.get(unit);
    const range = this.ranges.get(unescapeHprim(this.f(rec, 8), this.d));
    if (range) result.range = copyRange(range);
    const flags = this.f(rec, 9);
    const flagText = flags.indexOf(this.d.repetition) < 0 ? flags : this.reps(flags)[0]!;
    const flag = parseFlag(flagText);
    if (flag) result.flag = flag;
    const written = flagAsWritten(flagText, flag);
    if (written) result.flagText = written;
    if (!flag && written) this.w.add(this.where(rec, 9), `unknown flag ${preview(flagText)}; kept as written, not coded`);
    const statusText = this.f(rec, 12);
    const status = resultStatus(statusText);
    if (status) result.status = status;
    else if (statusText.trim()) this.w.add(this.where(rec, 12), `unknown result status ${preview(statusText)}; left out`);
    if (result.value.kind === 'none' && statusText.trim().toUpperCase() === 'I') result.value.reason = 'en cours';
    const observed = this.time(rec, 15);
    if (observed) result.observedAt = observed;
    const producer = this.f(rec, 16);
    const section = this.comp(producer, 0);
    this.battery(obr, section || obr.section, this.comp(producer, 2)).results.push(result);
    this.commentTo(undefined, result);
  }

  private value(rec: HprimRecord, type: string, raw: string): Value {
    if (raw.indexOf(this.d.repetition) < 0) return this.single(rec, type, raw);
    const reps = this.reps(raw).map((r) => unescapeHprim(r, this.d));
    if (reps.every((r) => r.trim() === '')) return { kind: 'none' };
    switch (type) {
      case 'TX': case 'FT': return { kind: 'text', text: reps.map((r) => r.replace(/\s+$/, '')).join('\n').trim() };
      case 'CE': case 'CWE': return this.coded(raw);
    }
    if (reps.length > 1) {
      // A single-valued type cannot repeat: the separator is nearly always an unescaped `^` (`> 10^5 UFC/ml`).
      this.w.add(this.where(rec, 6), `repetition separator "${this.d.repetition}" in a ${type || 'untyped'} result; value kept as written`);
      return { kind: 'text', text: reps.join(this.d.repetition).trim() };
    }
    return this.plain(rec, type, reps[0]!);
  }

  /** value() for a field without repetitions: the same answers without the per-repetition arrays. */
  private single(rec: HprimRecord, type: string, raw: string): Value {
    const text = unescapeHprim(raw, this.d);
    const trimmed = text.trim();
    if (trimmed === '') return { kind: 'none' };
    switch (type) {
      case 'TX': case 'FT': return { kind: 'text', text: trimmed };
      case 'CE': case 'CWE': return this.coded(raw);
    }
    return this.plain(rec, type, text);
  }

  private coded(raw: string): Value {
    const code = this.comp(raw, 0);
    const label = this.comp(raw, 1);
    const system = this.comp(raw, 2);
    if (!code) return label ? { kind: 'text', text: label } : { kind: 'none' };
    const v: Value = { kind: 'coded', code };
    if (label) v.label = label;
    if (system) v.system = system;
    return v;
  }

  private plain(rec: HprimRecord, type: string, text: string): Value {
    const v = parseValue(text);
    if (type === 'NM' && v.kind !== 'numeric') this.w.add(this.where(rec, 6), 'NM result is not a number; kept as text');
    else if (!PLAIN_TYPES.has(type)) this.w.add(this.where(rec, 3), `unknown value type ${preview(type)}; value kept as written`);
    return v;
  }

  /** FIC: the value names a file sent beside this one (`ACROBAT\X.PDF`, `prog~name~type`). */
  private attach(rec: HprimRecord, obr: ObrCtx, raw: string): void {
    const comps = this.comps(raw);
    const named = comps.length > 1 ? comps[1]! : comps[0]!;
    const filename = named.split(/[\\/]/).pop() ?? '';
    const report = obr.ctx.report;
    if (!filename) throw new InputError({ file: this.opts.file, ...this.where(rec, 6) }, 'file reference (FIC) without a file name');
    const bytes = this.opts.companion?.(filename);
    if (!bytes) {
      this.holds.push(hold('companion-missing', `the report refers to the file ${preview(filename)} (OBX FIC), which is not beside the input`, { where: this.where(rec, 6) }));
      return;
    }
    const ext = filename.toLowerCase().split('.').pop() ?? '';
    const contentType = ext === 'pdf' ? 'application/pdf' : ext === 'txt' ? 'text/plain' : ext === 'rtf' ? 'application/rtf' : ext === 'html' || ext === 'htm' ? 'text/html' : 'application/octet-stream';
    const a: Attachment = { filename, contentType, base64: bytes.toString('base64'), role: ext === 'pdf' ? 'report-pdf' : 'other' };
    (report.attachments ??= []).push(a);
  }

  private battery(obr: ObrCtx, section: string, testCode: string): Battery {
    const last = this.last;
    if (last && last.obr === obr && last.section === section && last.testCode === testCode) return last.battery;
    const battery = this.findBattery(obr, section, testCode);
    this.last = { obr, section, testCode, battery };
    return battery;
  }

  private findBattery(obr: ObrCtx, section: string, testCode: string): Battery {
    const ctx = obr.ctx;
    const chapterKey = section || '';
    let chapter = ctx.chapters.get(chapterKey);
    if (!chapter) {
      chapter = { label: section ? sectionLabel(section) : 'Résultats', batteries: [] };
      if (section) chapter.code = section;
      ctx.chapters.set(chapterKey, chapter);
      ctx.report.chapters.push(chapter);
    }
    // The producer field names the requested test a result belongs to; otherwise a single test is unambiguous.
    const test = obr.tests.find((t) => t.code && t.code === testCode) ?? (obr.tests.length === 1 ? obr.tests[0] : undefined);
    const label = test ? test.label : obr.tests.map((t) => t.label).join(', ') || 'Résultats';
    const key = `${chapterKey}\u0000${test?.code ?? label}\u0000${obr.line}`;
    let battery = ctx.batteries.get(key);
    if (!battery) {
      battery = { label, results: [] };
      if (test?.code) battery.code = test.code;
      ctx.batteries.set(key, battery);
      chapter.batteries.push(battery);
      obr.firstBattery ??= battery;
    }
    return battery;
  }

  private onComment(rec: HprimRecord): void {
    const text = this.reps(this.f(rec, 4)).map((r) => unescapeHprim(r, this.d).replace(/\s+$/, '')).join('\n');
    if (!this.commentList && !this.commentResult) {
      this.w.add({ line: rec.line, field: 'C' }, 'comment with no patient, request or result before it; ignored');
      return;
    }
    if (!text.trim()) return;
    if (this.commentResult) (this.commentResult.comments ??= []).push(text);
    else this.commentList!.push(text);
  }

  private commentTo(list: string[] | undefined, result?: Result): void {
    this.commentList = list;
    this.commentResult = result;
  }

  // ---- end ----

  private startMessage(rec: HprimRecord): void {
    if (this.message.records > 0 && !this.sawL) this.noEnd(rec.line - 1);
    this.message = { line: rec.line, records: 0, patients: 0 };
    this.sawL = false;
  }

  /** L 14.4 counts the patients (P) and 14.5 the lines of the message; a count that disagrees means records were lost. */
  private onEnd(rec: HprimRecord): void {
    this.sawL = true;
    const m = this.message;
    const patients = this.txt(this.f(rec, 4));
    if (/^\d+$/.test(patients) && Number(patients) !== m.patients) {
      this.holds.push(hold('incomplete', `the L record announces ${Number(patients)} patient(s) but the file holds ${m.patients}: records are missing or the file is damaged; check it with the LIS before sending`, { where: this.where(rec, 4) }));
    }
    // Lines as written (A continuations included) or logical records: LIS count either way.
    const lines = this.txt(this.f(rec, 5));
    if (/^\d+$/.test(lines) && Number(lines) !== rec.line - m.line + 1 && Number(lines) !== m.records) {
      this.holds.push(hold('incomplete', `the L record announces ${Number(lines)} lines but the file holds ${rec.line - m.line + 1} (${m.records} records): lines are missing or the file is damaged; check it with the LIS before sending`, { where: this.where(rec, 5) }));
    }
  }

  private noEnd(line: number): void {
    this.holds.push(hold('incomplete', 'no L (end) record: nothing proves the file is complete; check it with the LIS before sending', { where: { line, field: 'L' } }));
  }

  finish(reader: RecordReader, lastLine: number): LabReport[] {
    if (!this.sawL) {
      if (!reader.lastTerminated) {
        throw new InputError({ file: this.opts.file, line: lastLine, field: 'L' },
          'file cut short: no L (end) record and the last record has no line end; it may have been copied while being written');
      }
      this.noEnd(lastLine);
    }
    for (const obr of this.obrs) {
      if (!obr.comments.length) continue;
      if (obr.firstBattery) (obr.firstBattery.comments ??= []).push(...obr.comments);
      else obr.ctx.orphanComments.push(...obr.comments);
    }
    const out: LabReport[] = [];
    for (const ctx of this.reports.values()) {
      const r = ctx.report;
      const comments = [...ctx.patient.comments, ...ctx.orphanComments];
      if (comments.length) r.comments = comments;
      r.status = this.combinedStatus(ctx);
      if (!r.chapters.length && !r.attachments?.length && !this.holds.length) this.w.add({ line: r.source!.line, field: 'OBX' }, 'request with no result');
      if (ctx.prescribers.size > 1) {
        const [a, b] = [...ctx.prescribers.values()];
        this.holds.push(hold('identity-mismatch', `the prescriber is named twice with different identifiers: line ${a} and line ${b} (OBR field 17); a person must say who prescribed`,
          { report: out.length, where: { line: b!, field: 'OBR 17' } }));
      }
      out.push(r);
    }
    if (!out.length) throw new InputError({ file: this.opts.file, line: lastLine }, 'no patient with a request (P and OBR) in the file: nothing to send');
    return out;
  }

  private combinedStatus(ctx: ReportCtx): ReportStatus {
    const given = ctx.statuses.filter((s): s is ReportStatus => !!s);
    if (given.length === ctx.statuses.length) {
      if (given.every((s) => s === 'cancelled')) return 'cancelled';
      if (given.includes('partial')) return 'partial';
      if (given.includes('corrected')) return 'corrected';
      return given.includes('final') ? 'final' : 'cancelled';
    }
    const results = ctx.report.chapters.flatMap((c) => c.batteries.flatMap((b) => b.results));
    if (results.some((r) => r.status === 'preliminary' || r.value.kind === 'none')) return 'partial';
    if (results.some((r) => r.status === 'corrected')) return 'corrected';
    return given.includes('partial') ? 'partial' : 'final';
  }
}

export function parseHprimSante(bytes: Buffer, opts: ParseOptions): ParseResult {
  const w = new Warnings(opts.file);
  const { text, charset } = decodeHprim(bytes, opts, w);
  const reader = new RecordReader(text, opts.file, w);
  const parser = new SanteParser(opts, w, charset);
  for (let rec = reader.next(); rec; rec = reader.next()) parser.add(rec, reader.delimiters!);
  if (!reader.delimiters) throw new InputError({ file: opts.file, line: 1, field: 'H' }, 'empty file: no H record');
  const reports = parser.finish(reader, Math.max(1, reader.physicalLine));
  return { format: 'hprim-sante', charset, reports, warnings: w.done(), holds: parser.holds };
}

/** A deep copy of plain JSON data (what structuredClone gives for it, at a fraction of the cost). */
function copy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copy) as T;
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = copy((v as Record<string, unknown>)[k]);
  return out as T;
}
