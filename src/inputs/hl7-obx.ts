import type { Attachment, Flag, Range, Result, Susceptibility, Value } from '../model/labreport.types.js';
import type { Coding, Hl7Reader } from './hl7-read.js';
import type { Segment } from './hl7-tokens.js';
import { InputError } from './types.js';
import { copyRange, decimal, parseFlag, flagAsWritten, parseTimestamp, parseValue, rangeFromBounds } from './values.js';

/** What one OBX carries: a result, a document (CDA/PDF), or a CI-SIS metadata flag. */
export type Observation =
  | { kind: 'result'; result: Result; codings: Coding[]; status: string; interpretation?: Susceptibility['interpretation'] }
  | { kind: 'attachment'; attachment: Attachment; code: string; status: string }
  | { kind: 'meta'; code: string; value: string; valueType: string };

const LOINC = /^[0-9]{1,7}-[0-9]$/;
const STATUS: Record<string, Result['status']> = {
  F: 'final', C: 'corrected', D: 'cancelled', W: 'cancelled', P: 'preliminary', R: 'preliminary', S: 'preliminary', I: 'preliminary', U: 'final', X: 'final', N: 'final',
};
const NO_VALUE_REASON: Record<string, string> = { I: 'pending', S: 'pending', X: 'not done', N: 'not asked', D: 'deleted' };
const INTERPRETATIONS: ReadonlySet<string> = new Set(['S', 'I', 'R', 'SDD', 'NS']);
const KNOWN_TYPES: ReadonlySet<string> = new Set(['NM', 'SN', 'ST', 'TX', 'FT', 'CE', 'CWE', 'CNE', 'CF', 'ED', 'RP', 'DT', 'TS', 'DTM', 'TM', 'NA', 'ID', 'IS']);

/** Reads one OBX. Throws when it cannot be used at all (no identifier, unsplittable). */
export function readObx(obx: Segment, r: Hl7Reader): Observation {
  if (obx.fields.length < 4) {
    throw new InputError({ file: r.file, line: obx.no, field: `OBX-${obx.lastField + 1}` }, `OBX cannot be split into fields (${obx.lastField} field(s) found, at least OBX-2 and OBX-3 needed)`);
  }
  const codings = r.codings(obx, 3);
  if (codings.length === 0) throw new InputError({ file: r.file, line: obx.no, field: 'OBX-3' }, 'observation without an identifier');
  let type = r.get(obx, 2).trim().toUpperCase();
  const status = r.get(obx, 11).trim().toUpperCase();
  const code0 = codings[0]!;

  const meta = codings.find((c) => isSystem(c, 'METADMPMSS'));
  if (meta) {
    return { kind: 'meta', code: meta.code.toUpperCase(), value: r.get(obx, 5).trim().toUpperCase(), valueType: type };
  }
  if (type === 'ED' || type === 'RP') {
    const attachment = attachmentOf(obx, r, type);
    if (attachment) return { kind: 'attachment', attachment, code: code0.code, status };
  }
  if (!KNOWN_TYPES.has(type)) {
    const guessed = shapeOf(obx, r);
    if (obx.raw(5) !== '' || type !== '') r.warn(obx, 'OBX-2', `unknown value type "${type}": value read as ${guessed} from its shape`);
    type = guessed;
  }

  const loinc = loincOf(codings);
  const local = localOf(codings);
  const result: Result = {
    code: local?.code ?? loinc ?? code0.code,
    label: (local?.label || codings.find((c) => c.label)?.label || code0.code).trim(),
    value: valueOf(obx, type, r),
  };
  if (loinc) result.loinc = loinc;
  if (result.value.kind === 'none' && NO_VALUE_REASON[status]) result.value = { kind: 'none', reason: NO_VALUE_REASON[status]! };
  const subId = r.get(obx, 4).trim();
  if (subId) result.subId = subId;
  const unit = unitOf(obx, r);
  if (unit) result.unit = r.names.get(unit);
  const range = rangeOf(obx, r);
  if (range) result.range = range;
  let interpretation: Susceptibility['interpretation'] | undefined;
  const flags = obx.reps(8);
  for (let i = 0; i < flags.length; i++) {
    const raw = r.get(obx, 8, 1, 1, i).trim();
    const f = raw.toUpperCase();
    if (!f) continue;
    if (INTERPRETATIONS.has(f)) interpretation ??= f as Susceptibility['interpretation'];
    const flag: Flag | undefined = parseFlag(f);
    if (flag) result.flag ??= flag;
    if (i === 0) { const written = flagAsWritten(raw, flag); if (written) result.flagText = written; }
    if (!flag && !INTERPRETATIONS.has(f)) r.warn(obx, 'OBX-8', `unknown abnormal flag "${raw}": kept as written, not coded`);
  }
  if (!interpretation && result.value.kind !== 'numeric') {
    const v = result.value.kind === 'coded' ? result.value.code : result.value.kind === 'text' ? result.value.text : '';
    if (INTERPRETATIONS.has(v.trim().toUpperCase())) interpretation = v.trim().toUpperCase() as Susceptibility['interpretation'];
  }
  if (STATUS[status]) result.status = STATUS[status];
  else if (status) r.warn(obx, 'OBX-11', `unknown result status "${status}" (ignored)`);
  else r.warn(obx, 'OBX-11', 'result status missing');
  const observed = r.time(obx, 14);
  if (observed) result.observedAt = observed;
  const method = r.codings(obx, 17)[0];
  if (method && (method.label || method.code)) result.method = (method.label || method.code).trim();
  const out: Observation = { kind: 'result', result, codings, status };
  if (interpretation) out.interpretation = interpretation;
  return out;
}

