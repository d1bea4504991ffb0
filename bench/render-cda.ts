/** CDA + XDM build rate for a 30-result report whose PDF is already rendered (target ≥ 100/s). */
import { buildCda } from '../src/documents/cda/build.js';
import { buildXdm } from '../src/documents/xdm/build.js';
import { renderDocuments } from '../src/documents/render.js';
import type { LabReport, Result } from '../src/model/labreport.types.js';

function report30(): LabReport {
  const results: Result[] = Array.from({ length: 30 }, (_, i) => ({
    code: `T${i}`, label: `Analyse ${i + 1}`, loinc: i % 3 === 0 ? '2951-2' : undefined,
    value: { kind: 'numeric', value: `${(i * 1.7 + 3).toFixed(2)}` }, unit: 'mmol/L',
    range: { low: '1.00', high: '50.00' }, flag: i % 5 === 0 ? 'H' : 'N',
    previous: i % 4 === 0 ? [{ value: { kind: 'numeric', value: '4.20' }, unit: 'mmol/L', date: '2023-06-01T08:00' }] : undefined,
  }));
  return {
    patient: { ids: { ipp: 'IPP1' }, familyName: 'BENCH', givenNames: ['Alice'], birthDate: '1970-01-01', sex: 'F' },
    request: { fillerId: 'B1', collectedAt: '2024-01-04T07:35', reportedAt: '2024-01-04T16:00' },
    status: 'final',
    chapters: [{ label: 'Biochimie', batteries: [0, 1, 2].map((b) => ({ label: `Bilan ${b + 1}`, results: results.slice(b * 10, b * 10 + 10) })) }],
  };
}

export async function benchCda(): Promise<{ name: string; perSec: number }[]> {
  const report = report30();
  // A rendered PDF is mostly compressed streams: fill with deterministic pseudo-random bytes.
  const pdf = Buffer.alloc(60_000);
  for (let i = 0, x = 1; i < pdf.length; i++) { x = (x * 1103515245 + 12345) >>> 0; pdf[i] = x >>> 24; }
  const lab = { name: 'Laboratoire Bench', finess: '120459876', director: { rpps: '10000000009', familyName: 'LEROY', givenName: 'Claire' } };
  const ctx = { lab, timezone: 'Europe/Paris', documentId: 'D1', setId: 'S1', version: 1 };
  const run = () => buildXdm(buildCda(report, pdf, ctx), report, ctx);
  for (let i = 0; i < 20; i++) run();
  const n = 200;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) run();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;

  // Alongside: the full render a report goes through in stage 2 (PDF, then CDA embedding it, then XDM).
  const ids = { documentId: 'D1', setId: 'S1', version: 1 };
  const full = { lab: { ...lab, mailbox: 'labo@bench.mssante.fr', timezone: 'Europe/Paris' }, stage2: true };
  for (let i = 0; i < 5; i++) await renderDocuments(report, ids, full);
  const m = 50;
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < m; i++) await renderDocuments(report, ids, full);
  const fullSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
  return [
    { name: 'CDA + XDM build (30 results, PDF pre-rendered)', perSec: n / seconds },
    { name: 'full render PDF + CDA + XDM (30 results)', perSec: m / fullSeconds },
  ];
}
