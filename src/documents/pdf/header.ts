import type { Address, LabReport, Practitioner } from '../../model/labreport.types.js';
import { bornLabel, frDate, frDateTime, frIns, frSex, practitionerIds, practitionerName } from './format.js';
import { A4, COLOR, Layout, MARGIN, type Para, leading } from './layout.js';
import type { PdfContext } from './render.js';

/** The parts of the report around the results: lab header, identities, dates, status, page chrome. */

export const TITLE = "Compte rendu d'examens biologiques";

const STATUS_TEXT: Record<LabReport['status'], string> = {
  final: '',
  partial: 'Compte rendu partiel',
  corrected: 'Compte rendu corrigé — annule et remplace',
  cancelled: 'ANNULÉ',
};

function statusText(report: LabReport): string {
  return STATUS_TEXT[report.status];
}

function addressLines(a: Address | undefined): string[] {
  if (!a) return [];
  const city = [a.postalCode, a.city].filter(Boolean).join(' ');
  return [...(a.lines ?? []), city, a.country ?? ''].filter((s) => s.trim() !== '');
}

/** `DUPONT Marie`: the name in use and the first given name, as the lab wrote them. */
function patientShortName(report: LabReport): string {
  const p = report.patient;
  return [p.familyName, p.usedGivenName ?? p.givenNames?.[0]].filter(Boolean).join(' ');
}

function patientLine(report: LabReport, ctx: PdfContext): string {
  const p = report.patient;
  const born = p.birthDate ? ` — ${bornLabel(p.sex).toLowerCase()} ${frDate(p.birthDate, ctx.timezone)}` : '';
  return `${patientShortName(report)}${born}`;
}

type Block = Para[];

function labBlock(ctx: PdfContext, report: LabReport): Block {
  // The configured lab wins; the input's lab fills what the configuration leaves out (even when undefined).
  const lab = {
    name: ctx.lab.name,
    address: ctx.lab.address ?? report.lab?.address,
    phone: ctx.lab.phone ?? report.lab?.phone,
    finess: ctx.lab.finess ?? report.lab?.finess,
  };
  const small = { size: 8.5, color: COLOR.muted };
  const out: Block = [{ text: lab.name, font: 'bold', size: 12 }];
  for (const l of addressLines(lab.address)) out.push({ text: l, ...small });
  if (lab.phone) out.push({ text: `Tél. : ${lab.phone}`, ...small });
  if (lab.finess) out.push({ text: `FINESS : ${lab.finess}`, ...small });
  return out;
}

function patientBlock(report: LabReport, ctx: PdfContext): Block {
  const p = report.patient;
  const field = (label: string, value: string | undefined): Para[] => (value ? [{ text: `${label} : ${value}`, size: 8.5 }] : []);
  const given = p.givenNames?.join(' ');
  return [
    { text: 'Patient', font: 'bold', size: 7.5, color: COLOR.muted },
    { text: patientShortName(report), font: 'bold', size: 11 },
    ...(p.birthFamilyName
      ? [...field('Nom de naissance', p.birthFamilyName), ...field("Nom d'usage", p.familyName)]
      : field('Nom', p.familyName)),
    ...field('Prénom(s)', given),
    ...(p.usedGivenName && p.usedGivenName !== p.givenNames?.[0] ? field('Prénom utilisé', p.usedGivenName) : []),
    ...field(bornLabel(p.sex), frDate(p.birthDate, ctx.timezone)),
    ...field('Lieu de naissance (code INSEE)', p.birthPlaceCode),
    ...field('Sexe', frSex(p.sex)),
    ...field('IPP', p.ids.ipp),
    ...field('INS', p.ids.ins && frIns(p.ids.ins)),
    ...field('NIR', p.ids.nir),
    ...field('N° patient du prescripteur', p.ids.requesterId),
    ...addressLines(p.address).map((text) => ({ text, size: 8, color: COLOR.muted })),
  ];
}

function practitionerParas(p: Practitioner, size: number): Block {
  const ids = practitionerIds(p);
  return [
    { text: practitionerName(p), font: 'bold', size },
    ...(ids ? [{ text: ids, size: 7.5, color: COLOR.muted }] : []),
    ...(p.organization ? [{ text: p.organization, size: 8 }] : []),
    ...addressLines(p.address).map((text) => ({ text, size: 8, color: COLOR.muted })),
  ];
}

function prescriberBlock(report: LabReport): Block {
  const out: Block = [];
  if (report.prescriber) {
    out.push({ text: 'Prescripteur', font: 'bold', size: 7.5, color: COLOR.muted }, ...practitionerParas(report.prescriber, 9.5));
  }
  if (report.copiesTo?.length) {
    out.push({ text: ' ', size: 4 }, { text: 'Copie à', font: 'bold', size: 7.5, color: COLOR.muted });
    for (const c of report.copiesTo) {
      const ids = practitionerIds(c);
      out.push({ text: ids ? `${practitionerName(c)} (${ids})` : practitionerName(c), size: 8.5 });
    }
  }
  return out;
}

function blockHeight(l: Layout, block: Block, width: number): number {
  return block.reduce((h, p) => h + l.wrap(p, width).length * leading(p.size ?? 9), 0);
}

/** Draws paragraphs in a box at a fixed place; returns the height used. */
function drawBlock(l: Layout, block: Block, x: number, y: number, width: number): number {
  let dy = 0;
  for (const p of block) {
    l.put(p.text, x, y + dy, width, p);
    dy += l.wrap(p, width).length * leading(p.size ?? 9);
  }
  return dy;
}