/**
 * OBX-6 (CE: identifier^text^system^alt identifier^alt text^alt system) → the unit as the lab wrote it:
 * the UCUM code when a coding system says UCUM, else the text; a bare identifier only when it is all
 * there is (`mg/dL`). A local code (`CD:289^mg/dL^L`) is never printed as a unit.
 */
function unitOf(obx: Segment, r: Hl7Reader): string | undefined {
  const raw = obx.reps(6)[0] ?? '';
  if (raw === '') return undefined;
  if (raw.indexOf(r.d.component) < 0) return r.get(obx, 6).trim() || undefined;
  const c = r.comps(raw, obx, 'OBX-6').map((x) => x.trim());
  const [id = '', text = '', system = '', altId = '', altText = '', altSystem = ''] = c;
  if (id && /UCUM/i.test(system)) return id;
  if (altId && /UCUM/i.test(altSystem)) return altId;
  if (text) return text;
  if (altText) return altText;
  if (id && !system) return id;
  if (id || altId) r.warn(obx, 'OBX-6', `unit given only as a code of the ${system || altSystem} coding system, without its text: left out`);
  return undefined;
}

/**
 * OBX-7 → range. Usually the text alone (`35-150`); some LIS add the bounds as components
 * (`35-150^35^150`, HL7 v2.x SN-like): the first is the text as written, the next two low and high.
 */
function rangeOf(obx: Segment, r: Hl7Reader): Range | undefined {
  const raw = obx.reps(7)[0] ?? '';
  if (raw === '' || raw === '""') return undefined;
  if (raw.indexOf(r.d.component) < 0) {
    const range = r.ranges.get(r.text(raw, obx, 'OBX-7'));
    return range && copyRange(range);
  }
  const [text = '', low = '', high = ''] = r.comps(raw, obx, 'OBX-7').map((x) => x.trim());
  const bounds = rangeFromBounds(low, high);
  const written = text ? r.ranges.get(text) : undefined;
  if (!written) return bounds;
  const range = copyRange(written);
  if (bounds?.low !== undefined) range.low = bounds.low;
  if (bounds?.high !== undefined) range.high = bounds.high;
  return range;
}

/** Case-insensitive coding-system test without allocating for the usual short systems. */
export function isSystem(c: Coding, system: string): boolean {
  return c.system.length === system.length && (c.system === system || c.system.toUpperCase() === system);
}

/** The LOINC code among the codings (system LN, well-formed). */
export function loincOf(codings: Coding[]): string | undefined {
  return codings.find((c) => isSystem(c, 'LN') && LOINC.test(c.code))?.code;
}

/** The first local (non-LOINC) coding with a code. */
export function localOf(codings: Coding[]): Coding | undefined {
  return codings.find((c) => !isSystem(c, 'LN') && c.code !== '');
}

/** For an OBX-2 that is not a value type: components shaped like `=^16` are SN, `code^label` CE, else ST. */
function shapeOf(obx: Segment, r: Hl7Reader): string {
  const first = obx.reps(5)[0] ?? '';
  if (!first.includes(r.d.component)) return 'ST';
  const c = first.split(r.d.component);
  if (/^(?:|=|<|>|<=|>=|<>)$/.test(c[0]!.trim()) && decimal(c[1] ?? '') !== undefined) return 'SN';
  return 'CE';
}

