/**
 * French labels of the usual HPRIM lab section codes (OBR 9.25, OBX 10.16 first component). An unknown
 * code is shown as written: a wrong label would be worse than a terse one.
 */
const SECTIONS: Record<string, string> = {
  BIOCH: 'Biochimie',
  BIOC: 'Biochimie',
  HEMAT: 'Hématologie',
  HEMA: 'Hématologie',
  HEMOS: 'Hémostase',
  COAG: 'Hémostase',
  IMMUN: 'Immunologie',
  IMMUNO: 'Immunologie',
  SEROL: 'Sérologie',
  SERO: 'Sérologie',
  BACTE: 'Bactériologie',
  BACT: 'Bactériologie',
  MICRO: 'Microbiologie',
  PARAS: 'Parasitologie',
  PARA: 'Parasitologie',
  MYCOL: 'Mycologie',
  VIROL: 'Virologie',
  VIRO: 'Virologie',
  HORMO: 'Hormonologie',
  HORM: 'Hormonologie',
  ENDOC: 'Endocrinologie',
  TOXIC: 'Toxicologie',
  TOXIQ: 'Toxicologie',
  PHARM: 'Pharmacologie',
  ALLER: 'Allergologie',
  AUTOI: 'Auto-immunité',
  GENET: 'Génétique',
  CYTOG: 'Cytogénétique',
  URINE: 'Urines',
  SPERM: 'Spermiologie',
  GAZ: 'Gaz du sang',
  PROTE: 'Protéines',
  MARQ: 'Marqueurs tumoraux',
  IMHEM: 'Immuno-hématologie',
  GROUP: 'Immuno-hématologie',
};

export function sectionLabel(code: string): string {
  return SECTIONS[code.trim().toUpperCase()] ?? code.trim();
}
