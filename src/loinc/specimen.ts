// Specimen codes and French labels → JDV_HL7_SpecimenType_CISIS (HL7 v2 table 0487,
// codeSystem 2.16.840.1.113883.18.311). displayNames are the JDV's own.

import { foldKey } from './chapters.js';

export const SPECIMEN_SYSTEM = '2.16.840.1.113883.18.311';

export interface SpecimenType {
  code: string;
  displayName: string;
  codeSystem: typeof SPECIMEN_SYSTEM;
}

// The codes labs use in practice, with the JDV displayName, and the French words (folded: upper
// case, no accents, letters only) that name each one. A label is matched whole, never in part.
const TYPES: Array<[code: string, displayName: string, words: string[]]> = [
  ['BLD', 'Sang', ['SANG', 'SANGTOTAL', 'SG', 'SANGVEINEUX', 'SANGEDTA', 'SANGHEPARINE', 'SANGCITRATE', 'TUBEEDTA', 'EDTA']],
  ['BLDA', 'Sang artériel', ['SANGARTERIEL', 'ARTERIEL']],
  ['BLDC', 'Sang capillaire', ['SANGCAPILLAIRE', 'CAPILLAIRE']],
  ['BLDCO', 'Sang de cordon', ['SANGDECORDON']],
  ['SER', 'Sérum', ['SERUM', 'SER', 'SERUMS', 'TUBESEC']],
  ['PLAS', 'Plasma', ['PLASMA', 'PLASMAHEPARINE', 'PLASMAEDTA', 'PLASMACITRATE', 'PLASMAFLUORE', 'PL']],
  ['PPP', 'Plasma pauvre en plaquettes', ['PLASMAPAUVREENPLAQUETTES', 'PPP']],
  ['PRP', 'Plasma riche en plaquettes', ['PLASMARICHEENPLAQUETTES', 'PRP']],
  ['UR', 'Urine', ['URINE', 'URINES', 'UR', 'URI', 'URINESDE24H', 'URINESDES24H', 'DIURESE', 'MICTION']],
  ['RANDU', 'Urine aléatoire', ['URINEALEATOIRE', 'ECHANTILLONDURINE', 'ECHANTILLONURINAIRE']],
  ['URINM', 'Urine milieu de jet', ['URINEMILIEUDEJET', 'URINESMILIEUDEJET', 'MILIEUDEJET']],
  ['URC', 'Urine 1er jet', ['URINE1ERJET', 'URINESPREMIERJET', 'URINEPREMIERJET', 'PREMIERJET']],
  ['URT', 'Urine par cathéter', ['URINESURSONDE', 'URINESONDE']],
  ['URINP', 'Urine de poche pédiatrique', ['POCHEPEDIATRIQUE', 'URINEPOCHE', 'POCHE']],
  ['CSF', 'Liquide céphalorachidien', ['LCR', 'LIQUIDECEPHALORACHIDIEN', 'LIQUIDECEPHALORACHIDIEN', 'CSF']],
  ['STL', 'Selles', ['SELLES', 'SELLE', 'COPRO', 'FECES']],
  ['SPT', 'Expectoration (crachat)', ['CRACHAT', 'CRACHATS', 'EXPECTORATION', 'EXPECTORATIONS']],
  ['PLR', 'Liquide pleural', ['LIQUIDEPLEURAL', 'PLEURAL']],
  ['PRT', 'Liquide péritonéal', ['LIQUIDEPERITONEAL', 'LIQUIDEDASCITE', 'ASCITE']],
  ['JNTFLD', 'Liquide articulaire', ['LIQUIDEARTICULAIRE', 'ARTICULAIRE']],
  ['SNV', 'Liquide synovial', ['LIQUIDESYNOVIAL', 'SYNOVIAL']],
  ['AMN', 'Liquide amniotique', ['LIQUIDEAMNIOTIQUE', 'AMNIOTIQUE']],
  ['SMN', 'Sperme', ['SPERME', 'SPERMOGRAMME']],
  ['GENV', 'Prélèvement vaginal', ['PRELEVEMENTVAGINAL', 'VAGINAL', 'PV']],
  ['CVX', 'Col de l’utérus', ['COLDELUTERUS', 'FROTTISCERVICOUTERIN', 'CERVICAL']],
  ['GENC', 'Prélèvement cervico-vaginal', ['PRELEVEMENTCERVICOVAGINAL', 'CERVICOVAGINAL']],
  ['URTH', 'Urètre', ['URETRE', 'PRELEVEMENTURETRAL', 'URETRAL']],
  ['THRT', 'Gorge', ['GORGE', 'PRELEVEMENTDEGORGE', 'PHARYNX', 'PHARYNGE']],
  ['NOS', 'Prélèvement nasopharyngée', ['NASOPHARYNX', 'NASOPHARYNGE', 'PRELEVEMENTNASOPHARYNGE', 'ECOUVILLONNASOPHARYNGE']],
  ['PUS', 'Pus', ['PUS']],
  ['WND', 'Plaie', ['PLAIE']],
  ['ABS', 'Abcès', ['ABCES']],
  ['SKN', 'Peau', ['PEAU', 'CUTANE']],
  ['NAIL', 'Ongle', ['ONGLE', 'ONGLES']],
  ['HAR', 'Poils/Cheveux', ['CHEVEUX', 'POILS']],
  ['SAL', 'Salive', ['SALIVE']],
  ['SWT', 'Sueur', ['SUEUR']],
  ['MILK', 'Lait maternel', ['LAITMATERNEL']],
  ['MAR', 'Moelle osseuse', ['MOELLE', 'MOELLEOSSEUSE', 'MYELOGRAMME']],
  ['BX', 'Biopsie', ['BIOPSIE']],
  ['CAT', 'Cathéter', ['CATHETER', 'KT']],
  ['ISLT', 'Isolat', ['ISOLAT', 'SOUCHE']],
  ['GAS', 'Gaz du sang', ['GAZDUSANG']],
  ['CALC', 'Calcul', ['CALCUL']],
  ['BRO', 'Prélèvement bronchique', ['PRELEVEMENTBRONCHIQUE', 'ASPIRATIONBRONCHIQUE']],
  ['WASI', 'Lavage, par ex. lavage broncho-alvéolaire', ['LBA', 'LAVAGEBRONCHOALVEOLAIRE']],
  ['EYE', 'Oeil', ['OEIL', 'CONJONCTIVAL']],
  ['EAR', 'Oreille', ['OREILLE', 'AURICULAIRE']],
];

const BY_CODE = new Map<string, SpecimenType>();
const BY_WORD = new Map<string, SpecimenType>();
for (const [code, displayName, words] of TYPES) {
  const type: SpecimenType = { code, displayName, codeSystem: SPECIMEN_SYSTEM };
  BY_CODE.set(code, type);
  for (const w of words) BY_WORD.set(w, type);
}

/** The CI-SIS specimen type for an HL7 0487 code (BLD, SER…) or a French specimen label (sang,
 * sérum, urines de 24 h, LCR…), or undefined. */
export function toSpecimenType(codeOrLabel: string): SpecimenType | undefined {
  const trimmed = codeOrLabel.trim();
  return BY_CODE.get(trimmed.toUpperCase()) ?? BY_WORD.get(foldKey(trimmed));
}

/** Every code this module can produce (tests check them against the JDV). */
export const SPECIMEN_TYPES: ReadonlyArray<SpecimenType> = [...BY_CODE.values()];
