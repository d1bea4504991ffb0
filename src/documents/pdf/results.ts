import type { Battery, Chapter, Isolate, LabReport, Result } from '../../model/labreport.types.js';
import { INTERPRETATION, flagText, frDate, frQuantity, frRange, frValue, isAbnormal, resultStatusText } from './format.js';
import { COLOR, type Column, Layout, type Para } from './layout.js';

/**
 * The results: chapter → battery → result lines, with microbiology isolates and their antibiograms.
 * The column header is repeated at the top of every page a table runs onto.
 */

const RESULT_HEAD = ['Examen', 'Résultat', '', 'Unité', 'Valeurs de référence', 'Antériorités'];
const ANTIBIOGRAM_HEAD = ['Antibiotique', 'CMI', 'Interprétation'];

function resultColumns(l: Layout): Column[] {
  const fixed = [158, 96, 24, 54, 84];
  return [...fixed.map((width, i) => ({ width, align: i === 2 ? ('center' as const) : undefined })), { width: l.width - fixed.reduce((a, b) => a + b, 0) }];
}

function antibiogramColumns(): Column[] {
  return [{ width: 220 }, { width: 110 }, { width: 140 }];
}

function header(l: Layout, columns: Column[], titles: string[]): void {
  l.row(columns, titles.map((text) => [{ text, font: 'bold', size: 7.5, color: COLOR.muted }]), { fill: COLOR.head });
}

function sectionTitle(l: Layout, text: string, continued: boolean): void {
  l.row([{ width: l.width }], [[{ text: continued ? `${text} (suite)` : text, font: 'bold', size: 10 }]], { fill: COLOR.band });
}

function comments(l: Layout, lines: string[] | undefined, indent: number): void {
  if (!lines?.length) return;
  l.paragraphs(lines.map((text) => ({ text, size: 8, color: COLOR.muted })), indent);
}

function previousText(r: Result, tz: string): Para[] {
  return (r.previous ?? []).map((p) => {
    const unit = p.unit && p.unit !== r.unit ? ` ${p.unit}` : '';
    return { text: `${frValue(p.value)}${unit} (${frDate(p.date, tz)})`, size: 7.5, color: COLOR.muted };
  });
}

/** One result: its line, the same result in its second unit just below, then its comments. */
function resultRows(l: Layout, r: Result, columns: Column[], tz: string): void {
  const abnormal = isAbnormal(r.flag) || (r.flag === undefined && r.flagText !== undefined);
  const strong = abnormal ? ('bold' as const) : ('regular' as const);
  const status = resultStatusText(r.status);
  const label: Para[] = [
    { text: r.label },
    ...(r.method ? [{ text: `Méthode : ${r.method}`, size: 7, color: COLOR.muted }] : []),
    ...(status ? [{ text: status, font: 'bold' as const, size: 7.5 }] : []),
  ];
  const main: Para[][] = [
    label,
    [{ text: frValue(r.value), font: strong }],
    [{ text: r.flagText ?? flagText(r.flag), font: 'bold' }],
    [{ text: r.unit ?? '' }],
    [{ text: frRange(r.range), size: 8.5 }],
    previousText(r, tz),
  ];
  const second: Para[][] | undefined = r.second && [
    [],
    [{ text: frValue(r.second.value), font: strong, color: COLOR.muted }],
    [],
    [{ text: r.second.unit ?? '', color: COLOR.muted }],
    [{ text: frRange(r.second.range), size: 8.5, color: COLOR.muted }],
    [],
  ];
  l.ensure(l.rowHeight(columns, main) + (second ? l.rowHeight(columns, second) - 4 : 0));
  l.row(columns, main, { ruleBelow: !second && !r.comments?.length });
  if (second) {
    l.gap(-4);
    l.row(columns, second, { ruleBelow: !r.comments?.length });
  }
  if (r.comments?.length) {
    comments(l, r.comments, 12);
    l.rule(COLOR.head, 0.5);
  }
}

