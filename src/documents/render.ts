import type { LabReport } from '../model/labreport.types.js';
import type { ResolvedConfig } from '../config/load.js';
import type { LoincMapping } from '../loinc/mapping.js';
import type { ActionKind } from './action.js';

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
  /** What the message asks of the receivers: integrate, replace or delete (subject, body). */
  action: ActionKind;
  /** Stage 2 was asked for but this report cannot make a valid CR-BIO: why (the PDF still goes out). */
  stage2Problem?: string;
  /**
   * Stage 2 was asked for and the replacement or cancellation cannot be expressed the CI-SIS way: why.
   * Nothing may be sent (HoldCode 'cannot-express'): a cancelled document must never go out as an ordinary one.
   */
  cannotExpress?: string;
}

export const CR_BIO_CODE = '11502-2';

/** The renderers (pdfkit, fonts, XML), loaded on first use: commands that render nothing start faster. */
export function loadRenderers() {
  return Promise.all([import('./pdf/render.js'), import('./cda/build.js'), import('./cda/carried.js'), import('./xdm/build.js'),
    import('./action.js'), import('./cda/ids.js')]);
}

/**
 * Renders the PDF, and with `stage2` the CR-BIO CDA and its IHE_XDM.ZIP. Pure: same inputs, same bytes.
 * A report that carries its lab's own CDA (CI-SIS ORU) is re-sent as is: that CDA byte for byte,
 * and as PDF the copy it embeds (a rendering of its empty chapters would show no result) — except for
 * a cancellation, whose PDF is labmss's own, marked ANNULÉ, since the lab's copy shows nothing cancelled.
 * Replacements and cancellations are expressed in the XDM metadata (src/documents/action.ts);
 * `previousCda` is the CDA labmss sent for the previous version, which a cancellation asks to delete.
 */
export async function renderDocuments(
  report: LabReport,
  ids: DocumentIds,
  opts: { lab: ResolvedConfig['lab']; stage2: boolean; mapping?: LoincMapping; previousCda?: string },
): Promise<RenderedDocuments> {
  const [{ renderPdf }, { buildCda }, { carriedCda, readCdaXml }, { buildXdm }, { actionKind, planAction }, { labRoot }] = await loadRenderers();
  const lab = opts.lab;
  const carried = carriedCda(report);
  const kind = actionKind(report, ids.version);
  const labCopy = report.status === 'cancelled' ? undefined : carried?.pdf;
  const pdf = labCopy ?? await renderPdf(report, {
    lab: { name: lab.name, finess: lab.finess, address: lab.address, phone: lab.phone },
    documentId: `${report.request.fillerId ?? ids.setId.slice(0, 8)} v${ids.version}`,
    timezone: lab.timezone,
  });
  if (!opts.stage2) return { pdf, action: kind };
  const root = labRoot({ name: lab.name, finess: lab.finess });
  const plan = planAction(report, carried, { replacesUniqueId: ids.replaces && `${root}^${ids.replaces}`, previousCda: opts.previousCda });
  if ('problem' in plan) return { pdf, action: kind, cannotExpress: plan.problem };
  const action = plan.action;
  let cda: string;
  try {
    cda = action.kind === 'delete' ? action.cda : carried?.xml ?? buildCda(report, pdf, {
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
    return { pdf, action: kind, stage2Problem: (err as Error).message };
  }
  const inside = cda === carried?.xml ? carried : action.kind === 'delete' ? readCdaXml(cda, 'CDA.XML') : undefined;
  const xdm = buildXdm(cda, report, {
    lab: { name: lab.name, finess: lab.finess, director: lab.director }, timezone: lab.timezone,
    documentId: ids.documentId, setId: ids.setId, uniqueId: inside?.uniqueId, action,
  });
  return { pdf, cda, xdm, cdaCode: inside?.code ?? CR_BIO_CODE, action: action.kind };
}
