import { parseHl7 } from '../src/inputs/hl7v2.js';
import { measureParse, type ParseBench } from './parse-hprim.js';

/** One realistic French ORU message (INS, prescriber, 12 results with escapes and notes). */
function message(i: number): string {
  const seg = [
    `MSH|^~\\&|SIL|LABO|DPI|CABINET|20240312101500||ORU^R01^ORU_R01|MSG${i}|P|2.5|||||FRA|UNICODE UTF-8`,
    `PID|1||1${String(i).padStart(12, '0')}^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS~IPP${i}^^^LABO^PI||MARTIN^Élodie^Élodie^^^^L||19850214|F|||12 rue des Lilas^^Grenoble^^38000^FRA^H||||||||||||||||||||||VALI`,
    `ORC|NW|P${i}|D${i}`,
    `OBR|1|P${i}|D${i}|BIOCH^Biochimie^L|||202403120745|||||||202403120830||810001234567^DUPONT^Jean^^^Dr^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS||||||202403121000||CH|F`,
  ];
  for (let n = 1; n <= 12; n++) {
    seg.push(`OBX|${n}|NM|${2000 + n}-7^Analyte ${n}^LN~T${n}^Analyse n°${n} \\T\\ co^L||${n},${n}0|µmol/L|3,9 - 5,8|${n % 3 ? 'N' : 'H'}|||F|||202403120900`);
    if (n % 4 === 0) seg.push(`NTE|1|L|Contrôlé\\.br\\sur un second tube`);
  }
  return seg.join('\r') + '\r';
}

/** An FHS/BHS batch of about `size` bytes and the number of messages in it. */
export function hl7Batch(size: number): { bytes: Buffer; count: number } {
  const parts: string[] = ['FHS|^~\\&|SIL\r', 'BHS|^~\\&|SIL\r'];
  let total = 0;
  let count = 0;
  while (total < size) {
    const m = message(count++);
    parts.push(m);
    total += Buffer.byteLength(m);
  }
  parts.push(`BTS|${count}\r`, 'FTS|1\r');
  return { bytes: Buffer.from(parts.join(''), 'utf8'), count };
}

/** Builds a ~20 MB HL7 batch in memory and measures parse throughput RUNS times (target ≥ 20 MB/s). */
export async function benchHl7(): Promise<ParseBench> {
  parseHl7(hl7Batch(200_000).bytes, { file: 'warmup.hl7' });
  const { bytes, count } = hl7Batch(20 * 1024 * 1024);
  return measureParse('parse HL7 v2 ORU batch', bytes, (b) => parseHl7(b, { file: 'bench.hl7' }), (res) => {
    if (res.reports.length !== count || res.warnings.length) throw new Error(`bench: expected ${count} reports and no warning, got ${res.reports.length} and ${res.warnings.length}`);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await benchHl7();
