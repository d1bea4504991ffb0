import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Pages of a PDF, counted as its `/Type /Page` objects (not `/Pages`, the tree nodes). Enough for the
 * PDFs labmss writes (pdfkit keeps page objects uncompressed); a PDF that hides them in object streams
 * counts as 0 rather than as a guess.
 */
export function countPdfPages(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page(?![A-Za-z])/g)?.length ?? 0;
}

/** Pages of the report PDF in a report's spool folder (0 when the folder or the PDF is gone). */
export function reportPages(dir: string): number {
  let names: string[];
  try { names = readdirSync(dir); } catch { return 0; }
  const pdf = names.find((n) => n.toLowerCase().endsWith('.pdf'));
  return pdf ? countPdfPages(readFileSync(join(dir, pdf))) : 0;
}