function valueOf(obx: Segment, type: string, r: Hl7Reader): Value {
  const reps = obx.reps(5);
  if (reps.length === 0 || (reps.length === 1 && (reps[0] === '""' || reps[0]!.trim() === ''))) return { kind: 'none' };
  if (type === 'TX' || type === 'FT') {
    // Components are not used in text types: a lab's unescaped `^` or `&` stays text (nHapi#570).
    const text = reps.map((x) => r.text(x, obx, 'OBX-5')).join('\n');
    return text.trim() === '' ? { kind: 'none' } : { kind: 'text', text };
  }
  if (reps.length > 1) {
    const text = reps.map((x) => r.text(x, obx, 'OBX-5')).join('\n');
    if (type !== 'ST') r.warn(obx, 'OBX-5', `${reps.length} repetitions of a ${type} value: kept as text`);
    return { kind: 'text', text };
  }
  const raw = reps[0]!;
  switch (type) {
    case 'NM': {
      const t = r.text(raw, obx, 'OBX-5');
      if (t !== t.trim()) r.warn(obx, 'OBX-5', 'spaces around the number trimmed');
      const d = decimal(t);
      if (d !== undefined) return { kind: 'numeric', value: d };
      const v = parseValue(t);
      r.warn(obx, 'OBX-5', v.kind === 'numeric' ? 'NM value with a comparator' : 'NM value is not a number: kept as text');
      return v;
    }
    case 'SN': return structuredNumeric(r.comps(raw, obx, 'OBX-5'), obx, r);
    case 'CE': case 'CWE': case 'CNE': case 'CF': {
      const c = r.codingsOf(r.comps(raw, obx, 'OBX-5'))[0];
      if (!c) return { kind: 'none' };
      if (!c.code) return { kind: 'text', text: c.label };
      const v: Value = { kind: 'coded', code: c.code };
      if (c.label) v.label = c.label;
      if (c.system) v.system = c.system;
      return v;
    }
    case 'DT': case 'TS': case 'DTM': case 'TM': {
      const t = r.comps(raw, obx, 'OBX-5')[0]!.trim();
      return { kind: 'text', text: (type === 'TM' ? undefined : parseTimestamp(t)) ?? t };
    }
    default: return parseValue(r.text(raw, obx, 'OBX-5'));
  }
}

/** SN: comparator^num1^separator^num2 (`<^0.06`, `^182`, `=^16`, `^10^-^20`, `=^8^/^152`). */
function structuredNumeric(c: string[], obx: Segment, r: Hl7Reader): Value {
  const [cmp = '', n1 = '', sep = '', n2 = ''] = c.map((x) => x.trim());
  const v1 = decimal(n1);
  if (sep === '' && n2 === '' && v1 !== undefined) {
    if (cmp === '' || cmp === '=') return { kind: 'numeric', value: v1 };
    if (cmp === '<' || cmp === '>' || cmp === '<=' || cmp === '>=') return { kind: 'numeric', value: v1, comparator: cmp };
  }
  const text = `${cmp === '=' ? '' : cmp}${n1}${sep}${n2}`;
  if (v1 === undefined || (n2 !== '' && decimal(n2) === undefined)) r.warn(obx, 'OBX-5', 'SN value is not a structured number: kept as text');
  return text === '' ? { kind: 'none' } : { kind: 'text', text };
}

/** ED (source^type^subtype^encoding^data) → attachment: a CDA (XML) or a PDF. Undefined for other documents. */
function attachmentOf(obx: Segment, r: Hl7Reader, type: string): Attachment | undefined {
  if (type !== 'ED') return undefined;
  const raw = obx.reps(5)[0] ?? '';
  const c = raw.split(r.d.component);
  const dataType = (c[1] ?? '').trim().toUpperCase();
  const subtype = (c[2] ?? '').trim().toUpperCase();
  const encoding = (c[3] ?? '').trim().toUpperCase();
  const data = c.slice(4).join(r.d.component);
  const xml = subtype === 'XML' || subtype === 'TEXT/XML';
  const pdf = subtype === 'PDF' || subtype === 'APPLICATION/PDF' || subtype === 'OCTET-STREAM' && dataType === 'APPLICATION';
  if (!xml && !pdf) return undefined;
  if (encoding !== 'BASE64' && encoding !== 'A') {
    throw new InputError({ file: r.file, line: obx.no, field: 'OBX-5.4' }, 'embedded document encoding is not Base64');
  }
  // Base64 has no HL7 delimiters; an escape here would mean the document was altered.
  const base64 = data.replace(/\s+/g, '');
  if (base64.length === 0 || base64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    throw new InputError({ file: r.file, line: obx.no, field: 'OBX-5.5' }, 'embedded document is not valid Base64 (truncated or altered)');
  }
  if (xml && !Buffer.from(base64.slice(0, 64), 'base64').toString('latin1').replace(/^\xef\xbb\xbf/, '').trimStart().startsWith('<')) {
    r.warn(obx, 'OBX-5', 'embedded document declared XML does not start with "<"');
  }
  return xml
    ? { filename: 'CDA.XML', contentType: 'text/xml', base64, role: 'cda' }
    : { filename: 'CR.PDF', contentType: 'application/pdf', base64, role: 'report-pdf' };
}
