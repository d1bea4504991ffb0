import type { Battery, Chapter, Isolate, LabReport, Masking, Patient, Practitioner, Result, Specimen } from '../model/labreport.types.js';
import { applyMeta, recipientOf, senderFinessOf } from './hl7-cisis.js';
import { decodeHl7 } from './hl7-charset.js';
import { localOf, loincOf, readObx } from './hl7-obx.js';
import { patientOf, practitionerOf, validatorOf } from './hl7-people.js';
import { type Coding, Hl7Reader } from './hl7-read.js';
import { chapterOf } from './hl7-sections.js';
import { DEFAULT_DELIMITERS, delimitersOf, Segment } from './hl7-tokens.js';
import { LineReader } from './lines.js';
import { InputError, type ParseOptions, type ParseResult } from './types.js';
import { hold, type Hold } from '../gate/hold.js';

/**
 * HL7 v2.5 ORU^R01 → LabReports: one per patient and order (ORC-4 placer group, else OBR-3/OBR-2),
 * for both French profiles (IHE LAB-3 atomic results, and the CI-SIS profile that carries a CDA with
 * its MSSanté recipients and DMP/MSS flags). Recoverable oddities become warnings; anything that would
 * make a report wrong or incomplete throws an InputError naming the segment and field.
 */
export function parseHl7(bytes: Buffer, opts: ParseOptions): ParseResult {
  const decoded = decodeHl7(bytes);
  let text = decoded.text;
  const r = new Hl7Reader(opts.file, DEFAULT_DELIMITERS, decoded.charset);
  for (const w of decoded.warnings) r.warn(1, 'MSH-18', w);
  if (text.includes('\x0b') || text.includes('\x1c')) {
    // MLLP framing left in a file by a gateway: the frame bytes are not part of any segment.
    text = text.replace(/[\x0b\x1c]/g, '\r');
    r.warn(1, undefined, 'MLLP frame characters (0x0B/0x1C) removed');
  }
  const p = new Hl7Parser(r, opts.file, decoded.charset);
  // One scan of the whole text; segments are searched one by one only when it holds garbage.
  const garbage = CONTROL.test(text);
  let no = 0;
  let last: Segment | undefined;
  let eolWarned = false;
  // CR, LF and CRLF all end a segment (HL7 says CR; the others get a warning); empty lines are not segments.
  const lines = new LineReader(text);
  while (lines.next()) {
    let line = lines.text;
    if (line === '') continue;
    no++;
    if (line.trim() === '') continue;
    const c0 = line.charCodeAt(0);
    if (c0 === 32 || c0 === 9) {
      r.warn(no, undefined, 'spaces before the segment name removed');
      line = line.trimStart();
    }
    const eol = lines.eol;
    if (eol !== '\r' && eol !== '' && !eolWarned) {
      r.warn(no, undefined, `segments end with ${eol === '\n' ? 'LF' : 'CRLF'} instead of CR`);
      eolWarned = true;
    }
    const id = line.slice(0, 3);
    if (id === 'MSH' || id === 'FHS' || id === 'BHS') {
      const d = delimitersOf(line);
      if (!d) throw new InputError({ file: opts.file, line: no, field: `${line.slice(0, 3)}-2` }, 'unusable delimiters in the header segment');
      r.d = d;
    }
    checkSegment(line, no, r, garbage);
    const seg = new Segment(line, no, r.d);
    if (eol === '') checkComplete(seg, r);
    p.segment(seg);
    last = seg;
  }
  if (!last) throw new InputError({ file: opts.file, line: 1 }, 'empty file: no MSH segment');
  const reports = p.finish(last);
  return { format: 'hl7v2', charset: decoded.charset, reports, warnings: r.finish(), holds: p.holds };
}

/** Fewest fields a segment must have when the file ends right after it; fewer means the file was cut. */
const MIN_FIELDS: Record<string, number> = { MSH: 12, PID: 5, ORC: 1, OBR: 4, OBX: 11, SPM: 4, PRT: 4, NTE: 1 };

function checkComplete(seg: Segment, r: Hl7Reader): void {
  r.warn(seg, undefined, 'no end-of-segment character after the last segment');
  const min = MIN_FIELDS[seg.id];
  if (min !== undefined && seg.lastField < min) {
    throw new InputError({ file: r.file, line: seg.no, field: `${seg.id}-${seg.lastField}` }, `the file ends in the middle of the ${seg.id} segment (${seg.id}-${min} missing): truncated`);
  }
}

