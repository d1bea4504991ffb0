/**
 * Every report the project's input fixtures produce, rendered the way the dispatcher does
 * (renderDocuments, stage 2), goes through the official validator in ONE batch (~45 s a call).
 * Reports that cannot become a CR-BIO are listed with the reason buildCda must give.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { unzipSync } from 'fflate';
import { resolveConfig } from '../../src/config/load.js';
import { renderDocuments, type DocumentIds, type RenderedDocuments } from '../../src/documents/render.js';
import { CDA_PATH } from '../../src/documents/xdm/build.js';
import { InputError, parseInput } from '../../src/inputs/index.js';
import type { LabReport } from '../../src/model/labreport.types.js';
import { companionReader } from '../../src/queue/spool.js';
import { CDA_CASES } from '../helpers/cda-fixtures.js';
import { fixtures, repoRoot } from '../helpers/paths.js';
import { tmpDir } from '../helpers/tmp.js';
import { validateCda } from '../helpers/validate-cda.js';

const DIRECTOR_RPPS = '10123453476';
const rawConfig = (director?: Record<string, string>) => ({
  lab: {
    name: 'Laboratoire des Charmes', finess: '120459876', mailbox: 'labo@charmes.mssante.fr', timezone: 'Europe/Paris',
    address: { lines: ['8 rue Frédéric Bastia'], postalCode: '92100', city: 'BOULOGNE-BILLANCOURT' }, phone: '01 74 58 96 07',
    ...(director ? { director } : {}),
  },
  paths: { export: 'export', state: 'state' },
  addressBook: 'address-book.csv',
  message: { nil: 'LABMSS-TEST' },
});
const lab = resolveConfig(rawConfig({ rpps: DIRECTOR_RPPS, familyName: 'CAMPARINI', givenName: 'Marcel' }), join(repoRoot, 'labmss.json')).lab;
const labWithoutDirector = resolveConfig(rawConfig(), join(repoRoot, 'labmss.json')).lab;

/** Input fixtures the parsers must reject, with their reason. */
const REJECTED: Record<string, RegExp> = {
  'hprim/sante-cut-short.hpr': /file cut short/,
  'sweep/hs09-cut-short.hpr': /file cut short/,
  'sweep/hs10-no-patient-name.hpr': /no patient identity/,
  'sweep/hm06-no-family-name.hpm': /no patient identity/,
  'sweep/hl07-cut-mid-segment.hl7': /truncated/,
  'sweep/hl09-no-patient.hl7': /cannot be identified/,
};
/** Companion files read through an input (HPRIM FIC) and fixture notes: not inputs themselves. */
const COMPANIONS = new Set(['hprim/CR0042.PDF', 'sweep/README.md']);
/** Folders of non-input fixtures (receipts, directories, mappings): files there that no parser knows are skipped. */
const INPUT_DIRS = new Set(['hprim', 'hl7', 'cda', 'pdf', 'sweep']);

/** Reports that cannot become a CR-BIO by design, keyed `file#index`, with the reason buildCda gives. */
const NO_CDA: Record<string, RegExp> = {
  // HPRIM Médecin free text: nothing to code.
  'hprim/medecin-text-only-double-utf8.hpm#0': /CR-BIO needs at least one result/,
  'sweep/hm04-text-only-cp1252.hpm#0': /CR-BIO needs at least one result/,
  // Charset fixtures: no date at all in the message, and none may be guessed.
  'hl7/latin1-8859-1.hl7#0': /CR-BIO needs a report date/,
  'hl7/latin9-8859-15.hl7#0': /CR-BIO needs a report date/,
};
/** CI-SIS ORU carrying the lab's own CDA: re-sent unchanged, not built (the fixture's CDA is a stub, not validated). */
const CARRIED = new Set(['hl7/cisis-cda.hl7#0']);
/** Reports whose replacement or cancellation an XDM cannot express, with the reason (held: 'cannot-express'). */
const CANNOT_EXPRESS: Record<string, RegExp> = {
  // ORC-1 RO / OBX-11 C over a carried CDA that names no document it replaces.
  'hl7/cisis-cda.hl7#0': /names no document it replaces \(relatedDocument typeCode RPLC\)/,
};
/** A cancellation of an order labmss sent no CDA for before (no previousCda): there is no document to delete. */
const cannotExpress = (r: Rendered): RegExp | undefined => CANNOT_EXPRESS[r.key]
  ?? (r.report.status === 'cancelled' && !r.previousCda ? /CDA of the version labmss sent before is not available/ : undefined);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

