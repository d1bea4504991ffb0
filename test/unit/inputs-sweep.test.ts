/**
 * Robustness sweep: files written the way French LIS and hospital systems export them (test/fixtures/sweep,
 * see its README). Every value, unit, range text, flag, comment and identity must come out as written,
 * or the file is rejected with its reason; no mojibake anywhere.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { InputError, parseInput } from '../../src/inputs/index.js';
import type { LabReport, Practitioner, Result, Value } from '../../src/model/labreport.types.js';
import { fixtures } from '../helpers/paths.js';

/** One line per result: `code|value|unit|range text|flag[ / value2|unit2|range2][ # comment…]`. */
interface Expected { patient: string; prescriber: string; status: string; results: string[]; copies?: string[]; validator?: string; comments?: string[]; text?: string }

const v = (x: Value) => x.kind === 'numeric' ? (x.comparator ?? '') + x.value : x.kind === 'text' ? x.text : x.kind === 'coded' ? `${x.code}^${x.label ?? ''}` : '';
const who = (p?: Practitioner) => p ? `${p.rpps ?? p.adeli ?? p.code ?? ''} ${p.name ?? [p.title, p.familyName, p.givenName].filter(Boolean).join(' ')}` : '';
const line = (r: Result) => [r.code, v(r.value), r.unit ?? '', r.range?.text ?? '', r.flag ?? ''].join('|')
  + (r.second ? ` / ${[v(r.second.value), r.second.unit ?? '', r.second.range?.text ?? ''].join('|')}` : '')
  + (r.comments ? ` # ${r.comments.join(' # ')}` : '');

function flatten(rep: LabReport): Expected {
  const p = rep.patient;
  const ins = p.ids.ins ? `${p.ids.ins.value}${p.ids.ins.qualified ? ' VALI' : ''}` : p.ids.nir ?? '';
  const e: Expected = {
    patient: [p.familyName, (p.givenNames ?? []).join(' '), p.birthFamilyName ?? '', p.birthDate ?? '', p.sex ?? '', p.ids.ipp ?? '', ins].join('|'),
    prescriber: who(rep.prescriber), status: rep.status, results: [],
  };
  if (rep.copiesTo) e.copies = rep.copiesTo.map(who);
  if (rep.validator) e.validator = who(rep.validator);
  const comments = [...(rep.comments ?? [])];
  for (const b of rep.chapters.flatMap((c) => c.batteries)) {
    comments.push(...(b.comments ?? []));
    e.results.push(...b.results.map(line));
    for (const i of b.isolates ?? []) {
      e.results.push(`isolate ${i.organism.code}^${i.organism.label ?? ''}${i.comments ? ` # ${i.comments.join(' # ')}` : ''}`, ...(i.results ?? []).map(line),
        ...(i.susceptibility ?? []).map((s) => `${s.antibiotic.code}|${s.mic ? v(s.mic.value) : ''}|${s.mic?.unit ?? ''}||${s.interpretation}`));
    }
  }
  if (comments.length) e.comments = comments;
  if (rep.text) e.text = rep.text;
  return e;
}

