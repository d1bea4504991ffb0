import type { LabReport } from '../../model/labreport.types.js';
import { FLAG_LEGEND, frDateTime, practitionerIds, practitionerName, toInstant } from './format.js';
import { TITLE, drawFirstPageHeader, drawFooters, drawRunningHeader } from './header.js';
import { COLOR, Layout } from './layout.js';
import { createPdfaDocument, finish } from './pdfa.js';
import { drawResults, hasFlags } from './results.js';

export interface PdfContext {
  lab: { name: string; finess?: string; address?: { lines?: string[]; postalCode?: string; city?: string }; phone?: string };
  /** Identifier printed on every page (e.g. the lab file number + version). */
  documentId: string;
  /** IANA zone of the lab: times with an offset are printed in it, times without are lab-local already. */
  timezone: string;
}

/** Used when the report carries no time at all, so the output still does not depend on the clock. */
const FIXED_EPOCH = new Date(Date.UTC(2000, 0, 1));

function documentDate(report: LabReport, timezone: string): Date {
  const r = report.request;
  for (const t of [r.reportedAt, r.collectedAt]) {
    const d = t ? toInstant(t, timezone) : undefined;
    if (d && !Number.isNaN(d.getTime())) return d;
  }
  return FIXED_EPOCH;
}

function heading(l: Layout, text: string): void {
  l.ensure(40);
  l.gap(4);
  l.paragraphs([{ text, font: 'bold', size: 10 }]);
  l.rule();
  l.gap(4);
}

function drawClosing(l: Layout, report: LabReport, ctx: PdfContext): void {
  if (hasFlags(report)) {
    l.paragraphs([{ text: FLAG_LEGEND, size: 7, color: COLOR.muted }]);
    l.gap(6);
  }
  if (report.comments?.length) {
    heading(l, 'Commentaires');
    l.paragraphs(report.comments.map((text) => ({ text, size: 9 })));
    l.gap(6);
  }
  if (report.text) {
    heading(l, 'Compte rendu du laboratoire');
    l.paragraphs([{ text: report.text, font: 'mono', size: 8, pre: true }]);
    l.gap(6);
  }
  const v = report.validator;
  if (v) {
    const ids = practitionerIds(v);
    const when = frDateTime(v.time ?? report.request.reportedAt, ctx.timezone);
    l.ensure(30);
    l.gap(6);
    l.paragraphs([
      { text: `Compte rendu validé par ${practitionerName(v)}${ids ? ` (${ids})` : ''}${when ? `, le ${when}` : ''}.`, font: 'bold', size: 9 },
    ]);
  }
}

/**
 * The French PDF/A-1b report of one LabReport. Pure: the same report and context always give the same
 * bytes (the only files read are the bundled fonts and ICC profile, once per process).
 */
export async function renderPdf(report: LabReport, ctx: PdfContext): Promise<Buffer> {
  const doc = createPdfaDocument({
    title: TITLE,
    author: ctx.lab.name,
    date: documentDate(report, ctx.timezone),
    idSeed: JSON.stringify([report, ctx]),
  });
  const l = new Layout(doc);
  l.onPageStart((pl) => drawRunningHeader(pl, report, ctx));
  l.firstPage();
  drawFirstPageHeader(l, report, ctx);
  drawResults(l, report, ctx.timezone);
  drawClosing(l, report, ctx);
  drawFooters(l, report, ctx);
  return finish(doc);
}