interface Rendered { key: string; report: LabReport; docs?: RenderedDocuments; error?: Error; previousCda?: string }

const inputs = [...filesUnder(join(repoRoot, 'examples', 'export')), ...filesUnder(fixtures())];
const rendered: Rendered[] = [];
const rejected: Array<{ key: string; err: InputError }> = [];
for (const path of inputs) {
  const key = path.startsWith(fixtures()) ? relative(fixtures(), path) : relative(repoRoot, path);
  if (COMPANIONS.has(key)) continue;
  let reports: LabReport[];
  try {
    reports = parseInput(readFileSync(path), {
      file: basename(path),
      companion: companionReader(dirname(path)),
    }).reports;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const dir = key.split('/')[0]!;
    if (REJECTED[key] || INPUT_DIRS.has(dir) || key.startsWith('examples/')) rejected.push({ key, err });
    continue;
  }
  for (const [i, report] of reports.entries()) {
    const name = basename(path).replace(/\.json$/, '');
    const c = key.startsWith('cda/') ? CDA_CASES.find((x) => x.name === name) : undefined;
    const ids: DocumentIds = {
      documentId: `CR-${name}-${i}-v${c?.version ?? 1}`, setId: `CR-${name}-${i}`, version: c?.version ?? 1,
      ...(c?.replaces ? { replaces: c.replaces } : {}),
    };
    // A cancellation asks the receivers to delete the version they hold: the one labmss rendered before.
    const previousCda = report.status === 'cancelled' && c?.replaces
      ? (await renderDocuments({ ...report, status: 'final' }, { documentId: c.replaces, setId: ids.setId, version: c.version - 1 }, { lab, stage2: true })).cda
      : undefined;
    // A report that cannot be a CR-BIO still renders its PDF and says why (stage2Problem).
    const docs = await renderDocuments(report, ids, { lab, stage2: true, ...(previousCda ? { previousCda } : {}) });
    rendered.push({ key: `${key}#${i}`, report, docs, ...(docs.stage2Problem ? { error: new Error(docs.stage2Problem) } : {}), ...(previousCda ? { previousCda } : {}) });
  }
}
const byKey = new Map(rendered.map((r) => [r.key, r]));
const cdaOf = (key: string) => { const r = byKey.get(key); assert.ok(r?.docs?.cda, `${key}: ${r?.error?.message ?? 'not rendered'}`); return r.docs.cda; };

test('only the listed fixtures are rejected by the parsers, for their reason', () => {
  assert.deepEqual(rejected.map((r) => r.key).sort(), Object.keys(REJECTED).sort(), rejected.map((r) => `${r.key}: ${r.err.message}`).join('\n'));
  for (const r of rejected) assert.match(r.err.message, REJECTED[r.key]!);
});

test('reports that cannot be a CR-BIO give their reason and still their PDF; all others render', () => {
  for (const key of Object.keys(NO_CDA)) {
    const r = byKey.get(key);
    assert.ok(r, `${key} is not among the parsed reports`);
    assert.ok(r.error, `${key} was expected to give ${NO_CDA[key]}`);
    assert.match(r.error.message, NO_CDA[key]!);
    assert.equal(r.docs?.cda, undefined);
    assert.ok(r.docs?.pdf.subarray(0, 5).equals(Buffer.from('%PDF-')), `${key}: PDF still rendered`);
  }
  for (const r of rendered) {
    const held = cannotExpress(r);
    if (held) {
      assert.match(r.docs?.cannotExpress ?? '', held, r.key);
      assert.equal(r.docs!.xdm, undefined, `${r.key}: no XDM for what cannot be expressed`);
    } else if (!NO_CDA[r.key]) assert.ok(r.docs?.cda && r.docs.xdm, `${r.key}: ${r.error?.message}`);
  }
  assert.ok(byKey.has('hl7/cisis-cda.hl7#0'));
  assert.ok(rendered.some((r) => r.previousCda && r.docs?.action === 'delete'), 'a built cancellation with the version it deletes');
  assert.ok(rendered.length >= 20, `only ${rendered.length} reports parsed from the fixtures`);
});