/** A segment name, then the field separator (or nothing); no control characters. */
/** `[A-Z][A-Z0-9]{2}`, tested on every segment of a file. */
function isSegmentId(id: string): boolean {
  if (id.length !== 3) return false;
  for (let i = 0; i < 3; i++) {
    const c = id.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (i > 0 && c >= 48 && c <= 57))) return false;
  }
  return true;
}

const CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\uFFFD]/;

function checkSegment(line: string, no: number, r: Hl7Reader, garbage: boolean): void {
  const id = line.slice(0, 3);
  if (!isSegmentId(id) || (line.length > 3 && line.charAt(3) !== r.d.field)) {
    throw new InputError({ file: r.file, line: no }, 'not an HL7 segment (a line break inside a field, or a damaged file)');
  }
  const bad = garbage ? CONTROL.exec(line) : null;
  if (bad) {
    const before = line.slice(0, bad.index).split(r.d.field).length - 1;
    const field = id === 'MSH' || id === 'FHS' || id === 'BHS' ? before + 1 : before;
    const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new InputError({ file: r.file, line: no, field: `${id}-${field}` }, `garbage in the file: control character U+${code}`);
  }
}

interface ReportState {
  report: LabReport;
  chapters: Map<string, Chapter>;
  resultStatuses: Set<string>;
  batteryStatuses: Set<string>;
  orderControls: Set<string>;
  masking: Masking;
  firstNo: number;
  /** RPPS of each prescriber the report's orders name → where it was first read (segment and field). */
  prescribers: Map<string, { line: number; field: string }>;
}

interface BatteryState {
  battery: Battery;
  state: ReportState;
  placer: string;
  filler: string;
  /** Each result's OBX-3 codes, to find the parent of a microbiology child order. */
  codes: Map<Result, Coding[]>;
  isolates: Map<Result, Isolate>;
  /** Set for a susceptibility (child) order: where its results go. */
  isolate?: Isolate;
}

/** Walks the segments of one file, keeping only what the reports need. */
class Hl7Parser {
  private reports: ReportState[] = [];
  private msh?: Segment;
  private patient?: { pid: Segment; value: Patient; comments: string[]; reports: Map<string, ReportState>; batteries: BatteryState[] };
  private order?: { control: string; group: string; placer: string; filler: string; line: number; provider?: Practitioner };
  private battery?: BatteryState;
  /** Where the next NTE goes: a list, or an object whose `comments` list is made on first use. */
  private notes?: string[] | { comments?: string[] };
  private orderNotes: string[] = [];
  private batches: { seg: Segment; count: number }[] = [];
  /** Holds the file itself calls for: batch counts that disagree, two prescribers with different RPPS. */
  readonly holds: Hold[] = [];
  /** The TX/FT result the previous OBX gave: an OBX right after it with no OBX-3 continues its text. */
  private lastText?: Result;
  private firstCharset?: string;

  constructor(private r: Hl7Reader, private file: string, private charset: string) {}

  segment(seg: Segment): void {
    const r = this.r;
    if (seg.id !== 'OBX') this.lastText = undefined;
    if (!this.msh && !['MSH', 'FHS', 'BHS', 'FTS', 'BTS'].includes(seg.id)) {
      throw new InputError({ file: this.file, line: seg.no }, `${seg.id} segment before any MSH: not an HL7 message`);
    }
    switch (seg.id) {
      case 'FHS': this.batches.push({ seg, count: 0 }); return;
      case 'BHS': for (const b of this.batches) if (b.seg.id === 'FHS') b.count++; this.batches.push({ seg, count: 0 }); return;
      case 'FTS': case 'BTS': return this.closeBatch(seg);
      case 'MSH': return this.startMessage(seg);
      case 'PID': {
        this.order = undefined; this.battery = undefined;
        const value = patientOf(seg, r);
        if (!value.ids.ipp && !value.ids.ins) r.warn(seg, 'PID-3', 'no patient identifier (IPP or INS)');
        this.patient = { pid: seg, value, comments: [], reports: new Map(), batteries: [] };
        this.notes = this.patient.comments;
        return;
      }
      case 'ORC': {
        this.battery = undefined;
        const provider = seg.reps(12)[0] && practitionerOf(seg.reps(12)[0]!, seg, 'ORC-12', r);
        this.order = { control: r.get(seg, 1).trim().toUpperCase(), group: r.get(seg, 4).trim(), placer: r.get(seg, 2).trim(), filler: r.get(seg, 3).trim(), line: seg.no };
        if (provider) this.order.provider = provider;
        // A note between ORC and OBR belongs to the order: kept until the OBR makes its battery.
        this.orderNotes = [];
        this.notes = this.orderNotes;
        return;
      }
      case 'OBR': return this.startBattery(seg);
      case 'OBX': return this.observation(seg);
      case 'NTE': return this.note(seg);
      case 'SPM': return this.specimen(seg);
      case 'PRT': return this.participant(seg);
      default: return;
    }
  }

