import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { buildCda } from '../../src/documents/cda/build.js';
import { hl7Time } from '../../src/documents/cda/time.js';
import { toUcum } from '../../src/loinc/index.js';
import { CDA_CASES, cdaContext, loadReport, PDF } from '../helpers/cda-fixtures.js';
import { validateCda } from '../helpers/validate-cda.js';

type Node = Record<string, unknown>;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', preserveOrder: true, trimValues: false });
const render = (c: (typeof CDA_CASES)[number]) => buildCda(loadReport(c.name), PDF, cdaContext(c));

const attrs = (n: Node) => (n[':@'] ?? {}) as Record<string, string>;
const tag = (n: Node) => Object.keys(n).find((k) => k !== ':@')!;
const kids = (n: Node) => (n[tag(n)] as Node[]) ?? [];
function* walk(nodes: Node[]): Generator<Node> {
  for (const n of nodes) { yield n; if (tag(n) !== '#text') yield* walk(kids(n)); }
}
const textOf = (n: Node): string => tag(n) === '#text' ? String(n['#text']) : kids(n).map(textOf).join('');
const child = (n: Node, name: string) => kids(n).find((k) => tag(k) === name);

function byId(doc: Node[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const n of walk(doc)) if (attrs(n)['@_ID']) m.set(attrs(n)['@_ID']!, textOf(n));
  return m;
}

/** The words a typed value must show in the narrative (written independently of the builder). */
function expectedText(value: Node): string | undefined {
  const a = attrs(value);
  const unit = (u?: string) => (u ? ` ${u}` : '');
  switch (a['@_xsi:type']) {
    case 'PQ': return `${a['@_value']}${unit(a['@_unit'])}`;
    case 'INT': return a['@_value'];
    case 'ST': return textOf(value);
    case 'IVL_PQ': {
      const b = kids(value)[0]!;
      const op = (tag(b) === 'low' ? '>' : '<') + (attrs(b)['@_inclusive'] === 'true' ? '=' : '');
      return `${op}${attrs(b)['@_value']}${unit(attrs(b)['@_unit'])}`;
    }
    default: return undefined;
  }
}
/** Narrative shows the lab's unit, the entry its UCUM form: compare through toUcum. */
function sameShown(narrative: string, expected: string): boolean {
  if (narrative === expected) return true;
  const [nv, ...nu] = narrative.split(' ');
  const [ev, ...eu] = expected.split(' ');
  return nv === ev && toUcum(nu.join(' '))?.ucum === eu.join(' ');
}

test('every fixture CDA passes the official validator with 0 errors', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'labmss-cda-'));
  const files = CDA_CASES.map((c) => {
    const f = join(dir, `${c.name}.xml`);
    writeFileSync(f, render(c));
    return f;
  });
  const results = validateCda(t, files);
  if (!results) return;
  for (const r of results) assert.ok(r.valid, `${r.file}:\n${r.errors.join('\n')}\n${r.report}`);
});

test('every originalText/text reference names an ID whose text shows the coded value', () => {
  for (const c of CDA_CASES) {
    const doc = parser.parse(render(c)) as Node[];
    const ids = byId(doc);
    let checked = 0;
    for (const n of walk(doc)) {
      if (tag(n) === 'reference') {
        const ref = attrs(n)['@_value']!;
        assert.ok(ref.startsWith('#') && ids.has(ref.slice(1)), `${c.name}: dangling reference ${ref}`);
      }
      if (tag(n) !== 'observation') continue;
      const value = child(n, 'value');
      const ref = child(n, 'code') && child(child(n, 'code')!, 'originalText');
      const textRef = child(n, 'text');
      // A previous result (REFR) points at its own narrative text through observation/text.
      const target = textRef ? attrs(child(textRef, 'reference')!)['@_value']!.slice(1) : ref ? attrs(child(ref, 'reference')!)['@_value']!.slice(1) : undefined;
      if (!value || !target) continue;
      const want = expectedText(value);
      if (want === undefined) continue;
      // The observation's own value sits in `<id>-v`; a previous value (REFR) is the referenced text itself.
      const shown = textRef ? ids.get(target)! : ids.get(`${target}-v`) ?? ids.get(target)!;
      assert.ok(sameShown(shown, want), `${c.name}: ${target} shows "${shown}", entry says "${want}"`);
      checked++;
    }
    assert.ok(checked > 3, `${c.name}: only ${checked} values checked`);
  }
});

test('every input value appears in the entries', () => {
  for (const c of CDA_CASES.filter((x) => x.name !== 'hematology-odd')) {
    const report = loadReport(c.name);
    const xml = render(c);
    for (const ch of report.chapters) for (const b of ch.batteries) {
      for (const r of [...b.results, ...(b.isolates ?? []).flatMap((i) => i.results ?? [])]) {
        if (r.value.kind === 'numeric') assert.match(xml, new RegExp(`value="${r.value.value.replace('.', '\\.')}"`), `${c.name}: ${r.code}`);
        if (r.value.kind === 'text') assert.ok(xml.includes(`xsi:type="ST">${r.value.text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}<`), `${c.name}: ${r.code}`);
        if (r.second?.value.kind === 'numeric') assert.ok(xml.includes(`value="${r.second.value.value}"`));
      }
    }
  }
});