/** Per file: the reports it must give, or the reason it must be rejected with. */
const EXPECTED: Record<string, Expected[] | string> = {
 "hl01-lab-utf8-ins-vali-cr.hl7": [
  {
   "patient": "MARTIN|Anne-Sophie Marie Hélène|DUPRÉ-LEFÈVRE|1978-03-12|F|IPP778812|1234567890123 VALI",
   "prescriber": "10101234567 Dr MOREAU Jacques",
   "status": "final",
   "results": [
    "CREA|87|umol/L|45-90|N",
    "K|5.9|mmol/L|3.5-5.0|H # Contrôle conseillé sur prélèvement non hémolysé",
    "CRP|<5|mg/L|<5|N",
    "DFG|>90|mL/min/{1.73_m2}|>60|",
    "COUL|Ictérique|||",
    "GRP|A+^A RH1 positif|||",
    "LOCAL1|LIMP^Limpide|||"
   ],
   "copies": [
    "10109876543 Dr PETIT Claire",
    "10103333333 Dr DURAND Luc"
   ],
   "validator": "10100000017 Dr LEROUX Martine",
   "comments": [
    "Patiente sous anticoagulant (AVK)",
    "Prélèvement hémolysé, potassium sous réserve"
   ]
  }
 ],
 "hl02-hospital-8859-1-ft-escapes-lf.hl7": [
  {
   "patient": "FRANÇOIS|Gérard|FRANÇOIS|1951-08-17|M|0045512|9876543210987",
   "prescriber": "00B123456 GIRAUD Paul",
   "status": "final",
   "results": [
    "6690-2|12.4|10*9/L|4.0 - 10.0|H",
    "789-8|4.05|10*12/L|4.3 to 5.7|L",
    "718-7|12.9|g/dL|13_17|L",
    "777-3|180|10*9/L|150..400|N",
    "4544-3|0.39|L/L|0,40 - 0,52|L",
    "NFS-COM|Polynucléose neutrophile.\nPrésence de myélocytes (2 & 3 %).\nCorps de Howell^Jolly : absents| rares\\ A contrôler.|||",
    "NFS-CONC|Anémie normocytaire discrète\nà contrôler dans 1 mois|||",
    "DDR|2024-09-01||| # Résultats validés par Dr ÉMERY"
   ]
  }
 ],
 "hl03-batch-fhs-bhs-crlf.hl7": [
  {
   "patient": "BERNARD|Léa||2010-06-20|F|A-1001|",
   "prescriber": "10100000108 ROBERT Jean",
   "status": "final",
   "results": [
    "GLY|0.92|g/L|0.70-1.10|N",
    "GLYM|5.11|mmol/L|3.89-6.11|N"
   ]
  },
  {
   "patient": "THOMAS|Hugo||1999-01-01|M|A-1002|",
   "prescriber": "10100000108 ROBERT Jean",
   "status": "final",
   "results": [
    "FERR|412|µg/L|30 - 400|H # Syndrome inflammatoire ? à corréler à la CRP"
   ]
  }
 ],
 "hl04-micro-hemoculture-antibiogram.hl7": [
  {
   "patient": "LE GOFF|Yannick|LE GOFF|1979-05-12|M|P-4455|2790512345678 VALI",
   "prescriber": "10104445556 Dr KERGUELEN Anne",
   "status": "final",
   "results": [
    "isolate 3092008^Staphylococcus aureus # Isolé dans 2 flacons sur 4 # Résistance inductible à la clindamycine",
    "OXA|<=0.25|mg/L||S",
    "VAN|1|mg/L||S",
    "RIF||||R",
    "ERY|>8|mg/L||R"
   ]
  }
 ],
 "hl05-8859-15-corrected.hl7": [
  {
   "patient": "LŒTITIA|Bérénice|LŒTITIA|1986-03-04|F|Q-5521|",
   "prescriber": "10100707070 ŒUVRARD Éric",
   "status": "corrected",
   "results": [
    "1989-3|18.5|ng/mL|30 - 100|L # Valeur corrigée après recalibration ; coût de la vitamine D : 12,00 € (non remboursé)",
    "VITDN|46.2|nmol/L|75 - 250|L"
   ]
  }
 ],
 "hl06-bom-truncchar-sn-ratio.hl7": [
  {
   "patient": "ZOLA|Émile Édouard|ZOLA|1940-04-02|M|IPP-X1|1122334455667 VALI",
   "prescriber": "10100808080 AUBERT Lise",
   "status": "final",
   "results": [
    "TPHA|1:640||<1/80|H",
    "VDRL|Négatif||Négatif|N",
    "IGE|1250|kUI/L|[0;100]|H # Terrain atopique"
   ],
   "comments": [
    "Patient en EHPAD",
    "Dépistage prénuptial"
   ]
  }
 ],
 "hl07-cut-mid-segment.hl7": "4 OBX-5: the file ends in the middle of the OBX segment (OBX-11 missing): truncated",
 "hl08-cp1252-undeclared-cancel.hl7": [
  {
   "patient": "D’ARCY|Gaëtan|D’ARCY|1980-01-01|M|W77|1800000000001",
   "prescriber": "10100909090 CŒUR Léon",
   "status": "cancelled",
   "results": [
    "4548-4|6.1|%|4.0-6.0|H # Examen annulé : tube non conforme (l’échantillon était coagulé)"
   ]
  }
 ],
 "hl09-no-patient.hl7": "2 PID-5: no patient family name: the patient cannot be identified",
 "hl10-hospital-rpps-spellings-lf.hl7": [
  {
   "patient": "RENARD|Chloé Anaïs|RENARD|2001-02-27|F|HS0042|3010275123456 VALI",
   "prescriber": "10107777777 Pr HOUSE Grégory",
   "status": "final",
   "results": [
    "2744-1|7.28||7.35 - 7.45|L",
    "2019-8|58|mm[Hg]|35 - 45|H",
    "LACT SANG|4.2|mmol/L|< 2|HH",
    "COMM|Air ambiant\nPatient agité|||",
    "HPREL|2024-12-15T11:30|||"
   ],
   "copies": [
    "10106666666 Dr WILSON James"
   ]
  }
 ],
 "hm01-12lines-lab-crlf-latin1.hpm": [
  {
   "patient": "LEMAÎTRE|Gaëlle||1983-02-14||12044|2830259350123 47",
   "prescriber": "MED0451 Dr FAURÉ Étienne",
   "status": "final",
   "results": [
    "CREA|9.8|mg/l|5.7 - 11.3|N / 87|µmol/l|50 - 100",
    "GLY|1.32|g/l|0.70 - 1.10|H / 7.33|mmol/l|3.89 - 6.11",
    "HDL|0.52|g/l|> 0.40|N / 1.34|mmol/l|> 1.03",
    "LDL|1.71|g/l|< 1.60|H / 4.42|mmol/l|< 4.13",
    "FERR|24|µg/l|15 - 150|N"
   ],
   "text": "\n            BIOCHIMIE SANGUINE\n\nCréatinine              9,8 mg/l      (5,7 à 11,3)\n                        87 µmol/l     (50 à 100)\nGlycémie à jeun         1,32 g/l  H   (0,70 à 1,10)\nConclusion : hyperglycémie modérée à contrôler."
  }
 ],
 "hm02-13lines-cr-only.hpm": [
  {
   "patient": "N'DIAYE|Aïssatou||1991-08-02||P000912|2910813055077 21",
   "prescriber": "ZENATIK Dr ZÉNATI Karim",
   "status": "final",
   "results": [
    "TOXG|NEGATIF|||N",
    "RUBG|42|UI/ml|> 10|N",
    "CMVM|< 0.12  index|||N",
    "ASP|Limpide|||N",
    "HCG|Positif (+)||< 5|H"
   ],
   "text": "SÉROLOGIES\nToxoplasmose IgG : NEGATIF\nRubéole IgG : 42 UI/ml (immunisée > 10)\nDocument validé par Dr ROUX Béatrice, biologiste"
  }
 ],
 "hm03-entities-utf8-lf.hpm": [
  {
   "patient": "CHÂTEAU|Hélène||1948-11-30||00077|",
   "prescriber": "MEDBDX Dr GARCÍA José",
   "status": "final",
   "results": [
    "HB|13.1|g/dl|12 - 16|N / 8.13|mmol/l|7.45 - 9.93",
    "PLQ|98|G/L|150 - 400|L",
    "GB|11.9|10^9/l|4 - 10|H"
   ],
   "text": "Hématologie\nNFS réalisée sur sang EDTA",
   "comments": ["Thrombopénie à contrôler <150 G/L"]
  }
 ],
 "hm04-text-only-cp1252.hpm": [
  {
   "patient": "CŒURDEROY|Noël||1950-01-01||9981|1500121231007 55",
   "prescriber": "MEDDIJ Dr BŒUF Zoé",
   "status": "final",
   "results": [],
   "text": "\nCompte rendu d’anatomo-pathologie\n\nExamen macroscopique : fragment de 3 mm.\nConclusion : absence de lésion maligne ; coût 28 €."
  }
 ],
 "hm05-two-messages-lf.hpm": [
  {
   "patient": "PETIT|Louis||2005-05-05||A1|",
   "prescriber": "M1 Dr NOIR Ève",
   "status": "final",
   "results": [
    "TSH|6.2|mUI/l|0.4 - 4|H",
    "T4L|9.1|pmol/l|12 - 22|L"
   ]
  },
  {
   "patient": "GRAND|Marthe||1932-12-12||A2|",
   "prescriber": "M1 Dr NOIR Ève",
   "status": "final",
   "results": [
    "BNP|1890|ng/l|< 450|H",
    "TNT|<3|ng/l|< 14|N"
   ]
  }
 ],
 "hm06-no-family-name.hpm": "2 header line 2 (nom): no patient family name: no patient identity",
 "hs01-classic-cr-latin1-h22.hpr": [
  {
   "patient": "BÉRANGER|Françoise Marie|LEFÈVRE|1962-07-05|F|P0045123|",
   "prescriber": "10101234567 MARTIN Jean",
   "status": "final",
   "results": [
    "GLY|5.4|mmol/l|3,9 - 5,8|N",
    "GLYG|0.97|g/l|0,70 à 1,05|",
    "CREA|85*|µmol/l|45 - 90|H # Contrôlé sur un second prélèvement",
    "DFG|>90|ml/min/1,73m²|> 60|",
    "GB|7.82|10^9/l|4,0 - 10,0|N",
    "GR|4.12|T/L|3,80-5,20|",
    "HB|11.2|g/dl|12,0 - 16,0|L # Anémie modérée, à contrôler",
    "HT|35.1|%|37-47|L",
    "PLQ|452|G/L|150 - 400|H"
   ],
   "copies": [
    "DR00987 DURAND Paul"
   ],
   "validator": "BIO01 Dr LEROY Claire",
   "comments": [
    "Patiente à jeun depuis 12 h",
    "Prélèvement effectué au laboratoire"
   ]
  }
 ],
 "hs02-continuations-crlf-h21.hpr": [
  {
   "patient": "DE LA FONTAINE-SAINT-GERMAIN|Marie-Christine|ROCHEFOUCAULD|1945-02-28|F|0098765|",
   "prescriber": "78A123456 Dr de la FONTAINE-SAINT-GERMAIN Marie-Christine",
   "status": "final",
   "results": [
    "NA|139|mmol/l|136 - 145|",
    "K|5.40|mmol/l|3,5 à 5,0|H",
    "HBA1C|7.8|%|4,0 - 6,0|H",
    "INTERP|Hémoglobine glyquée au-dessus de l'objectif thérapeutique fixé pour ce patient diabétique de type 2 ; il est recommandé de contrôler dans trois mois et d'adapter le traitement en conséquence.||| # Conformément à la nomenclature, le dosage de l'hémoglobine glyquée n'est remboursé que quatre fois par an ; au-delà, il est à la charge du patient sauf justification médicale explicite."
   ],
   "validator": "BIO07 Dr ÉLOY François"
  }
 ],
 "hs03-medintux-delims-lf-utf8bom-h23.hpr": [
  {
   "patient": "NGUYỄN|Thị Thu||1988-09-19|F|BM-55821|",
   "prescriber": "691234567 Dr ÇELIK Ayşe",
   "status": "final",
   "results": [
    "HCG|>1000|mUI/ml|<5|A",
    "TSH|<0.12|mUI/l|0,27 - 4,20|L",
    "TOXOG|NEGATIF||| # Patiente non immunisée : contrôle mensuel recommandé pendant la grossesse",
    "RUBG|Positif (+)|||H",
    "GRP|O+^O RH1 positif|||",
    "RUBT|85|UI/ml|> 10|N"
   ]
  }
 ],
 "hs04-two-patients-cp1252-h24.hpr": [
  {
   "patient": "D’ALMEIDA|Jérôme||1979-11-03|M|44120|",
   "prescriber": "10003456789 COEUR Noël",
   "status": "final",
   "results": [
    "CT|2.45|g/l|<2,00|H",
    "HDL|0.38|g/l|> 0,40|L",
    "TG|1.12|g/l|| # Prise en charge œnologique déconseillée ; coût de l’examen : 12,50 €"
   ]
  },
  {
   "patient": "LŒUVRE|Cécile||2001-12-25|F|44121|",
   "prescriber": "10003456789 COEUR Noël",
   "status": "final",
   "results": [
    "FERRI|8|µg/l|15 - 150|L",
    "CST|9|%|20 - 40|L"
   ],
   "comments": [
    "Patiente adressée par le Centre de planification"
   ]
  }
 ],
 "hs05-utf8-nobom-partial-h25.hpr": [
  {
   "patient": "MÜLLER|Jürgen Klaus||1956-01-30|M|IPP2024-556|",
   "prescriber": "100012345 Dr PÉREZ Inès",
   "status": "partial",
   "results": [
    "ASAT|1250|UI/L|10-40|HH",
    "ALAT|1830|UI/L|10-40|HH",
    "COM|Cytolyse majeure.\nInsuffisance hépatocellulaire à confirmer.\n\nAvis spécialisé souhaitable.|||",
    "TQ|21.5|sec|11 - 13|H",
    "TP|32|%|> 70|LL # Résultat téléphoné au Dr PÉREZ à 11 h 40",
    "VS1||mm/h|< 15|"
   ]
  }
 ],
 "hs06-two-requests-cr-nofinaleol.hpr": [
  {
   "patient": "GARÇON|Loïc||2015-06-10|M|LIT-7781|",
   "prescriber": "10101010101 BOUCHER Anaïs",
   "status": "final",
   "results": [
    "CRP|48.6|mg/l|< 5|H",
    "PCT|0.08|ng/ml|<0,50|N"
   ],
   "comments": [
    "Enfant, prélèvement difficile"
   ]
  },
  {
   "patient": "GARÇON|Loïc||2015-06-10|M|LIT-7781|",
   "prescriber": "10101010101 BOUCHER Anaïs",
   "status": "final",
   "results": [
    "PH|7.31||7,32 - 7,42|L",
    "LACT|2.9|mmol/l|0,5 - 2,2|H"
   ],
   "comments": [
    "Enfant, prélèvement difficile",
    "Second prélèvement de l'après-midi"
   ]
  }
 ],
 "hs07-fic-missing-companion.hpr": [
  {
   "patient": "ROUSSEL|Amélie||1990-04-15|F|88123|",
   "prescriber": "843012345 Dr VIDAL Luc",
   "status": "final",
   "results": [
    "BHCG|12450|mUI/ml|< 5|H"
   ]
  }
 ],
 "hs08-corrected-copies-lf.hpr": [
  {
   "patient": "O'CONNOR|Seán||1970-07-07|M|N0901-33|",
   "prescriber": "591234567 Dr LECLERCQ Hélène",
   "status": "corrected",
   "results": [
    "PSAT|4.12|ng/ml|< 4,00|H",
    "PSAL|0.62|ng/ml|| # Valeur corrigée (précédemment 6,2)",
    "RAPP|15|%|> 25|L"
   ],
   "copies": [
    "592345678 Dr URO Pascal",
    "593456789 Dr GÉNÉRALISTE Anne"
   ],
   "validator": "BIO3 Dr DUPUIS Émile",
   "comments": [
    "Compte rendu corrigé : erreur de saisie du PSA libre"
   ]
  }
 ],
 "hs09-cut-short.hpr": "4 L: file cut short: no L (end) record and the last record has no line end; it may have been copied while being written",
 "hs10-no-patient-name.hpr": "2 P 8.6: patient without a family name: no patient identity",
 "hs11-ecbu-antibiogram-crlf.hpr": [
  {
   "patient": "FERRAND|Élodie||1995-12-12|F|C-99001|",
   "prescriber": "10009876543 Dr CHÂTEAU Rémi",
   "status": "final",
   "results": [
    "ASP|Trouble|||",
    "LEUCU|85000|/ml|< 10000|H",
    "HEMU|<1000|/ml|< 10000|",
    "CULT|> 10^5 UFC/ml Escherichia coli|||A",
    "AMX|R|||",
    "AMC|I|||",
    "FOS|S||| # Souche productrice de BLSE : précautions complémentaires contact"
   ]
  }
 ]
};