  /** BTS-1 counts the batch's messages, FTS-1 the file's batches: a count that disagrees means some were lost. */
  private closeBatch(seg: Segment): void {
    const open = this.batches.pop();
    const header = seg.id === 'FTS' ? 'FHS' : 'BHS';
    if (!open || open.seg.id !== header) throw new InputError({ file: this.file, line: seg.no, field: seg.id }, `${seg.id} without its ${header}`);
    const declared = this.r.get(seg, 1).trim();
    const what = seg.id === 'BTS' ? 'messages' : 'batches';
    if (/^\d+$/.test(declared) && Number(declared) !== open.count) {
      this.holds.push(hold('incomplete', `the ${seg.id === 'BTS' ? 'batch' : 'file'} trailer announces ${Number(declared)} ${what} but the ${seg.id === 'BTS' ? 'batch' : 'file'} holds ${open.count}: some were lost or the file is damaged; check it with the LIS before sending`, { where: { line: seg.no, field: `${seg.id}-1` } }));
    }
  }

  private startMessage(msh: Segment): void {
    this.endMessage();
    const r = this.r;
    for (const b of this.batches) if (b.seg.id === 'BHS') b.count++;
    this.msh = msh;
    this.patient = undefined; this.order = undefined; this.battery = undefined; this.notes = undefined;
    const type = r.get(msh, 9).trim().toUpperCase();
    if (type && type !== 'ORU') r.warn(msh, 'MSH-9', `message type ${type} is not ORU: read as results anyway`);
    const cs = r.get(msh, 18).trim();
    if (this.firstCharset === undefined) this.firstCharset = cs;
    else if (cs !== this.firstCharset) r.warn(msh, 'MSH-18', `charset "${cs}" differs from the first message's "${this.firstCharset}": the file was read as ${this.charset}`);
  }

  private endMessage(): void {
    if (this.msh && !this.patient) {
      throw new InputError({ file: this.file, line: this.msh.no, field: 'PID' }, 'message without a PID segment: no patient identity');
    }
  }

  private reportFor(obr: Segment): ReportState {
    const r = this.r;
    const patient = this.patient!;
    const key = this.order?.group || r.get(obr, 3).trim() || r.get(obr, 2).trim() || this.order?.filler || this.order?.placer || '';
    let state = patient.reports.get(key);
    if (state) return state;
    const msh = this.msh!;
    const report: LabReport = {
      source: { format: 'hl7v2', file: this.file, line: obr.no, charset: this.charset },
      patient: patient.value,
      request: {},
      status: 'final',
      chapters: [],
    };
    const sender = r.get(msh, 4).trim() || r.get(msh, 3).trim();
    if (sender) { report.source!.sender = sender; report.lab = { name: sender }; }
    const messageId = r.get(msh, 10).trim();
    if (messageId) report.source!.messageId = messageId;
    if (patient.comments.length) report.comments = [...patient.comments];
    state = { report, chapters: new Map(), resultStatuses: new Set(), batteryStatuses: new Set(), orderControls: new Set(), masking: {}, firstNo: obr.no, prescribers: new Map() };
    patient.reports.set(key, state);
    this.reports.push(state);
    return state;
  }

