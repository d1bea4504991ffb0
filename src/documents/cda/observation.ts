/**
 * One result → one narrative row and one Laboratory Observation, built side by side so that every
 * reference in the entry names an ID whose text shows the same thing: `<id>` the label,
 * `<id>-v` the value with its unit, `<id>-r` the range, `<id>-m` the method, `<id>-p<k>` the
 * k-th previous value, `<id>-c<k>` a comment.
 */
import type { Result, Value } from '../../model/labreport.types.js';
import { convertValue, resolveLoinc, toInterpretation } from '../../loinc/index.js';
import { COMMENT_CODE, INTERPRETATION_SYSTEM, LOINC, localCodeToken } from './codes.js';
import type { CdaContext } from './context.js';
import { frenchTime, hl7Time } from './time.js';
import { displayRange, displayValue, referenceRange, typedValue } from './values.js';
import { el, type XNode } from './xml.js';

/** Hands out narrative IDs in document order, so the same report always gets the same IDs. */
export class IdCounter {
  private n = 0;
  next(prefix: string): string {
    this.n += 1;
    return `${prefix}${this.n}`;
  }
}

export interface Built { rows: XNode[]; notes: XNode[]; entry?: XNode }

export function codeNode(loinc: { loinc: string; label: string } | undefined, ref: string,
  local: { code?: string; label: string }, ctx: CdaContext): XNode {
  const originalText = el('originalText', null, el('reference', { value: `#${ref}` }));
  if (loinc) return el('code', { code: loinc.loinc, displayName: loinc.label, codeSystem: LOINC, codeSystemName: 'LOINC' }, originalText);
  return el('code', null, originalText, local.code
    ? el('translation', { code: localCodeToken(local.code), displayName: local.label, codeSystem: ctx.localCodeSystem, codeSystemName: `Codes locaux ${ctx.lab.name}` })
    : undefined);
}

export function interpretation(flag: string | undefined): { node?: XNode; text: string } {
  if (!flag) return { text: '' };
  const i = toInterpretation(flag);
  if (!i) return { text: flag };
  return { node: el('interpretationCode', { code: i.code, displayName: i.displayName, codeSystem: INTERPRETATION_SYSTEM }), text: i.displayName };
}

/** A comment act (FR-Commentaire-ER) pointing at narrative text `ref`. */
export function commentAct(ref: string): XNode {
  return el('act', { classCode: 'ACT', moodCode: 'EVN' },
    el('templateId', { root: '2.16.840.1.113883.10.20.1.40' }),
    el('templateId', { root: '1.3.6.1.4.1.19376.1.5.3.1.4.2' }),
    el('templateId', { root: '1.2.250.1.213.1.1.3.32' }),
    el('code', COMMENT_CODE),
    el('text', null, el('reference', { value: `#${ref}` })),
    el('statusCode', { code: 'completed' }));
}

export interface ObservationInput {
  result: Result;
  /** Value and unit of this observation (the result's own, or its second unit). */
  value: Value;
  unit?: string;
  range?: Result['range'];
  effectiveTime: string;
  cancelled: boolean;
}

/** Narrative row + observation for one value of a result; `entry` is absent for a pending result. */
export function buildObservation(input: ObservationInput, ids: IdCounter, ctx: CdaContext, withPrevious: boolean): Built {
  const { result } = input;
  const id = ids.next('res-');
  const loinc = resolveLoinc({ code: result.code, label: result.label, loinc: result.loinc, unit: input.unit }, ctx.mapping);
  // A lab mapping may ask for a unit conversion: the entry and its narrative text carry the
  // converted value, the value as the lab wrote it stays beside it in the narrative.
  const conv = loinc?.conversion;
  const converted = conv && input.value.kind === 'numeric' && /^-?\d+(\.\d+)?$/.test(input.value.value);
  const value: Value = converted && input.value.kind === 'numeric'
    ? { ...input.value, value: convertValue(input.value.value, conv) } : input.value;
  const unit = converted ? conv.ucum : input.unit;
  const range = converted && input.range
    ? { low: input.range.low && convertValue(input.range.low, conv), high: input.range.high && convertValue(input.range.high, conv) }
    : input.range;
  const coded = interpretation(withPrevious ? result.flag : undefined);
  // A flag with no HL7 code is still shown to the doctor as the lab wrote it.
  const interp = withPrevious && !coded.node && result.flagText ? { text: result.flagText } : coded;
  const previous = withPrevious ? result.previous ?? [] : [];
  const comments = withPrevious ? result.comments ?? [] : [];
  const rangeText = displayRange(range, unit);

  const row = el('tr', null,
    el('td', null, el('content', { ID: id }, result.label),
      withPrevious && result.method ? [el('br'), el('content', { ID: `${id}-m` }, result.method)] : undefined),
    el('td', null, el('content', { ID: `${id}-v` }, displayValue(value, unit)),
      converted ? ` (${displayValue(input.value, input.unit)})` : undefined),
    el('td', null, rangeText ? el('content', { ID: `${id}-r` }, rangeText) : undefined),
    el('td', null, interp.text),
    el('td', null, previous.map((p, k) => [
      k > 0 ? el('br') : undefined,
      el('content', { ID: `${id}-p${k + 1}` }, displayValue(p.value, p.unit)),
      ` (${frenchTime(p.date)})`,
    ])));
  const notes = comments.map((c, k) => el('paragraph', { ID: `${id}-c${k + 1}` }, c));

  const pending = value.kind === 'none' && !input.cancelled && result.status !== 'cancelled';
  if (pending) return { rows: [row], notes };
  const aborted = input.cancelled || result.status === 'cancelled' || value.kind === 'none';
  const code = codeNode(loinc, id, { code: result.code, label: result.label }, ctx);
  const entry = el('observation', { classCode: 'OBS', moodCode: 'EVN' },
    el('templateId', { root: '1.3.6.1.4.1.19376.1.3.1.6' }),
    el('templateId', { root: '1.2.250.1.213.1.1.3.80' }),
    code,
    el('statusCode', { code: aborted ? 'aborted' : 'completed' }),
    el('effectiveTime', { value: hl7Time(input.effectiveTime, ctx.timezone) }),
    typedValue(value, unit, `${id}-v`, ctx.localCodeSystem),
    interp.node,
    withPrevious && result.method ? el('methodCode', null, el('originalText', null, el('reference', { value: `#${id}-m` }))) : undefined,
    previous.map((p, k) => el('entryRelationship', { typeCode: 'REFR' }, el('observation', { classCode: 'OBS', moodCode: 'EVN' },
      codeNode(loinc, id, { code: result.code, label: result.label }, ctx),
      el('text', null, el('reference', { value: `#${id}-p${k + 1}` })),
      el('statusCode', { code: 'completed' }),
      el('effectiveTime', { value: hl7Time(p.date, ctx.timezone) }),
      typedValue(p.value, p.unit, `${id}-p${k + 1}`, ctx.localCodeSystem)))),
    comments.map((_, k) => el('entryRelationship', { typeCode: 'SUBJ', inversionInd: 'true' }, commentAct(`${id}-c${k + 1}`))),
    referenceRange(range, unit, `${id}-r`));
  return { rows: [row], notes, entry };
}
