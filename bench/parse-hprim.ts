import { parseHprimSante } from '../src/inputs/hprim-sante.js';

/**
 * A ~20 MB HPRIM Santé file (latin1, CR) made of routine requests: one patient, one request and
 * twelve results each, with comments and an A continuation every tenth request.
 */
export function bigFile(targetBytes: number): Buffer {
  const head = 'H|~^\\&|BENCH.HPR||LBM01~Laboratoire de bench||ORU|||||P|H2.2~C|202403151030\r';
  const chunks: string[] = [head];
  let size = head.length;
  for (let i = 0; size < targetBytes; i++) {
    const lines = [
      `P|${i + 1}|REQ${i}|IPP${i}||PATIENT${i}~Élodie~Anne|NAISS|19800229|F||12 rue des Lilas~~Lyon~~69003`,
      `OBR|1|CMD${i}|DOS${i}|GLY~Glycémie~L^NFS~Numération~L|R||202403150815|||||||202403150900||MED12~DR BERNARD Paul~L|0478000000|||||202403151000||BIOCH|F`,
    ];
    if (i % 10 === 0) lines.push('C|1|L|Prélèvement hémolysé, contrôle sur un second prélèvem', 'A|ent demandé');
    for (let k = 0; k < 12; k++) {
      lines.push(`OBX|${k + 1}|NM|T${k}~Analyse n° ${k}~L||${(k * 1.37 + i % 7).toFixed(2)}|µmol/L|3.9 - 5.8|${k % 5 === 0 ? 'H' : 'N'}|||F|||202403150930|BIOCH~10~GLY~1~0~P`);
    }
    const block = lines.join('\r') + '\r';
    chunks.push(block);
    size += block.length;
  }
  chunks.push('L|1\r');
  return Buffer.from(chunks.join(''), 'latin1');
}

export async function benchHprim(): Promise<{ name: string; mbPerSec: number }> {
  const bytes = bigFile(20 * 1024 * 1024);
  try { parseHprimSante(bytes.subarray(0, 0x10000), { file: 'warmup.hpr' }); } catch { /* cut short on purpose: warms the JIT only */ }
  const start = process.hrtime.bigint();
  const result = parseHprimSante(bytes, { file: 'bench.hpr' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (!result.reports.length) throw new Error('benchmark file produced no report');
  return { name: 'parse HPRIM Santé', mbPerSec: bytes.length / (1024 * 1024) / seconds };
}
