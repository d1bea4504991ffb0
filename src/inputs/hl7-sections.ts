import type { Chapter } from '../model/labreport.types.js';

/**
 * OBR-24 diagnostic service section (HL7 table 0074) → report chapter, with the French heading and the
 * LOINC specialty section used by CR-BIO. Codes outside the table are kept as written.
 */
const SECTIONS: Record<string, { label: string; loinc?: string }> = {
  CH: { label: 'Biochimie', loinc: '18719-5' },
  HM: { label: 'Hématologie', loinc: '18723-7' },
  MB: { label: 'Microbiologie', loinc: '18725-2' },
  SR: { label: 'Sérologie', loinc: '18727-8' },
  UR: { label: 'Urines', loinc: '18729-4' },
  BLB: { label: 'Immuno-hématologie', loinc: '18717-9' },
  BG: { label: 'Gaz du sang', loinc: '18767-4' },
  TX: { label: 'Toxicologie', loinc: '18728-6' },
  IMM: { label: 'Immunologie' },
  VR: { label: 'Virologie' },
  MYC: { label: 'Mycologie' },
  PAR: { label: 'Parasitologie' },
};

/** The chapter (without batteries) for an OBR-24 value; no section gives one untitled "Résultats" chapter. */
export function chapterOf(section: string): Omit<Chapter, 'batteries'> {
  const code = section.trim();
  if (!code) return { label: 'Résultats' };
  const known = SECTIONS[code.toUpperCase()];
  if (!known) return { code, label: code };
  return known.loinc ? { code, label: known.label, loinc: known.loinc } : { code, label: known.label };
}