/** First-page header: the lab, the title, the status, the prescriber and the patient. */
export function drawFirstPageHeader(l: Layout, report: LabReport, ctx: PdfContext): void {
  const half = l.width / 2 - 8;
  const top = l.y;
  const labW = l.width * 0.58;
  const labH = drawBlock(l, labBlock(ctx, report), l.left, top, labW);
  const right = l.left + l.width / 2 + 8;
  const titleBlock: Block = [
    { text: TITLE, font: 'bold', size: 11, align: 'right' },
    ...(report.request.fillerId ? [{ text: `Dossier n° ${report.request.fillerId}`, size: 9, align: 'right' as const }] : []),
    { text: `Réf. ${ctx.documentId}`, size: 7.5, color: COLOR.muted, align: 'right' },
  ];
  const titleH = drawBlock(l, titleBlock, l.left + labW + 8, top, l.width - labW - 8);
  l.y = top + Math.max(labH, titleH) + 6;
  l.rule();
  l.gap(8);

  const status = statusText(report);
  if (status) drawStatusBanner(l, status);

  const boxTop = l.y;
  const pad = 6;
  const patient = patientBlock(report, ctx);
  const patientH = blockHeight(l, patient, half - 2 * pad) + 2 * pad;
  l.doc.save().rect(right - 4, boxTop, half + 4, patientH).lineWidth(0.8).strokeColor(COLOR.rule).stroke().restore();
  drawBlock(l, patient, right - 4 + pad, boxTop + pad, half - 2 * pad);
  const prescH = drawBlock(l, prescriberBlock(report), l.left, boxTop + pad, half);
  l.y = boxTop + Math.max(patientH, prescH + pad) + 10;
  drawDates(l, report, ctx);
}

function drawStatusBanner(l: Layout, text: string): void {
  const size = text === 'ANNULÉ' ? 14 : 11;
  const h = leading(size) + 8;
  l.doc.save().rect(l.left, l.y, l.width, h).lineWidth(1.5).strokeColor(COLOR.text).stroke().restore();
  l.put(text, l.left, l.y + 4.5, l.width, { font: 'bold', size, align: 'center' });
  l.y += h + 8;
}

/** The request: numbers, dates of prescription, collection, reception and report, specimens. */
function drawDates(l: Layout, report: LabReport, ctx: PdfContext): void {
  const r = report.request;
  const tz = ctx.timezone;
  const sampler = r.sampler ? ` par ${practitionerName(r.sampler)}` : '';
  const facts: [string, string | undefined][] = [
    ['Dossier n°', r.fillerId],
    ['N° de prescription', r.placerId],
    ['Prescrit le', frDateTime(r.prescribedAt, tz)],
    ['Prélevé le', r.collectedAt && frDateTime(r.collectedAt, tz) + sampler],
    ['Reçu le', frDateTime(r.receivedAt, tz)],
    ['Compte rendu du', frDateTime(r.reportedAt, tz)],
    ['Priorité', r.priority],
    ['Échantillon(s)', r.specimens?.map((s) => [s.label ?? s.type, s.id && `n° ${s.id}`].filter(Boolean).join(' ')).join(', ')],
  ];
  const shown = facts.filter((f): f is [string, string] => !!f[1]);
  if (shown.length === 0) return;
  const columns = [{ width: l.width / 2 }, { width: l.width / 2 }];
  l.rule('#d5dae0', 0.5);
  l.gap(2);
  for (let i = 0; i < shown.length; i += 2) {
    l.row(
      columns,
      shown.slice(i, i + 2).map(([k, v]) => [{ text: `${k} : ${v}`, size: 8.5 }]),
      { tight: true },
    );
  }
  l.gap(2);
  l.rule('#d5dae0', 0.5);
  l.gap(10);
}

/** Pages after the first start with who and what this page is about. */
export function drawRunningHeader(l: Layout, report: LabReport, ctx: PdfContext): void {
  const y = l.y;
  const half = l.width / 2;
  const status = statusText(report);
  l.put(ctx.lab.name, l.left, y, half, { font: 'bold', size: 8.5 });
  l.put(status || TITLE, l.left + half, y, half, status ? { font: 'bold', size: 8.5, align: 'right' } : { size: 8, color: COLOR.muted, align: 'right' });
  l.put(patientLine(report, ctx), l.left, y + 12, half + 60, { font: 'bold', size: 8.5 });
  if (report.request.fillerId) l.put(`Dossier n° ${report.request.fillerId}`, l.left + half, y + 12, half, { size: 8, align: 'right' });
  l.y = y + 26;
  l.rule();
  l.gap(8);
}

/** Every page: the document identifier, the patient and "Page x / y" (pages are buffered until the end). */
export function drawFooters(l: Layout, report: LabReport, ctx: PdfContext): void {
  const range = l.doc.bufferedPageRange();
  const y = A4.height - MARGIN.bottom + 14;
  const third = l.width / 3;
  for (let i = range.start; i < range.start + range.count; i++) {
    l.doc.switchToPage(i);
    l.doc.save().moveTo(l.left, y - 5).lineTo(l.left + l.width, y - 5).lineWidth(0.5).strokeColor(COLOR.rule).stroke().restore();
    const small = { size: 7.5, color: COLOR.muted };
    l.put(`Réf. ${ctx.documentId}`, l.left, y, third + 30, small);
    l.put(patientLine(report, ctx), l.left + third - 10, y, third + 20, { ...small, align: 'center' });
    l.put(`Page ${i - range.start + 1} / ${range.count}`, l.left + 2 * third, y, third, { ...small, align: 'right' });
  }
}