function results(l: Layout, rs: Result[], columns: Column[], tz: string): void {
  for (const r of rs) resultRows(l, r, columns, tz);
}

function antibiogram(l: Layout, iso: Isolate, title: string): void {
  if (!iso.susceptibility?.length) return;
  const columns = antibiogramColumns();
  l.ensure(60);
  l.paragraphs([{ text: 'Antibiogramme', font: 'bold', size: 8.5 }], 4);
  header(l, columns, ANTIBIOGRAM_HEAD);
  l.repeat((pl) => {
    sectionTitle(pl, title, true);
    header(pl, columns, ANTIBIOGRAM_HEAD);
  });
  for (const s of iso.susceptibility) {
    const resistant = s.interpretation === 'R' || s.interpretation === 'NS';
    const font = resistant ? ('bold' as const) : ('regular' as const);
    l.row(
      columns,
      [
        [{ text: s.antibiotic.label ?? s.antibiotic.code }],
        [{ text: s.mic ? frQuantity(s.mic) : '' }],
        [{ text: `${s.interpretation} — ${INTERPRETATION[s.interpretation]}`, font }],
      ],
      { ruleBelow: true },
    );
  }
}

function isolates(l: Layout, battery: Battery, chapterTitle: string, columns: Column[], tz: string): void {
  for (const iso of battery.isolates ?? []) {
    const title = `Germe${iso.number ? ` n° ${iso.number}` : ''} : ${iso.organism.label ?? iso.organism.code}`;
    l.repeat((pl) => {
      sectionTitle(pl, `${chapterTitle} — ${title}`, true);
      header(pl, columns, RESULT_HEAD);
    });
    l.ensure(50);
    l.paragraphs([{ text: title, font: 'bold', size: 9 }], 4);
    results(l, iso.results ?? [], columns, tz);
    antibiogram(l, iso, `${chapterTitle} — ${title}`);
    comments(l, iso.comments, 4);
    l.gap(4);
  }
}

function battery(l: Layout, b: Battery, chapterTitle: string, columns: Column[], tz: string): void {
  l.repeat((pl) => {
    sectionTitle(pl, `${chapterTitle} — ${b.label}`, true);
    header(pl, columns, RESULT_HEAD);
  });
  const specimen = b.specimen?.label ?? b.specimen?.type;
  const status = b.status === 'partial' ? 'en cours' : b.status === 'corrected' ? 'corrigé' : b.status === 'cancelled' ? 'annulé' : '';
  const title = [b.label, specimen && `(${specimen})`, status && `— ${status}`].filter(Boolean).join(' ');
  // Keep the battery title with its first result.
  l.ensure(40);
  l.row([{ width: l.width }], [[{ text: title, font: 'bold', size: 9 }]]);
  results(l, b.results, columns, tz);
  isolates(l, b, chapterTitle, columns, tz);
  comments(l, b.comments, 4);
  l.gap(4);
}

function chapter(l: Layout, c: Chapter, tz: string): void {
  const columns = resultColumns(l);
  l.repeat(undefined);
  l.ensure(70);
  sectionTitle(l, c.label, false);
  header(l, columns, RESULT_HEAD);
  for (const b of c.batteries) battery(l, b, c.label, columns, tz);
  l.repeat(undefined);
  l.gap(6);
}

export function drawResults(l: Layout, report: LabReport, timezone: string): void {
  for (const c of report.chapters) chapter(l, c, timezone);
}

/** True when some value carries a flag that the legend explains. */
export function hasFlags(report: LabReport): boolean {
  const flagged = (rs: Result[] | undefined) => (rs ?? []).some((r) => (r.flagText ?? flagText(r.flag)) !== '');
  return report.chapters.some((c) => c.batteries.some((b) => flagged(b.results) || (b.isolates ?? []).some((i) => flagged(i.results))));
}
