import type { LabReport, Result } from '../src/model/labreport.types.js';
import { type PdfContext, renderPdf } from '../src/documents/pdf/render.js';

/** A typical routine report: 30 results over three chapters, a few flagged, some with history. */
function report30(): LabReport {
  const result = (i: number): Result => ({
    code: `T${i}`,
    label: `Analyse de routine n° ${i}`,
    value: { kind: 'numeric', value: `${(i * 1.37).toFixed(2)}` },
    unit: 'mmol/L',
    range: { low: '1.00', high: '9.00' },
    ...(i % 6 === 0 ? { flag: 'H' as const } : {}),
    ...(i % 4 === 0 ? { previous: [{ value: { kind: 'numeric' as const, value: '4.10' }, date: '2023-11-20' }] } : {}),
  });
  const chapter = (label: string, from: number) => ({
    label,
    batteries: [{ label: `${label} — bilan`, results: Array.from({ length: 10 }, (_, k) => result(from + k)) }],
  });
  return {
    patient: { ids: { ipp: 'P1' }, familyName: 'DURAND', givenNames: ['Paul'], birthDate: '1970-01-01', sex: 'M' },
    prescriber: { title: 'Dr', familyName: 'MARTIN', givenName: 'Jean', rpps: '10001234567' },
    request: { fillerId: 'B-1', collectedAt: '2024-03-05T08:20', reportedAt: '2024-03-05T14:00' },
    validator: { title: 'Dr', familyName: 'PETIT', givenName: 'Anne' },
    status: 'final',
    chapters: [chapter('Biochimie', 0), chapter('Hématologie', 10), chapter('Immunologie', 20)],
  };
}

const ctx: PdfContext = { lab: { name: 'Laboratoire de bench', finess: '750000001' }, documentId: 'B-1 v1', timezone: 'Europe/Paris' };

/** PDF renders per second for a 30-result report, over at least two seconds after a warm-up. */
export async function benchPdf(): Promise<{ name: string; perSec: number; cpuMsPerRender: number }> {
  const report = report30();
  for (let i = 0; i < 5; i++) await renderPdf(report, ctx);
  let n = 0;
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  let seconds = 0;
  while (seconds < 2) {
    await renderPdf(report, ctx);
    n++;
    seconds = Number(process.hrtime.bigint() - start) / 1e9;
  }
  const used = process.cpuUsage(cpu);
  // CPU time too: on a shared machine it moves less than the wall-clock rate.
  return { name: 'pdf render (30 results)', perSec: n / seconds, cpuMsPerRender: +((used.user + used.system) / 1000 / n).toFixed(2) };
}
