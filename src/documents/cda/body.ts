/** structuredBody: notices, chapters of leaf sections, and the mandatory PDF copy. */
import type { Chapter, LabReport } from '../../model/labreport.types.js';
import { resolveLoinc } from '../../loinc/index.js';
import { CHAPTERS, chapterByLoinc, chapterFor } from '../../loinc/chapters.js';
import { batterySection, type SectionCode } from './battery.js';
import { LOINC } from './codes.js';
import type { CdaContext } from './context.js';
import { labRoot } from './ids.js';
import { IdCounter } from './observation.js';
import { el, type XNode } from './xml.js';

const loincCode = (c: SectionCode) => el('code', { code: c.loinc, displayName: c.label, codeSystem: LOINC, codeSystemName: 'LOINC' });

/** LOINC specialty of a chapter: as given, from the section's code or title, from its first mapped result, else "Examens de biologie". */
export function chapterCode(ch: Chapter, ctx: CdaContext): SectionCode {
  if (ch.loinc) return chapterByLoinc(ch.loinc) ?? { loinc: ch.loinc, label: ch.label };
  const named = (ch.code ? chapterFor(ch.code) : undefined) ?? chapterFor(ch.label);
  if (named) return named;
  for (const b of ch.batteries) {
    for (const r of b.results) {
      const l = resolveLoinc({ code: r.code, label: r.label, loinc: r.loinc, unit: r.unit }, ctx.mapping);
      if (l?.chapter) return l.chapter;
    }
  }
  return CHAPTERS.laboratory;
}

function notesSection(title: string, paragraphs: string[]): XNode {
  return el('component', null, el('section', null,
    el('templateId', { root: '2.16.840.1.113883.10.12.201' }),
    el('templateId', { root: '1.3.6.1.4.1.19376.1.4.1.2.16' }),
    el('templateId', { root: '1.2.250.1.213.1.1.2.73' }),
    el('code', { code: '55112-7', displayName: 'Commentaire', codeSystem: LOINC, codeSystemName: 'LOINC' }),
    el('title', null, title),
    el('text', null, paragraphs.map((p) => el('paragraph', null, p)))));
}

function pdfSection(pdf: Buffer, ctx: CdaContext): XNode {
  const root = labRoot(ctx.lab);
  return el('component', null, el('section', null,
    el('templateId', { root: '1.2.250.1.213.1.1.2.243' }),
    el('id', { root, extension: `${ctx.documentId}-pdf` }),
    el('code', { code: '55108-5', displayName: 'Copie du document', codeSystem: LOINC, codeSystemName: 'LOINC' }),
    el('title', null, 'Copie du document'),
    el('text', null, el('table', { border: '0' }, el('tbody', null, el('tr', null,
      el('td', null, el('content', { ID: 'pdf-copie' }, 'Copie PDF du compte rendu')),
      el('td', null, el('renderMultiMedia', { referencedObject: 'pdf-1' })))))),
    el('entry', null, el('organizer', { classCode: 'CLUSTER', moodCode: 'EVN' },
      el('templateId', { root: '1.2.250.1.213.1.1.3.18' }),
      el('id', { root, extension: `${ctx.documentId}-pdf-organizer` }),
      el('code', { code: '55107-7', displayName: 'Document attaché', codeSystem: LOINC, codeSystemName: 'LOINC' }),
      el('statusCode', { code: 'completed' }),
      el('component', null, el('observation', { classCode: 'OBS', moodCode: 'EVN' },
        el('templateId', { root: '1.3.6.1.4.1.19376.1.5.3.1.4.13' }),
        el('templateId', { root: '1.2.250.1.213.1.1.3.48' }),
        el('templateId', { root: '1.2.250.1.213.1.1.3.48.18' }),
        el('id', { root, extension: `${ctx.documentId}-pdf-type` }),
        el('code', { code: '69764-9', displayName: 'Type de document', codeSystem: LOINC, codeSystemName: 'LOINC' }),
        el('text', null, el('reference', { value: '#pdf-copie' })),
        el('statusCode', { code: 'completed' }),
        el('effectiveTime', { nullFlavor: 'NA' }),
        el('value', { 'xsi:type': 'CD', code: '55108-5', displayName: 'Copie du document', codeSystem: LOINC, codeSystemName: 'LOINC' }))),
      el('component', null, el('observationMedia', { classCode: 'OBS', moodCode: 'EVN', ID: 'pdf-1' },
        el('value', { mediaType: 'application/pdf', representation: 'B64' }, pdf.toString('base64'))))))));
}

export interface Body { body: XNode; chapters: SectionCode[] }

export function body(report: LabReport, pdf: Buffer, ctx: CdaContext): Body {
  const ids = new IdCounter();
  const cancelled = report.status === 'cancelled';
  const c = { report, ctx, ids, cancelled };
  const chapters: SectionCode[] = [];
  const chapterNodes: XNode[] = [];
  const pending: string[] = [];
  for (const ch of report.chapters) {
    const code = chapterCode(ch, ctx);
    const subs: XNode[] = [];
    for (const b of ch.batteries) {
      const batteryLoinc = resolveLoinc({ code: b.code ?? '', label: b.label, loinc: b.loinc }, ctx.mapping);
      const s = batterySection(b, batteryLoinc ? { loinc: batteryLoinc.loinc, label: batteryLoinc.label } : code, c);
      if (s) subs.push(el('component', null, s));
      else if (b.results.length || b.isolates?.length) pending.push(b.label);
    }
    if (subs.length === 0) continue;
    if (!chapters.some((x) => x.loinc === code.loinc)) chapters.push(code);
    chapterNodes.push(el('component', null, el('section', null,
      el('templateId', { root: '1.3.6.1.4.1.19376.1.3.3.2.1' }),
      el('templateId', { root: '1.2.250.1.213.1.1.2.70' }),
      loincCode(code),
      el('title', null, ch.label),
      subs)));
  }
  if (chapterNodes.length === 0) throw new Error('CR-BIO needs at least one result: this report has none to structure (send the PDF only)');

  const notices: XNode[] = [];
  if (cancelled) {
    notices.push(notesSection('Annulation du compte rendu', [
      ctx.replaces
        ? 'Ce compte rendu est annulé : les résultats de la version précédente ne doivent plus être utilisés.'
        : 'Ce compte rendu est annulé : ses résultats ne doivent pas être utilisés.',
    ]));
  } else if (report.status === 'corrected' && ctx.replaces) {
    notices.push(notesSection('Compte rendu corrigé', ['Ce compte rendu corrigé annule et remplace la version précédente.']));
  }
  if (report.comments?.length) notices.push(notesSection('Commentaires', report.comments));
  if (pending.length) notices.push(notesSection('Examens en cours', pending.map((l) => `${l} : résultat à suivre`)));

  return {
    chapters,
    body: el('component', null, el('structuredBody', null, notices, chapterNodes, pdfSection(pdf, ctx))),
  };
}