test('every rendered CR-BIO (and its XDM copy) passes the official validator with 0 errors', (t) => {
  const dir = tmpDir('labmss-cda-all-');
  const files: string[] = [];
  for (const r of rendered) {
    if (!r.docs?.cda || CARRIED.has(r.key)) continue;
    // The validated bytes are the ones the XDM carries.
    assert.equal(Buffer.from(unzipSync(new Uint8Array(r.docs.xdm!))[CDA_PATH]!).toString('utf8'), r.docs.cda, `${r.key}: XDM copy differs`);
    const f = join(dir, `${r.key.replace(/[^A-Za-z0-9.-]+/g, '_')}.xml`);
    writeFileSync(f, r.docs.cda);
    files.push(f);
  }
  const results = validateCda(t, files);
  if (!results) return;
  const failed = results.filter((r) => !r.valid || r.errors.length > 0);
  assert.deepEqual(failed.map((r) => basename(r.file)), [], failed.map((r) => `${r.file}:\n${r.errors.join('\n')}\n${r.report}`).join('\n'));
  assert.equal(results.length, files.length);
});

test('a validating biologist without RPPS: director as responsibleParty, no authenticator, LIS code kept local', () => {
  // HPRIM validator: LIS code + name only.
  const legrand = cdaOf('examples/export/legrand-2026-11-22.hpr#0');
  // HL7 OBR-32 bare number: not an RPPS, since no assigning authority says so.
  const rousseau = cdaOf('examples/export/rousseau-2026-11-22.hl7#0');
  for (const cda of [legrand, rousseau, cdaOf('cda/limits.json#0')]) {
    assert.doesNotMatch(cda, /<authenticator>/);
    assert.match(cda, new RegExp(`<responsibleParty><assignedEntity><id root="1\\.2\\.250\\.1\\.71\\.4\\.2\\.1" extension="8${DIRECTOR_RPPS}"/>`));
  }
  assert.doesNotMatch(rousseau, /extension="810000000009"/);
  assert.match(rousseau, /<author><time value="[^"]+"\/><assignedAuthor><id root="2\.25\.\d+" extension="10000000009"\/>/);
  assert.match(cdaOf('cda/limits.json#0'), /<legalAuthenticator>.*?<id root="2\.25\.\d+" extension="BIO2"\/>.*?<family>Dr Morel Paul<\/family>/);
  // A validator with an RPPS stays the authenticator and the responsible biologist.
  const bio = cdaOf('cda/biochemistry.json#0');
  assert.match(bio, /<authenticator><templateId root="1\.3\.6\.1\.4\.1\.19376\.1\.3\.3\.1\.5"\/>.*?extension="810123453476"/);
});

test('without any RPPS (validator nor configured director) buildCda says what to configure', async () => {
  const report = byKey.get('examples/export/legrand-2026-11-22.hpr#0')!.report;
  const ids = { documentId: 'D1', setId: 'S1', version: 1 };
  const without = await renderDocuments(report, ids, { lab: labWithoutDirector, stage2: true });
  assert.equal(without.cda, undefined);
  assert.match(without.stage2Problem ?? '', /CR-BIO needs a biologist with an RPPS.*local code LER.*lab\.director\.rpps.*set lab\.director/);
  // The validator's own RPPS is enough.
  const withRpps = { ...report, validator: { rpps: '10000000009', familyName: 'LEROY', givenName: 'Claire' } };
  const docs = await renderDocuments(withRpps, ids, { lab: labWithoutDirector, stage2: true });
  assert.match(docs.cda!, /<responsibleParty><assignedEntity><id root="1\.2\.250\.1\.71\.4\.2\.1" extension="810000000009"\/>/);
  // Stage 1 needs no biologist.
  assert.ok((await renderDocuments(report, ids, { lab: labWithoutDirector, stage2: false })).pdf.length > 0);
});

