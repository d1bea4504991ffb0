// LOINC laboratory specialty ("chapter") codes used as CR-BIO level-1 sections, and how the usual
// French LIS section codes and titles map onto them. Labels follow the official CR-BIO examples
// where they show one (Biochimie, Hématologie, Hémostase, coagulation, Microbiologie, Cytologie).

export interface Chapter {
  loinc: string;
  label: string;
}

export const CHAPTERS = {
  immunohematology: { loinc: '18717-9', label: 'Immuno-hématologie' },
  cellMarkers: { loinc: '18718-7', label: 'Marqueurs cellulaires' },
  chemistry: { loinc: '18719-5', label: 'Biochimie' },
  coagulation: { loinc: '18720-3', label: 'Hémostase, coagulation' },
  drugMonitoring: { loinc: '18721-1', label: 'Suivi thérapeutique pharmacologique' },
  fertility: { loinc: '18722-9', label: 'Biologie de la reproduction' },
  hematology: { loinc: '18723-7', label: 'Hématologie' },
  hla: { loinc: '18724-5', label: 'HLA' },
  microbiology: { loinc: '18725-2', label: 'Microbiologie' },
  serology: { loinc: '18727-8', label: 'Sérologie' },
  toxicology: { loinc: '18728-6', label: 'Toxicologie' },
  urinalysis: { loinc: '18729-4', label: 'Examens urinaires' },
  bloodGas: { loinc: '18767-4', label: 'Gaz du sang' },
  molecular: { loinc: '26435-8', label: 'Biologie moléculaire' },
  laboratory: { loinc: '26436-6', label: 'Examens de biologie' },
  cytology: { loinc: '26438-2', label: 'Cytologie' },
} as const satisfies Record<string, Chapter>;

type ChapterKey = keyof typeof CHAPTERS;

// Keys are compared after folding case and accents and dropping non-letters, so "Hémato",
// "HEMATO" and "hémato." meet. These are whole section names, not fuzzy matches.
const SECTION_NAMES: Record<string, ChapterKey> = {};
const names: Array<[ChapterKey, string[]]> = [
  ['chemistry', ['BIOCH', 'BIOCHI', 'BIOCHIM', 'BIOCHIMIE', 'BIOCHIMIESANGUINE', 'BIOCHIMIEGENERALE', 'BIOCHIMIEURINAIRE', 'CHIMIE', 'CHEM', 'CHEMISTRY', 'HORMO', 'HORMONO', 'HORMONOLOGIE', 'HORMONES', 'ENDOC', 'ENDOCRINOLOGIE', 'THYROIDE', 'MARQUEURS', 'MARQUEURSTUMORAUX', 'ENZYMO', 'ENZYMOLOGIE', 'LIPIDES', 'BILANLIPIDIQUE', 'PROTEINES', 'ELECTROPHORESE', 'VITAMINES', 'DIABETO', 'DIABETOLOGIE']],
  ['hematology', ['HEMAT', 'HEMATO', 'HEMATOLOGIE', 'HEMATOLOGY', 'HEM', 'HEMA', 'NFS', 'HEMOGRAMME', 'CYTOLOGIESANGUINE']],
  ['coagulation', ['HEMOST', 'HEMOSTASE', 'COAG', 'COAGULATION', 'HEMOSTASECOAGULATION', 'CRASE']],
  ['serology', ['SERO', 'SEROLOGIE', 'SEROLOGY', 'IMMUNO', 'IMMUNOLOGIE', 'IMMUNOLOGY', 'IMMUNOCHIMIE', 'AUTOIMMUNITE', 'ALLERGO', 'ALLERGOLOGIE', 'VIROLOGIE', 'VIRO', 'SEROVIROLOGIE']],
  ['microbiology', ['BACTE', 'BACT', 'BACTERIO', 'BACTERIOLOGIE', 'MICRO', 'MICROBIO', 'MICROBIOLOGIE', 'MICROBIOLOGY', 'PARASITO', 'PARASITOLOGIE', 'MYCO', 'MYCOLOGIE', 'ECBU']],
  ['urinalysis', ['URINE', 'URINES', 'URINAIRE', 'URINALYSIS', 'BU', 'BANDELETTE', 'BANDELETTEURINAIRE']],
  ['bloodGas', ['GAZ', 'GDS', 'GAZDUSANG', 'GAZOMETRIE', 'BLOODGAS']],
  ['immunohematology', ['IH', 'IMMUNOHEMATO', 'IMMUNOHEMATOLOGIE', 'GROUPE', 'GROUPESANGUIN', 'GROUPAGE']],
  ['drugMonitoring', ['PHARMACO', 'PHARMACOLOGIE', 'MEDICAMENTS', 'STP']],
  ['toxicology', ['TOXICO', 'TOXICOLOGIE', 'TOX']],
  ['fertility', ['SPERMO', 'SPERMIOLOGIE', 'AMP', 'REPRODUCTION', 'BIOLOGIEDELAREPRODUCTION']],
  ['cellMarkers', ['IMMUNOPHENOTYPAGE', 'CYTOMETRIE', 'MARQUEURSCELLULAIRES']],
  ['molecular', ['BIOMOL', 'BIOLOGIEMOLECULAIRE', 'PCR', 'GENETIQUE', 'GENETIQUEMOLECULAIRE']],
  ['hla', ['HLA']],
  ['cytology', ['CYTO', 'CYTOLOGIE', 'ANAPATH']],
];
for (const [key, list] of names) for (const n of list) SECTION_NAMES[n] = key;

const BY_LOINC = new Map<string, Chapter>(Object.values(CHAPTERS).map((c) => [c.loinc, c]));

/** Upper case, accents removed, only letters and digits kept. */
export function foldKey(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** The LOINC chapter for a LIS section code or title (or a chapter LOINC code itself). */
export function chapterFor(sectionCodeOrLabel: string): Chapter | undefined {
  const trimmed = sectionCodeOrLabel.trim();
  const direct = BY_LOINC.get(trimmed);
  if (direct) return direct;
  const key = SECTION_NAMES[foldKey(trimmed)];
  return key ? CHAPTERS[key] : undefined;
}

/** The chapter with this LOINC code, if it is one of the specialty codes above. */
export const chapterByLoinc = (loinc: string): Chapter | undefined => BY_LOINC.get(loinc);