  private startBattery(obr: Segment): void {
    const r = this.r;
    if (!this.patient) throw new InputError({ file: this.file, line: obr.no, field: 'PID' }, 'OBR before any PID: no patient identity');
    const parent = this.parentOf(obr);
    const state = parent?.state ?? this.reportFor(obr);
    const report = state.report;
    if (this.order?.control) state.orderControls.add(this.order.control);
    const req = report.request;
    const placer = r.get(obr, 2).trim() || this.order?.placer || '';
    const filler = r.get(obr, 3).trim() || this.order?.filler || '';
    if (placer && !req.placerId) { const id = r.id(placer, obr, 'OBR-2'); if (id) req.placerId = id; }
    if (filler && !req.fillerId) { const id = r.id(filler, obr, 'OBR-3'); if (id) req.fillerId = id; }
    const setTime = (key: 'prescribedAt' | 'collectedAt' | 'receivedAt' | 'reportedAt', n: number) => {
      const t = r.time(obr, n);
      if (t && !req[key]) req[key] = t;
    };
    setTime('prescribedAt', 6); setTime('collectedAt', 7); setTime('receivedAt', 14); setTime('reportedAt', 22);
    const fromObr = obr.reps(16)[0] ? practitionerOf(obr.reps(16)[0]!, obr, 'OBR-16', r) : undefined;
    const prescriber = fromObr || this.order?.provider;
    if (prescriber && !report.prescriber) report.prescriber = prescriber;
    if (fromObr?.rpps) state.prescribers.set(fromObr.rpps, state.prescribers.get(fromObr.rpps) ?? { line: obr.no, field: 'OBR-16' });
    const fromOrc = this.order?.provider;
    if (fromOrc?.rpps) state.prescribers.set(fromOrc.rpps, state.prescribers.get(fromOrc.rpps) ?? { line: this.order!.line, field: 'ORC-12' });
    for (const rep of obr.reps(28)) {
      const copy = practitionerOf(rep, obr, 'OBR-28', r);
      if (copy && !(report.copiesTo ??= []).some((c) => JSON.stringify(c) === JSON.stringify(copy))) report.copiesTo!.push(copy);
    }
    const validator = validatorOf(obr, r);
    if (validator && !report.validator) report.validator = validator;
    const obrStatus = r.get(obr, 25).trim().toUpperCase();
    if (obrStatus) state.batteryStatuses.add(obrStatus);

    if (parent) {
      if (this.orderNotes.length) { (parent.isolate.comments ??= []).push(...this.orderNotes); this.orderNotes = []; }
      this.battery = { ...parent, isolate: parent.isolate };
      this.notes = parent.isolate;
      return;
    }
    const codings = r.codings(obr, 4);
    const loinc = loincOf(codings);
    const local = localOf(codings);
    const battery: Battery = { label: (local?.label || codings.find((c) => c.label)?.label || local?.code || loinc || '').trim(), results: [] };
    const code = local?.code ?? loinc;
    if (code) battery.code = code;
    if (loinc) battery.loinc = loinc;
    if (!codings.length) r.warn(obr, 'OBR-4', 'battery without an identifier');
    const status = batteryStatus(obrStatus);
    if (status) battery.status = status;
    const chapter = chapterOf(r.get(obr, 24).trim());
    let ch = state.chapters.get(chapter.code ?? '');
    if (!ch) { ch = { ...chapter, batteries: [] }; state.chapters.set(chapter.code ?? '', ch); }
    ch.batteries.push(battery);
    if (this.orderNotes.length) { battery.comments = this.orderNotes; this.orderNotes = []; }
    this.battery = { battery, state, placer, filler, codes: new Map(), isolates: new Map() };
    this.patient.batteries.push(this.battery);
    this.notes = battery;
  }

  /** For a susceptibility order (OBR-26/OBR-29): the parent battery and the isolate it is about. */
  private parentOf(obr: Segment): (BatteryState & { isolate: Isolate }) | undefined {
    const r = this.r;
    if (obr.raw(26) === '' && obr.raw(29) === '') return undefined;
    const parentPlacer = r.get(obr, 29, 1).trim();
    const parentFiller = r.get(obr, 29, 2).trim();
    const resultCode = r.get(obr, 26, 1).trim();
    const subId = r.get(obr, 26, 2).trim();
    const candidates = [...this.patient!.batteries].reverse();
    const parent = candidates.find((b) => (parentFiller && b.filler === parentFiller) || (parentPlacer && b.placer === parentPlacer))
      ?? candidates.find((b) => [...b.codes.values()].some((codes) => codes.some((c) => c.code === resultCode)));
    if (!parent) {
      r.warn(obr, 'OBR-29', 'parent order of this susceptibility panel not found: read as an ordinary battery');
      return undefined;
    }
    let organismResult: Result | undefined;
    for (const [res, codes] of parent.codes) if (codes.some((c) => c.code === resultCode) && (res.subId ?? '') === subId) organismResult = res;
    if (organismResult && parent.isolates.has(organismResult)) return { ...parent, isolate: parent.isolates.get(organismResult)! };
    let isolate: Isolate;
    if (organismResult) {
      const v = organismResult.value;
      const organism = v.kind === 'coded' ? { code: v.code, ...(v.label ? { label: v.label } : {}), ...(v.system ? { system: v.system } : {}) }
        : { code: '', label: v.kind === 'text' ? v.text : (organismResult.label) };
      isolate = { organism };
      if (subId) isolate.number = subId;
      if (organismResult.comments) isolate.comments = organismResult.comments;
      parent.battery.results.splice(parent.battery.results.indexOf(organismResult), 1);
      parent.isolates.set(organismResult, isolate);
    } else {
      const described = r.get(obr, 26, 3).trim();
      if (!described) {
        r.warn(obr, 'OBR-26', 'isolate of this susceptibility panel not found in the parent results: read as an ordinary battery');
        return undefined;
      }
      isolate = { organism: { code: '', label: described } };
      if (subId) isolate.number = subId;
    }
    (parent.battery.isolates ??= []).push(isolate);
    return { ...parent, isolate };
  }