test('header: qualified INS with all traits carried, otherwise IPP only; RPLC for version 2', () => {
  const bio = render(CDA_CASES[0]!);
  assert.match(bio, /<id root="1\.2\.250\.1\.213\.1\.4\.10" extension="279035121518989"\/>/);
  assert.match(bio, /<templateId root="1\.2\.250\.1\.213\.1\.1\.1\.55" extension="2024\.01"\/>/);
  assert.match(bio, /<effectiveTime value="20240104160527\+0100"\/>/);
  const micro = render(CDA_CASES[1]!);
  assert.ok(!micro.includes('180127512345678'), 'an unqualified INS is never written');
  // hematology-odd: qualified INS but no birth place or sex → no INS in the document.
  assert.ok(!render(CDA_CASES[2]!).includes('180127512345678'));
  const v2 = render(CDA_CASES[3]!);
  assert.match(v2, /<versionNumber value="2"\/>/);
  assert.match(v2, /<relatedDocument typeCode="RPLC"><parentDocument><id root="[0-9.]+" extension="CR-240104-0042-v1"\/>/);
  const cancelled = render(CDA_CASES[4]!);
  assert.match(cancelled, /Ce compte rendu est annulé/);
  assert.ok(!/<observation classCode="OBS" moodCode="EVN"><templateId root="1\.3\.6\.1\.4\.1\.19376\.1\.3\.1\.6"\/><templateId root="1\.2\.250\.1\.213\.1\.1\.3\.80"\/><code[^>]*>(?:(?!<\/observation>).)*<statusCode code="completed"/.test(cancelled));
});

test('XML-special characters are escaped by the builder', () => {
  const xml = render(CDA_CASES[2]!);
  assert.ok(xml.includes('O&apos;NEIL &amp; &lt;FILS&gt;'));
  assert.ok(render(CDA_CASES[0]!).includes('Négatif &lt;seuil&gt; &amp; contrôlé'));
  assert.doesNotThrow(() => parser.parse(xml));
});

test('unit outside the ANS UCUM list falls back to ST with the narrative text; `<5` is IVL_PQ', () => {
  assert.ok(render(CDA_CASES[2]!).includes('<value xsi:type="ST">4.5 unités Dupont</value>'));
  assert.ok(render(CDA_CASES[0]!).includes('<value xsi:type="IVL_PQ"><high value="5" unit="mg/L" inclusive="false"/></value>'));
});

test('unmapped local code: empty code with local translation', () => {
  assert.match(render(CDA_CASES[0]!), /<code><originalText><reference value="#res-\d+"\/><\/originalText><translation code="CRPX" displayName="CRP ultra-sensible \(code local\)"/);
});

test('same input gives the same bytes', () => {
  for (const c of CDA_CASES) assert.equal(render(c), render(c));
});

test('local times get the DST offset of the lab zone', () => {
  assert.equal(hl7Time('2024-01-04T07:35', 'Europe/Paris'), '202401040735+0100');
  assert.equal(hl7Time('2024-07-04T07:35:10', 'Europe/Paris'), '20240704073510+0200');
  assert.equal(hl7Time('2024-03-31T01:30', 'Europe/Paris'), '202403310130+0100');
  assert.equal(hl7Time('2024-03-31T03:30', 'Europe/Paris'), '202403310330+0200');
  assert.equal(hl7Time('2024-07-04T07:35Z', 'Europe/Paris'), '202407040735+0000');
  assert.equal(hl7Time('1979-03-28', 'Europe/Paris'), '19790328');
});

test('a report without patient identifier cannot become a CR-BIO', () => {
  const r = loadReport('microbiology');
  r.patient.ids = {};
  assert.throws(() => buildCda(r, PDF, cdaContext(CDA_CASES[1]!)), /patient identifier/);
});

test('a local code with spaces (HPRIM `IGET 000`) becomes a valid CD code token, reversibly', () => {
  const report = loadReport(CDA_CASES[0]!.name);
  const result = report.chapters[0]!.batteries[0]!.results[0]!;
  delete result.loinc;
  result.code = 'IGET 000';
  result.label = 'Immunoglobulines E totales';
  const cda = buildCda(report, PDF, cdaContext(CDA_CASES[0]!));
  assert.match(cda, /<translation code="IGET%20000" displayName="Immunoglobulines E totales"/);
  assert.doesNotMatch(cda, /code="[^"]*\s[^"]*"/);
  assert.equal(decodeURIComponent('IGET%20000'), 'IGET 000');
});
