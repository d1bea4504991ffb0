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

export interface ParseBench {
  name: string;
  megabytes: number;
  runs: number;
  /** Median throughput against wall time (includes whatever else the machine runs). */
  mbPerSec: number;
  /** Median throughput against this process's CPU time: what one core does. */
  cpuMbPerSec: number;
  /** Median CPU seconds per parse. */
  cpuSeconds: number;
  /** `toString('latin1').split('\r')` of the same bytes: what this machine does at all right now. */
  baselineMbPerSec: number;
  target: number;
}

const RUNS = Number(process.env.BENCH_PARSE_RUNS ?? 5);

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v[v.length >> 1]!;
}

/**
 * Parses the same bytes RUNS times and reports medians of wall and CPU throughput (CPU time is the
 * fair one on a loaded machine), next to a trivial baseline. `check` validates one result.
 */
export function measureParse<T>(name: string, bytes: Buffer, parse: (b: Buffer) => T, check: (r: T) => void): ParseBench {
  const mb = bytes.length / (1024 * 1024);
  const wall: number[] = [];
  const cpu: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const result = parse(bytes);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    check(result);
    wall.push(seconds);
    cpu.push((c.user + c.system) / 1e6);
    const b0 = process.cpuUsage();
    if (bytes.toString('latin1').split('\r').length < 2) throw new Error('baseline: no CR in the bench file');
    const b = process.cpuUsage(b0);
    base.push((b.user + b.system) / 1e6);
  }
  const round = (x: number) => Math.round(x * 10) / 10;
  const out: ParseBench = {
    name, megabytes: round(mb), runs: RUNS,
    mbPerSec: round(mb / median(wall)), cpuMbPerSec: round(mb / median(cpu)), cpuSeconds: Math.round(median(cpu) * 1000) / 1000,
    baselineMbPerSec: Math.round(mb / Math.max(median(base), 1e-6)), target: 20,
  };
  console.log(`${name}: ${out.cpuMbPerSec} MB/s CPU (${out.cpuSeconds} s CPU for ${out.megabytes} MB), ${out.mbPerSec} MB/s wall, median of ${RUNS}; baseline ${out.baselineMbPerSec} MB/s; target ${out.target}`);
  return out;
}

/** A ~20 MB HPRIM Santé file, parsed RUNS times (decode + records + reports: no schema validation). */
export async function benchHprim(): Promise<ParseBench> {
  const bytes = bigFile(20 * 1024 * 1024);
  parseHprimSante(bigFile(200_000), { file: 'warmup.hpr' });
  return measureParse('parse HPRIM Santé', bytes, (b) => parseHprimSante(b, { file: 'bench.hpr' }), (r) => {
    if (!r.reports.length) throw new Error('benchmark file produced no report');
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await benchHprim();