  private observation(obx: Segment): void {
    const r = this.r;
    if (!this.battery) throw new InputError({ file: this.file, line: obx.no, field: 'OBR' }, 'OBX outside an order: no OBR before it');
    const b = this.battery;
    const state = b.state;
    if (this.lastText && this.continues(obx)) return;
    const o = readObx(obx, r);
    const type = r.get(obx, 2).trim().toUpperCase();
    this.lastText = o.kind === 'result' && (type === 'TX' || type === 'FT') ? o.result : undefined;
    if (o.kind === 'meta') {
      if (o.valueType !== 'ED') applyMeta(state.masking, o.code, o.value, obx, r);
      this.notes = undefined;
      return;
    }
    if (o.kind === 'attachment') {
      const list = (state.report.attachments ??= []);
      const same = list.filter((a) => a.role === o.attachment.role).length;
      if (same > 0) o.attachment.filename = o.attachment.filename.replace('.', `-${same + 1}.`);
      list.push(o.attachment);
      if (o.status) state.resultStatuses.add(o.status);
      this.notes = undefined;
      return;
    }
    if (o.status) state.resultStatuses.add(o.status);
    const result = o.result;
    if (b.isolate) {
      const iso = b.isolate;
      if (o.interpretation) {
        const local = localOf(o.codings) ?? o.codings[0]!;
        const s: NonNullable<Isolate['susceptibility']>[number] = {
          antibiotic: { code: local.code, ...(local.label ? { label: local.label } : {}), ...(local.system ? { system: local.system } : {}) },
          interpretation: o.interpretation,
        };
        if (result.loinc) s.loinc = result.loinc;
        const interpretationOnly = result.value.kind === 'coded' || (result.value.kind === 'text' && result.value.text.trim().toUpperCase() === o.interpretation);
        if (!interpretationOnly && result.value.kind !== 'none') s.mic = { value: result.value, ...(result.unit ? { unit: result.unit } : {}) };
        (iso.susceptibility ??= []).push(s);
        this.notes = iso;
      } else {
        (iso.results ??= []).push(result);
        this.notes = result;
      }
      return;
    }
    b.battery.results.push(result);
    b.codes.set(result, o.codings);
    this.notes = result;
  }

  /**
   * Some LIS cut a long narrative into several OBX and give the identifier only on the first: an OBX
   * without OBX-3, of a text type (or none), right after a TX/FT result is the next lines of that text.
   */
  private continues(obx: Segment): boolean {
    const r = this.r;
    const type = r.get(obx, 2).trim().toUpperCase();
    if (obx.raw(3).trim() !== '' || !(type === '' || type === 'TX' || type === 'FT')) return false;
    const result = this.lastText!;
    const more = obx.reps(5).map((rep) => r.text(rep, obx, 'OBX-5')).join('\n');
    const before = result.value.kind === 'text' ? result.value.text : '';
    if (more.trim() !== '') result.value = { kind: 'text', text: before ? `${before}\n${more}` : more };
    r.warn(obx, 'OBX-3', 'OBX without an identifier right after a TX/FT result: read as the continuation of its text');
    return true;
  }

  private note(nte: Segment): void {
    const r = this.r;
    const text = nte.reps(3).map((rep) => r.text(rep, nte, 'NTE-3')).join('\n');
    if (text.trim() === '' || text === '""') return;
    const notes = this.notes;
    const sink = Array.isArray(notes) ? notes : notes && (notes.comments ??= []);
    if (!sink) { r.warn(nte, 'NTE-3', 'comment with nothing before it to attach to (ignored)'); return; }
    sink.push(text);
  }

