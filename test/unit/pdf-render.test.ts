import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import type { LabReport, Result } from '../../src/model/labreport.types.js';
import { labReportProblems } from '../../src/model/validate.js';
import { type PdfContext, renderPdf } from '../../src/documents/pdf/render.js';
import { fixtures } from '../helpers/paths.js';
import { pdfItems, pdfPages, pdfText } from '../helpers/pdf-text.js';

const ctx: PdfContext = {
  lab: {
    name: 'Laboratoire de Biologie Médicale des Tilleuls',
    finess: '750000001',
    address: { lines: ['8 place des Tilleuls'], postalCode: '75011', city: 'Paris' },
    phone: '01 43 00 00 00',
  },
  documentId: '240305-0042 v1',
  timezone: 'Europe/Paris',
};

const load = (): LabReport => JSON.parse(readFileSync(fixtures('pdf', 'report.json'), 'utf8')) as LabReport;

function allResults(report: LabReport): Result[] {
  return report.chapters.flatMap((c) => c.batteries.flatMap((b) => [...b.results, ...(b.isolates ?? []).flatMap((i) => i.results ?? [])]));
}

/** The extracted line holding `label` (labels are unique in the fixture). */
function lineOf(text: string, label: string): string {
  const line = text.split('\n').find((l) => l.startsWith(`${label} `) || l === label);
  assert.ok(line, `no line starting with ${label}`);
  return line;
}

