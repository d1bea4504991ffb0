import type { LabReport } from '../model/labreport.types.js';
import type { ResolvedConfig } from '../config/load.js';
import type { LoincMapping } from '../loinc/mapping.js';

/** Everything that identifies one version of one report's documents. */
export interface DocumentIds {
  documentId: string;
  setId: string;
  version: number;
  /** Document id of the version this one replaces. */
  replaces?: string;
}

export interface RenderedDocuments {
  pdf: Buffer;
  /** Stage 2 only. */
  cda?: string;
  xdm?: Buffer;
  /** CDA `code/@code`, for X-MSS-CODECDA. */
  cdaCode?: string;
  /** Stage 2 was asked for but this report cannot make a valid CR-BIO: why (the PDF still goes out). */
  stage2Problem?: string;
}

export const CR_BIO_CODE = '11502-2';

/**
 * Renders the PDF, and with `stage2` the CR-BIO CDA and its IHE_XDM.ZIP. Pure: same inputs, same bytes.
 * A report that carries its lab's own CDA (CI-SIS ORU) is re-sent as is: that CDA byte for byte,
 * and as PDF the copy it embeds (a rendering of its empty chapters would show no result).
 */
export async function renderDocuments(
  report: LabReport,
  ids: DocumentIds,
  opts: { lab: ResolvedConfig['lab']; stage2: boolean; mapping?: LoincMapping },
): Promise<RenderedDocuments> {
  // The renderers (pdfkit, fonts, XML) load on first use: commands that render nothing start faster.
  const [{ renderPdf }, { buildCda }, { carriedCda }, { buildXdm }] = await Promise.all([
    import('./pdf/render.js'), import('./cda/build.js'), import('./cda/carried.js'), import('./xdm/build.js')]);
  const lab = opts.lab;
  const carried = carriedCda(report);
  const pdf = carried?.pdf ?? await renderPdf(report, {
    lab: { name: lab.name, finess: lab.finess, address: lab.address, phone: lab.phone },
    documentId: `${report.request.fillerId ?? ids.setId.slice(0, 8)} v${ids.version}`,
    timezone: lab.timezone,
  });
  if (!opts.stage2) return { pdf };
  let cda: string;
  try {
    cda = carried?.xml ?? buildCda(report, pdf, {
      lab: { name: lab.name, finess: lab.finess, address: lab.address, phone: lab.phone, director: lab.director },
      timezone: lab.timezone,
      documentId: ids.documentId,
      setId: ids.setId,
      version: ids.version,
      replaces: ids.replaces,
      mapping: opts.mapping,
    });
  } catch (err) {
    // A doctor must still get the result: the report goes out as stage 1, and the reason is journaled.
    return { pdf, stage2Problem: (err as Error).message };
  }
  const xdm = buildXdm(cda, report, { lab: { name: lab.name, finess: lab.finess, director: lab.director }, timezone: lab.timezone, documentId: ids.documentId, setId: ids.setId, uniqueId: carried?.uniqueId });
  return { pdf, cda, xdm, cdaCode: carried?.code ?? CR_BIO_CODE };
}
