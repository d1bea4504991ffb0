// HPRIM / HL7 v2 abnormal flags → HL7 ObservationInterpretation (codeSystem 2.16.840.1.113883.5.83),
// restricted to JDV_HL7_ObservationInterpretation_CISIS (the value set the CR-BIO volet checks).
// displayNames are the JDV's own French ones.

export const INTERPRETATION_SYSTEM = '2.16.840.1.113883.5.83';

export interface Interpretation {
  code: string;
  displayName: string;
  codeSystem: typeof INTERPRETATION_SYSTEM;
}

const DISPLAY: Record<string, string> = {
  N: 'Normal',
  L: 'Anormalement bas',
  H: 'Anormalement haut',
  LL: 'Très anormalement bas, alerte',
  HH: 'Très anormalement haut, alerte',
  '<': 'Inférieur à la limite de détection',
  '>': 'Supérieur à la limite maximale de mesure',
  A: 'Anormal',
  AA: 'Très anormal, alerte',
  S: 'Sensible',
  R: 'Résistant',
  I: 'Intermédiaire',
  SDD: 'Sensible à forte dose',
  NS: 'Non sensible',
  POS: 'Positif',
  NEG: 'Négatif',
  DET: 'Détecté',
  ND: 'Non détecté',
  IND: 'Indéterminé',
  E: 'Équivoque',
  RR: 'Réactif',
  NR: 'Non réactif',
  WR: 'Faiblement réactif',
  U: 'Augmentation significative par rapport au résultat antérieur',
  D: 'Diminution significative par rapport au résultat antérieur',
  B: 'Amélioration',
  W: 'Dégradation',
};

// French words some LIS write instead of the HL7 table 0078 letters. Signs such as "+" or "*" are
// left out on purpose: labs use them for "high", "positive" or "abnormal" alike.
const WORDS: Record<string, string> = {
  BAS: 'L', HAUT: 'H', ELEVE: 'H', NORMAL: 'N', ANORMAL: 'A',
  POSITIF: 'POS', NEGATIF: 'NEG', DETECTE: 'DET', NONDETECTE: 'ND', INDETERMINE: 'IND', EQUIVOQUE: 'E',
  SENSIBLE: 'S', RESISTANT: 'R', INTERMEDIAIRE: 'I',
};

/** The CI-SIS interpretation for a flag as written (HL7 table 0078 code or French word), or
 * undefined when it has no place in the value set. */
export function toInterpretation(flag: string): Interpretation | undefined {
  const trimmed = flag.trim();
  const upper = trimmed.toUpperCase();
  const folded = upper.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Z]/g, '');
  const code = DISPLAY[upper] ? upper : WORDS[folded];
  if (!code) return undefined;
  return { code, displayName: DISPLAY[code]!, codeSystem: INTERPRETATION_SYSTEM };
}

/** Every code this module can produce (tests check them against the JDV). */
export const INTERPRETATION_CODES: ReadonlyArray<{ code: string; displayName: string }> = Object.entries(DISPLAY).map(
  ([code, displayName]) => ({ code, displayName }),
);