// Latin-1 read as UTF-8 twice (Ã©), C1 controls (Windows-1252 read as Latin-1), replacement characters, raw entities.
const MOJIBAKE = /[\u0080-\u009f\ufffd]|Ã[\u0080-\u00bf]|Å“|â€|&[a-zA-Z]+;/;

const dir = fixtures('sweep');
const files = readdirSync(dir).filter((n) => !n.endsWith('.md')).sort();

test('every sweep file has its expectations', () => {
  assert.deepEqual(files, Object.keys(EXPECTED).sort());
});

for (const name of files) {
  test(`sweep ${name}`, () => {
    const want = EXPECTED[name]!;
    const run = () => parseInput(readFileSync(`${dir}/${name}`), { file: name, companion: () => undefined });
    if (typeof want === 'string') {
      assert.throws(run, (err: unknown) => err instanceof InputError && err.message.includes(want));
      return;
    }
    const reports = run().reports;
    assert.deepEqual(reports.map(flatten), want);
    const json = JSON.stringify(reports);
    assert.doesNotMatch(json, MOJIBAKE, 'mojibake in the parsed reports');
  });
}

test('HTML entities: the whole Latin-1 set and typographic quotes; names of Object members stay as written', async () => {
  const { decodeEntities } = await import('../../src/inputs/hprim-text.js');
  assert.equal(decodeEntities('l&rsquo;Estuaire GARC&Iacute;A m&sup2; &euro; &ccedil;&yuml;'), 'l’Estuaire GARCÍA m² € çÿ');
  assert.equal(decodeEntities('&valueOf; &constructor; &toString;'), '&valueOf; &constructor; &toString;');
});
