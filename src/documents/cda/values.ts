/**
 * Result values → the narrative's words and the entry's typed value, from one place so the two
 * always agree. PQ / IVL_PQ only with a unit of the ANS UCUM list (terminologie.sch rejects any
 * other); a unit outside it makes the value an ST carrying exactly the narrative text, so the
 * document stays valid and nothing of the lab's result is lost.
 */
import type { Range, Value } from '../../model/labreport.types.js';
import { toUcum } from '../../loinc/ucum.js';
import { el, type XNode } from './xml.js';
import { localCodeToken } from './codes.js';

const DECIMAL = /^-?\d+(\.\d+)?$/;
const INTEGER = /^-?\d+$/;

/** The value as printed: `5.40 mmol/L`, `<5 mg/L`, `positif`. */
export function displayValue(v: Value, unit?: string): string {
  switch (v.kind) {
    case 'numeric': return `${v.comparator ?? ''}${v.value}${unit ? ` ${unit}` : ''}`;
    case 'text': return v.text;
    case 'coded': return v.label ?? v.code;
    case 'none': return v.reason ?? 'Résultat non disponible';
  }
}

export function displayRange(r: Range | undefined, unit?: string): string {
  if (!r) return '';
  if (r.text) return r.text;
  const u = unit ? ` ${unit}` : '';
  if (r.low && r.high) return `${r.low} - ${r.high}${u}`;
  if (r.high) return `< ${r.high}${u}`;
  if (r.low) return `> ${r.low}${u}`;
  return '';
}

/** UCUM code for a unit, or undefined when it is absent from the ANS list ('' = no unit). */
export function ucumUnit(unit: string | undefined): string | undefined {
  if (!unit) return '';
  const u = toUcum(unit);
  return u?.known ? u.ucum : undefined;
}

const BOUND: Record<string, { side: 'low' | 'high'; inclusive: string }> = {
  '<': { side: 'high', inclusive: 'false' }, '<=': { side: 'high', inclusive: 'true' },
  '>': { side: 'low', inclusive: 'false' }, '>=': { side: 'low', inclusive: 'true' },
};

/**
 * The typed `value` element. `textRef` is the narrative ID of the value's text, used by CD values
 * (originalText) — PQ/ST carry their value themselves.
 */
export function typedValue(v: Value, unit: string | undefined, textRef: string, localCodeSystem?: string): XNode | undefined {
  switch (v.kind) {
    case 'none': return undefined;
    case 'text': return el('value', { 'xsi:type': 'ST' }, v.text);
    case 'coded': {
      const oid = v.system && /^\d+(\.\d+)+$/.test(v.system) ? v.system : undefined;
      return el('value', { 'xsi:type': 'CD', code: oid ? v.code : undefined, displayName: oid ? v.label : undefined, codeSystem: oid },
        el('originalText', null, el('reference', { value: `#${textRef}` })),
        oid ? undefined : el('translation', { code: localCodeToken(v.code), displayName: v.label ?? v.code, codeSystem: localCodeSystem }));
    }
    case 'numeric': {
      const u = ucumUnit(unit);
      if (u === undefined || !DECIMAL.test(v.value)) return el('value', { 'xsi:type': 'ST' }, displayValue(v, unit));
      if (v.comparator) {
        const b = BOUND[v.comparator]!;
        return el('value', { 'xsi:type': 'IVL_PQ' }, el(b.side, { value: v.value, unit: u || undefined, inclusive: b.inclusive }));
      }
      if (!u && INTEGER.test(v.value)) return el('value', { 'xsi:type': 'INT', value: v.value });
      return el('value', { 'xsi:type': 'PQ', value: v.value, unit: u || undefined });
    }
  }
}

/**
 * referenceRange (≤1) in the value's unit: IVL_PQ bounds when both are decimals and the unit is
 * UCUM, otherwise the range's words through a reference to the narrative.
 */
export function referenceRange(r: Range | undefined, unit: string | undefined, rangeRef: string): XNode | undefined {
  if (!r || (!r.low && !r.high && !r.text)) return undefined;
  const u = ucumUnit(unit);
  const numeric = u !== undefined && (r.low || r.high) && [r.low, r.high].every((x) => !x || DECIMAL.test(x));
  const body = numeric
    ? el('value', { 'xsi:type': 'IVL_PQ' },
      r.low ? el('low', { value: r.low, unit: u || undefined }) : undefined,
      r.high ? el('high', { value: r.high, unit: u || undefined }) : undefined)
    : el('text', null, el('reference', { value: `#${rangeRef}` }));
  return el('referenceRange', { typeCode: 'REFV' }, el('observationRange', { classCode: 'OBS', moodCode: 'EVN.CRT' },
    body,
    el('interpretationCode', { code: 'N', displayName: 'Normal', codeSystem: '2.16.840.1.113883.5.83' })));
}
