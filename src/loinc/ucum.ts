// Lab unit spellings → UCUM codes, and whether the ANS terminology check accepts them
// (loinc/ucum-ans.txt, generated from the ANS UCUM table by scripts/ucum-list.mjs).
// Only spellings of the same unit are rewritten (G/L and 10^9/L are the same quantity): a unit is
// never converted into another one here, so a value is never silently rescaled.

import { readFileSync } from 'node:fs';
import { loincDataPath } from './package-root.js';

let ansUnits: Set<string> | undefined;

function ansList(): Set<string> {
  if (!ansUnits) {
    const text = readFileSync(loincDataPath('ucum-ans.txt'), 'utf8');
    ansUnits = new Set(text.split(/\r?\n/).filter((l) => l && !l.startsWith('#')));
  }
  return ansUnits;
}

/** Same test as the ANS terminologie.sch: drop `{x…y}` annotations (lower-case inside), then the
 * rest must be empty or a listed code. */
export function isAnsUcum(ucum: string): boolean {
  const rest = ucum.replace(/\{.[a-z]*.\}/g, '');
  return rest === '' || ansList().has(rest);
}

// French "giga/téra par litre", written with a capital letter: case matters, g/l is grams.
const CASED: Record<string, string> = { 'G/L': '10*9/L', 'G/l': '10*9/L', 'T/L': '10*12/L', 'T/l': '10*12/L' };

// Whole-unit spellings (compared upper-cased) whose UCUM form the part-by-part rules do not reach.
const WHOLE: Record<string, string> = {
  'GIGA/L': '10*9/L',
  'TERA/L': '10*12/L',
  '/MM3': '/uL',
  'MM3': '/uL',
  '/µL': '/uL',
  'RATIO': '{ratio}',
  'INDEX': '{index}',
  'MM/1H': 'mm/h',
  'MM/1ERE H': 'mm/h',
  'MM/H': 'mm/h',
  'MMHG': 'mm[Hg]',
  'SEC': 's',
  'SEC.': 's',
  'SECONDES': 's',
  'S': 's',
  '%': '%',
  'POURCENT': '%',
  'PH': '[pH]',
  'UPH': '[pH]',
  'MOSM/KG': 'mosm/kg',
  'MOSM/KG H2O': 'mosm/kg',
};

// One unit atom (between "/" or "."), matched case-sensitively first, then upper-cased.
const ATOMS: Record<string, string> = {
  l: 'L', L: 'L', dl: 'dL', dL: 'dL', DL: 'dL', ml: 'mL', mL: 'mL', ML: 'mL', ul: 'uL', uL: 'uL', UL: 'uL', fl: 'fL', fL: 'fL', FL: 'fL', cl: 'cL',
  g: 'g', mg: 'mg', ug: 'ug', ng: 'ng', pg: 'pg', kg: 'kg', G: 'g', MG: 'mg', UG: 'ug', NG: 'ng', PG: 'pg', KG: 'kg',
  mol: 'mol', mmol: 'mmol', umol: 'umol', nmol: 'nmol', pmol: 'pmol', fmol: 'fmol',
  MMOL: 'mmol', UMOL: 'umol', NMOL: 'nmol', PMOL: 'pmol', FMOL: 'fmol', MOL: 'mol',
  UI: '[IU]', IU: '[IU]', mUI: 'm[IU]', MUI: 'm[IU]', mIU: 'm[IU]', MIU: 'm[IU]', kUI: 'k[IU]', KUI: 'k[IU]', kIU: 'k[IU]', uUI: 'u[IU]', UUI: 'u[IU]', uIU: 'u[IU]',
  U: 'U', mU: 'mU', kU: 'kU', KU: 'kU',
  meq: 'meq', mEq: 'meq', MEQ: 'meq', mosm: 'mosm', osm: 'osm',
  h: 'h', H: 'h', min: 'min', mn: 'min', MIN: 'min', j: 'd', d: 'd', s: 's', sec: 's',
  '24h': '(24.h)', '24H': '(24.h)', '24 h': '(24.h)', '24heures': '(24.h)', '24 heures': '(24.h)', '(24.h)': '(24.h)',
  mm: 'mm', cm: 'cm', m2: 'm2', '1.73m2': '{1.73_m2}', '1,73m2': '{1.73_m2}', '1.73 m2': '{1.73_m2}', '1,73 m2': '{1.73_m2}', '{1.73_m2}': '{1.73_m2}', mmHg: 'mm[Hg]', MMHG: 'mm[Hg]', kPa: 'kPa', KPA: 'kPa',
  '10^9': '10*9', '10^12': '10*12', '10^6': '10*6', '10^3': '10*3', '10*9': '10*9', '10*12': '10*12', '10*6': '10*6', '10*3': '10*3',
  '10E9': '10*9', '10E12': '10*12', '10E6': '10*6', '10E3': '10*3', '10e9': '10*9', '10e12': '10*12', '10e6': '10*6', '10e3': '10*3',
  '[IU]': '[IU]', 'm[IU]': 'm[IU]', 'k[IU]': 'k[IU]', 'u[IU]': 'u[IU]', '[HPF]': '[HPF]', '[pH]': '[pH]', 'mm[Hg]': 'mm[Hg]', '': '',
};

function atom(a: string): string | undefined {
  return ATOMS[a] ?? ATOMS[a.toUpperCase()];
}

/** The UCUM code for a lab unit as written, and whether the ANS list accepts it; undefined when
 * the unit is empty. An unrecognised spelling comes back as written with known=false. */
export function toUcum(unit: string): { ucum: string; known: boolean } | undefined {
  const written = unit.trim().replace(/[µμ]/g, 'u').replace(/\s*\/\s*/g, '/').replace(/^x\s*/i, '');
  if (!written) return undefined;
  const whole = CASED[written] ?? WHOLE[written.toUpperCase()];
  const ucum = whole ?? byParts(written) ?? written;
  return { ucum, known: isAnsUcum(ucum) };
}

// "mmol/24h" → ["mmol", "24h"]; "10^9/l" → ["10^9", "l"]; rebuilt with each atom in UCUM form.
function byParts(written: string): string | undefined {
  if (isAnsUcum(written)) return written;
  const parts = written.split('/');
  const out: string[] = [];
  for (const part of parts) {
    const mapped = atom(part);
    if (mapped === undefined) return undefined;
    out.push(mapped);
  }
  return out.join('/');
}
