/** Fixed codes and OIDs of the CR-BIO 2024.01 model (research/cda-crbio.md §2–3, official examples). */
export const LOINC = '2.16.840.1.113883.6.1';
export const RPPS_ROOT = '1.2.250.1.71.4.2.1';
export const STRUCTURE_ROOT = '1.2.250.1.71.4.2.2';
export const AUTHOR_SPECIALTY_SYSTEM = '1.2.250.1.213.1.1.4.5';
export const PRACTICE_SETTING_SYSTEM = '1.2.250.1.213.1.1.4.9';
export const FACILITY_SYSTEM = '1.2.250.1.71.4.2.4';
export const INTERPRETATION_SYSTEM = '2.16.840.1.113883.5.83';
export const SPECIMEN_SYSTEM = '2.16.840.1.113883.18.311';
export const SNOMED = '2.16.840.1.113883.6.96';

export const DOC_CODE = { code: '11502-2', displayName: "CR d'examens biologiques", codeSystem: LOINC, codeSystemName: 'LOINC' };
export const DOC_TITLE = "Compte rendu d'examens biologiques";
export const FACILITY = { code: 'SA25', displayName: 'Laboratoire de biologie médicale', codeSystem: FACILITY_SYSTEM };
export const PRACTICE_SETTING = { code: 'AMBULATOIRE', displayName: 'Ambulatoire', codeSystem: PRACTICE_SETTING_SYSTEM };
/** The model does not say whether a biologist is a physician or a pharmacist: CdaContext can override this default. */
export const BIOLOGIST_SPECIALTY = { code: 'G15_10/SM03', displayName: 'Médecin - Biologie médicale (SM)', codeSystem: AUTHOR_SPECIALTY_SYSTEM };
export const ENCOUNTER_CODE = { code: 'AMB', displayName: 'Ambulatoire (hors établissement)', codeSystem: '2.16.840.1.113883.5.4' };
export const ANTIBIOGRAM = { code: '18769-0', displayName: 'Antibiogramme', codeSystem: LOINC, codeSystemName: 'LOINC' };
export const COMMENT_CODE = { code: '48767-8', displayName: 'Commentaire', codeSystem: LOINC, codeSystemName: 'LOINC' };

/**
 * A local code as a CD `@code`, which may not hold white space (XSD pattern `[^\s]+`): LIS codes like
 * `IGET 000` get their spaces percent-encoded (`IGET%20000`), reversibly; the label keeps the text.
 */
export function localCodeToken(code: string): string {
  return code.replace(/[%\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