  private specimen(spm: Segment): void {
    const r = this.r;
    if (!this.battery) { r.warn(spm, undefined, 'SPM outside an order (ignored)'); return; }
    const s: Specimen = {};
    const id = r.get(spm, 2, 1, 1).trim() || r.get(spm, 2, 2, 1).trim();
    if (id) s.id = id;
    const type = r.codings(spm, 4)[0];
    if (type?.code) s.type = type.code;
    if (type?.label) s.label = type.label;
    const collected = r.time(spm, 17);
    if (collected) s.collectedAt = collected;
    const received = r.time(spm, 18);
    if (received) s.receivedAt = received;
    if (!Object.keys(s).length) return;
    if (!this.battery.isolate) {
      const battery = this.battery.battery;
      battery.specimen ??= s;
      this.notes = battery;
    }
    const req = this.battery.state.report.request;
    const key = JSON.stringify(s);
    if (!(req.specimens ??= []).some((x) => JSON.stringify(x) === key)) req.specimens.push(s);
    if (!req.collectedAt && s.collectedAt) req.collectedAt = s.collectedAt;
    if (!req.receivedAt && s.receivedAt) req.receivedAt = s.receivedAt;
  }

  private participant(prt: Segment): void {
    const r = this.r;
    const state = this.battery?.state;
    if (!state) { r.warn(prt, undefined, 'PRT outside an order (ignored)'); return; }
    const recipient = recipientOf(prt, r);
    if (recipient) {
      const list = (state.report.recipients ??= []);
      if (!list.some((x) => x.address.toLowerCase() === recipient.address.toLowerCase())) list.push(recipient);
    }
    const finess = senderFinessOf(prt, r);
    if (finess && state.report.lab) state.report.lab.finess = finess;
  }

  /** Ends the last message and builds the reports (statuses, empty batteries dropped). */
  finish(last: Segment): LabReport[] {
    if (!this.msh) throw new InputError({ file: this.file, line: 1, field: 'MSH' }, 'no MSH segment: not an HL7 message');
    const open = this.batches.at(-1);
    if (open) {
      throw new InputError({ file: this.file, line: last.no, field: open.seg.id === 'FHS' ? 'FTS' : 'BTS' }, `${open.seg.id} batch without its trailer: file truncated`);
    }
    this.endMessage();
    if (this.reports.length === 0) this.r.warn(this.msh, undefined, 'no OBR in the file: no report');
    this.reports.forEach((s, i) => {
      if (s.prescribers.size < 2) return;
      const [a, b] = [...s.prescribers.values()];
      this.holds.push(hold('identity-mismatch', `the prescriber is named twice with different RPPS: segment ${a!.line} ${a!.field} and segment ${b!.line} ${b!.field}; a person must say who prescribed`,
        { report: i, where: { line: b!.line, field: b!.field } }));
    });
    return this.reports.map((s) => this.build(s));
  }

  private build(s: ReportState): LabReport {
    const report = s.report;
    // The chapters are this report's own: emptied batteries are dropped in place, no copies.
    report.chapters = [];
    for (const c of s.chapters.values()) {
      if (!c.batteries.every(hasContent)) c.batteries = c.batteries.filter(hasContent);
      if (c.batteries.length) report.chapters.push(c);
    }
    if (Object.keys(s.masking).length) report.masking = s.masking;
    report.status = reportStatus(s);
    return report;
  }
}

function hasContent(b: Battery): boolean {
  return !!(b.results.length || b.isolates?.length || b.comments?.length);
}

function batteryStatus(code: string): Battery['status'] | undefined {
  if (code === 'F') return 'final';
  if (code === 'C') return 'corrected';
  if (code === 'X') return 'cancelled';
  if (['P', 'I', 'S', 'R', 'A', 'O'].includes(code)) return 'partial';
  return undefined;
}

/** ORC-1 and OBX-11/OBR-25 together: cancelled > corrected > partial > final. */
function reportStatus(s: ReportState): LabReport['status'] {
  const orc = s.orderControls;
  const res = s.resultStatuses;
  const allDeleted = res.size > 0 && [...res].every((x) => x === 'D' || x === 'W');
  if (orc.has('CA') || orc.has('OC') || orc.has('CR') || allDeleted || (s.batteryStatuses.size > 0 && [...s.batteryStatuses].every((x) => x === 'X'))) return 'cancelled';
  if (orc.has('RO') || orc.has('XO') || res.has('C') || s.batteryStatuses.has('C')) return 'corrected';
  if (['P', 'I', 'S', 'R'].some((x) => res.has(x)) || ['P', 'I', 'S', 'R', 'A', 'O'].some((x) => s.batteryStatuses.has(x))) return 'partial';
  return 'final';
}