describe('renderPdf: content', () => {
  let text: string;
  before(async () => {
    assert.deepEqual(labReportProblems(load()), [], 'the fixture is a valid LabReport');
    text = await pdfText(await renderPdf(load(), ctx));
  });

  it('prints the lab header', () => {
    for (const s of [ctx.lab.name, '8 place des Tilleuls', '75011 Paris', 'FINESS : 750000001', 'Tél. : 01 43 00 00 00']) {
      assert.ok(text.replace(/\n/g, ' ').includes(s), s);
    }
    assert.ok(text.includes("Compte rendu d'examens"));
  });

  it("takes the lab's FINESS from the input when the context has none", async () => {
    const t = await pdfText(await renderPdf(load(), { ...ctx, lab: { name: 'Labo', finess: undefined } }));
    assert.match(t, /FINESS : 750000001/);
  });

  it('prints every patient field, with the INS status', () => {
    for (const s of [
      'LEFÈVRE Hélène',
      'Nom de naissance : DUCHÊNE',
      "Nom d'usage : LEFÈVRE",
      'Prénom(s) : Hélène Marie Françoise',
      'Née le : 14/02/1960',
      'Sexe : Féminin',
      'IPP : IPP-004512',
      'INS : 260027512345678 (NIR) — qualifiée',
      'N° patient du prescripteur : CAB-8812',
      'Lieu de naissance (code INSEE) : 75112',
    ]) {
      assert.ok(text.includes(s), s);
    }
  });

  it('says when the INS is not qualified', async () => {
    const r = load();
    r.patient.ids.ins!.qualified = false;
    assert.match(await pdfText(await renderPdf(r, ctx)), /INS : 260027512345678 \(NIR\) — non qualifiée/);
  });

  it('prints the prescriber, the copies and the dates', () => {
    for (const s of ['Prescripteur', 'Dr Jean MARTIN', 'RPPS 10001234567', 'Copie à', 'Dr Sophie BERNARD (RPPS 10007654321)', 'Pr GARNIER Luc']) {
      assert.ok(text.includes(s), s);
    }
    assert.match(text, /Dossier n° : 240305-0042/);
    assert.match(text, /N° de prescription : ORD-2024-0315/);
    assert.match(text, /Prélevé le : 05\/03\/2024 à 08:20 par IDE Claire ROUX/);
    assert.match(text, /Reçu le : 05\/03\/2024 à 09:05/);
    // 14:32:10+01:00 printed in the lab's zone.
    assert.match(text, /Compte rendu du : 05\/03\/2024 à 14:32/);
  });

  it('prints every result with its value, unit, range and flag', () => {
    const results = allResults(load());
    assert.equal(results.length, 12);
    for (const r of results) {
      const flat = text.replace(/\n/g, ' ');
      assert.ok(flat.includes(r.label.split(' ')[0]!), r.label);
      const v = r.value;
      const value = v.kind === 'numeric' ? (v.comparator ? `${v.comparator} ${v.value}` : v.value) : v.kind === 'text' ? v.text : v.kind === 'coded' ? v.label! : v.reason!;
      assert.ok(flat.includes(value), `${r.code}: ${value}`);
      if (r.unit) assert.ok(flat.includes(r.unit), `${r.code}: ${r.unit}`);
      if (r.range?.low) assert.ok(flat.includes(`${r.range.low} – ${r.range.high}`), `${r.code} range`);
      if (r.range?.text) assert.ok(flat.includes(r.range.text), `${r.code} range text`);
    }
    assert.equal(lineOf(text, 'Sodium'), 'Sodium 131 L mmol/L 136 – 145');
    assert.equal(lineOf(text, 'Potassium'), 'Potassium 6.8 HH mmol/L 3.5 – 5.1');
    assert.equal(lineOf(text, 'Albumine'), 'Albumine 52.1 * g/L 35 – 50');
    assert.equal(lineOf(text, 'Leucocytes'), 'Leucocytes 85000 H /mL < 10 000');
    assert.match(text, /Protéine C réactive \(CRP\) < 0\.12 mg\/L < 5/);
    assert.match(text, /Groupe sanguin ABO A Rhésus positif/);
    assert.match(text, /Aspect du sérum Limpide/);
    assert.match(text.replace(/\n/g, ' '), /Non réalisé : tube coagulé/);
  });

  it('prints the second unit under the first, with its range', () => {
    assert.match(text, /Glucose 5\.40 mmol\/L 3\.90 – 6\.10/);
    assert.match(text, /^0\.97 g\/L 0\.70 – 1\.10$/m);
  });

  it('prints previous results with their dates', () => {
    assert.match(text, /5\.10 \(20\/11\/2023\)/);
    assert.match(text, /0\.88 g\/L \(02\/05\/2023\)/);
    assert.match(text, /12\.4 \(20\/11\/2023\)/);
    assert.match(text, /Antériorités/);
  });

  it('marks abnormal values in bold with a flag, and explains the flags', async () => {
    const items = await pdfItems(await renderPdf(load(), ctx));
    const bold = await boldTexts(load());
    for (const v of ['131', '6.8', '52.1', '85000', '11.2']) assert.ok(bold.has(v), `${v} in bold`);
    assert.ok(!bold.has('5.40'), 'a normal value is not bold');
    assert.ok(items.some((i) => i.text === 'HH'));
    assert.match(text, /H : supérieur aux valeurs de référence/);
  });

  it('prints comments, the antibiogram and the validating biologist', () => {
    for (const s of [
      'Résultat contrôlé sur un second prélèvement ; hémolyse absente.',
      'Ionogramme réalisé sur sérum non hémolysé.',
      'Bilan à contrôler dans un mois.',
      'Souche productrice de pénicillinase de bas niveau.',
      'Germe n° 1 : Escherichia coli',
      'Antibiotique CMI Interprétation',
      'Amoxicilline ≥ 16 mg/L R — Résistant',
      'Fosfomycine 2 mg/L S — Sensible',
      'Ciprofloxacine 0.5 mg/L I — Intermédiaire',
      'Résultat corrigé',
      'Méthode : Électrochimiluminescence',
      'Compte rendu validé par Dr Anne PETIT (RPPS 10009999999), le 05/03/2024 à 14:30.',
    ]) {
      assert.ok(text.includes(s), s);
    }
  });

  it('keeps accents and the micro sign (U+00B5) through extraction', () => {
    assert.ok(text.includes('\u00b5UI/mL'), 'µUI/mL with the micro sign');
    for (const s of ['Échantillon(s)', 'Hématologie', 'Glycémie à jeun', 'Françoise']) assert.ok(text.includes(s), s);
  });

  it('prints "Page x / y" and the document identifier on every page', async () => {
    const pages = await pdfPages(await renderPdf(load(), ctx));
    assert.ok(pages.length >= 2);
    pages.forEach((p, i) => {
      assert.ok(p.includes(`Page ${i + 1} / ${pages.length}`), `page ${i + 1}`);
      assert.ok(p.includes('Réf. 240305-0042 v1'), `id on page ${i + 1}`);
    });
  });
});