test('flags < and >, comparators, non-UCUM units and microbiology are in the validated batch', () => {
  const limits = cdaOf('cda/limits.json#0');
  assert.match(limits, /<interpretationCode code="&lt;" displayName="Inférieur à la limite de détection"/);
  assert.match(limits, /<interpretationCode code="&gt;" displayName="Supérieur à la limite maximale de mesure"/);
  assert.match(limits, /<value xsi:type="IVL_PQ"><high value="0\.005" unit="m\[IU\]\/L" inclusive="false"\/>/);
  assert.match(limits, /<value xsi:type="IVL_PQ"><low value="2000" unit="ug\/L" inclusive="false"\/>/);
  // A comparator with a unit outside the ANS UCUM list: the value as written, in ST.
  assert.match(limits, /<value xsi:type="ST">&gt;=10000 ng\/mL FEU<\/value>/);
  assert.match(limits, /<value xsi:type="ST">3\.7 unités Dupont<\/value>/);
  for (const key of ['hl7/micro-ecbu.hl7#0', 'cda/microbiology.json#0']) {
    assert.match(cdaOf(key), /<templateId root="1\.3\.6\.1\.4\.1\.19376\.1\.3\.1\.5"\/>/, `${key}: no isolate organizer`);
  }
  // HPRIM with a FIC companion PDF renders too.
  assert.ok(byKey.get('hprim/sante-two-patients-cr.hpr#1')?.report.attachments?.some((a) => a.role === 'report-pdf'));
  cdaOf('hprim/sante-two-patients-cr.hpr#1');
});

test('a CI-SIS ORU carrying a CDA: that CDA is re-sent byte for byte', async () => {
  // The fixture as a new document (ORC-1 NW, OBX-11 F): its replacement form is held (CANNOT_EXPRESS).
  const oru = readFileSync(fixtures('hl7', 'cisis-cda.hl7'), 'utf8').replace('\rORC|RO|', '\rORC|NW|').replace(/(\rOBX\|1\|ED\|[^\r]*?\|\|\|\|\|\|)C(?=\r)/, '$1F');
  const [report] = parseInput(Buffer.from(oru, 'utf8'), { file: 'cisis-new.hl7' }).reports;
  assert.equal(report!.status, 'final');
  const docs = await renderDocuments(report!, { documentId: 'D1', setId: 'S1', version: 1 }, { lab, stage2: true });
  const att = report!.attachments!.find((a) => a.role === 'cda')!;
  assert.equal(docs.cda, Buffer.from(att.base64, 'base64').toString('utf8'));
  assert.equal(Buffer.from(unzipSync(new Uint8Array(docs.xdm!))[CDA_PATH]!).toString('utf8'), docs.cda);
  assert.equal(docs.cdaCode, '11502-2');
});

test('a CR-BIO labmss built, carried back in a CI-SIS ORU, is re-sent unchanged with its embedded PDF', async () => {
  const built = byKey.get('cda/biochemistry.json#0')!.docs!;
  const oru = readFileSync(fixtures('hl7', 'cisis-cda.hl7'), 'utf8').replace('\rORC|RO|', '\rORC|NW|')
    .replace(/\^Base64\^[A-Za-z0-9+/=]+\|\|\|\|\|\|C(?=\r)/, `^Base64^${Buffer.from(built.cda!, 'utf8').toString('base64')}||||||F`);
  const [report] = parseInput(Buffer.from(oru, 'utf8'), { file: 'cisis-roundtrip.hl7' }).reports;
  const again = await renderDocuments(report!, { documentId: 'other', setId: 'other', version: 3 }, { lab, stage2: true });
  assert.equal(again.cda, built.cda);
  assert.ok(again.pdf.equals(built.pdf), 'the PDF is the copy embedded in the carried CDA');
  const metadata = Buffer.from(unzipSync(new Uint8Array(again.xdm!))['IHE_XDM/SUBSET01/METADATA.XML']!).toString('utf8');
  const id = /<id root="([^"]+)" extension="([^"]+)"\/>/.exec(built.cda!.slice(built.cda!.indexOf('<ClinicalDocument')))!;
  assert.match(metadata, new RegExp(`value="${id[1]!.replace(/\./g, '\\.')}\\^${id[2]}"`), 'DocumentEntry.uniqueId is the carried CDA id');
  // Stage 1 sends the same embedded PDF.
  assert.ok((await renderDocuments(report!, { documentId: 'x', setId: 'x', version: 1 }, { lab, stage2: false })).pdf.equals(built.pdf));
});
