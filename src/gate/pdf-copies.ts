/**
 * The one asynchronous step the identity check needs: the text of the PDF copy inside each carried CDA.
 * The gate stays pure and synchronous: the caller reads the copies first and hands the texts to
 * identityHolds (src/gate/identity.ts), which holds the report when a copy was not read.
 */
import { carriedCdas } from '../documents/cda/carried.js';
import type { LabReport } from '../model/labreport.types.js';

/** Text of a carried CDA's PDF copy; null when the PDF cannot be read; undefined when the CDA has none. */
export type PdfCopyText = string | null | undefined;

/** One entry per carried CDA, in the order of carriedCdas(report); [] when the report carries none. */
export async function readPdfCopies(report: LabReport): Promise<PdfCopyText[]> {
  const cdas = carriedCdas(report);
  if (!cdas.some((c) => 'xml' in c && c.pdf)) return cdas.map(() => undefined);
  const { pdfPlainText } = await import('../documents/pdf/text.js');
  return Promise.all(cdas.map(async (c) => {
    if (!('xml' in c) || !c.pdf) return undefined;
    try {
      return await pdfPlainText(c.pdf);
    } catch {
      return null;
    }
  }));
}