describe('renderPdf: status and free text', () => {
  for (const [status, banner] of [
    ['partial', 'Compte rendu partiel'],
    ['corrected', 'Compte rendu corrigé — annule et remplace'],
    ['cancelled', 'ANNULÉ'],
  ] as const) {
    it(`shows a ${status} report on every page`, async () => {
      const r = load();
      r.status = status;
      const pages = await pdfPages(await renderPdf(r, ctx));
      for (const p of pages) assert.ok(p.includes(banner), `${banner} on every page`);
    });
  }

  it('says nothing about status on a final report', () => {
    return renderPdf(load(), ctx).then(pdfText).then((t) => {
      assert.ok(!/partiel|annule et remplace|ANNULÉ/.test(t));
    });
  });

  it('prints the report text as written, in DejaVu Sans Mono', async () => {
    const r = load();
    r.text = 'BIOCHIMIE\n\n   Glucose ........   5.40 mmol/L   (3.90 - 6.10)\nCréatinine : 72 µmol/L';
    const pdf = await renderPdf(r, ctx);
    const t = await pdfText(pdf);
    assert.match(t, /Compte rendu du laboratoire/);
    assert.match(t, /Glucose \.{8} 5\.40 mmol\/L \(3\.90 - 6\.10\)/);
    assert.match(t, /Créatinine : 72 µmol\/L/);
    assert.ok(pdf.includes('DejaVuSansMono'));
  });
});

describe('renderPdf: long reports', () => {
  function longReport(n: number, longLabel = false): LabReport {
    const r = load();
    const results: Result[] = Array.from({ length: n }, (_, i) => ({
      code: `T${i}`,
      label: longLabel && i % 10 === 0 ? `Analyse ${i} ${'avec un libellé vraiment très long '.repeat(6)}fin${i}` : `Analyse numéro ${i}`,
      value: { kind: 'numeric', value: `${i}.${String(i % 100).padStart(2, '0')}` },
      unit: 'mmol/L',
      range: { low: '1.00', high: '9.00' },
      ...(i % 7 === 0 ? { flag: 'H' as const } : {}),
    }));
    r.chapters = [{ label: 'Biochimie', batteries: [{ label: 'Grand bilan', results }] }];
    return r;
  }

  it('paginates 150 results with page numbers and the table header on every page', async () => {
    const pdf = await renderPdf(longReport(150), ctx);
    const pages = await pdfPages(pdf);
    assert.ok(pages.length >= 4, `${pages.length} pages`);
    pages.forEach((p, i) => {
      assert.ok(p.includes(`Page ${i + 1} / ${pages.length}`));
      assert.ok(p.includes('Réf. 240305-0042 v1'));
      assert.ok(p.includes('Examen Résultat Unité Valeurs de'), `table header on page ${i + 1}`);
      if (i > 0) assert.ok(p.includes('Biochimie — Grand bilan (suite)'), `chapter and battery repeated on page ${i + 1}`);
    });
    const all = pages.join('\n');
    for (let i = 0; i < 150; i++) {
      const value = `${i}.${String(i % 100).padStart(2, '0')}`;
      assert.match(all, new RegExp(`^Analyse numéro ${i} ${value.replace('.', '\\.')}( H)? mmol/L 1\\.00 – 9\\.00$`, 'm'), `result ${i}`);
    }
  });

  it('wraps long labels inside the page and keeps every word', async () => {
    const pdf = await renderPdf(longReport(60, true), ctx);
    const items = await pdfItems(pdf);
    for (const it of items) {
      assert.ok(it.x >= 41 && it.x + it.width <= 595.28 - 41, `"${it.text}" inside the margins (x=${it.x}, w=${it.width})`);
      assert.ok(it.y >= 20 && it.y <= 841.89 - 30, `"${it.text}" inside the page height`);
    }
    const all = (await pdfText(pdf)).replace(/\s+/g, ' ');
    for (let i = 0; i < 60; i += 10) assert.ok(all.includes(`fin${i}`), `end of label ${i}`);
  });
});

/** Values drawn in DejaVuSans-Bold, found by rendering and reading the font of each text run. */
async function boldTexts(report: LabReport): Promise<Set<string>> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(await renderPdf(report, ctx)), verbosity: 0 }).promise;
  const out = new Set<string>();
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    // The operator list loads the page's fonts into commonObjs, where their PostScript names are.
    await page.getOperatorList();
    const content = await page.getTextContent({ disableNormalization: true });
    for (const item of content.items) {
      if (!('str' in item)) continue;
      const style = content.styles[item.fontName];
      const font = page.commonObjs.has(item.fontName) ? (page.commonObjs.get(item.fontName) as { name?: string }) : undefined;
      if ((font?.name ?? style?.fontFamily ?? '').includes('Bold')) out.add(item.str.trim());
    }
  }
  await doc.destroy();
  return out;
}
