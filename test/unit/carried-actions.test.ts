/**
 * A carried CR-BIO takes its date and ids from the CDA when the envelope lacks them; replacement and
 * cancellation (carried or built) are said the CI-SIS way in IHE_XDM.ZIP's METADATA.XML (extra-metadata
 * `action`, RPLC association, DocumentEntry status), in the subject and body, and on the PDF.
 * Fixtures: buildCda + renderPdf + writeCarriedOru.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { unzipSync } from 'fflate';
import { resolveConfig } from '../../src/config/load.js';
import { actionKind } from '../../src/documents/action.js';
import { buildCda } from '../../src/documents/cda/build.js';
import { labRoot } from '../../src/documents/cda/ids.js';
import { renderPdf } from '../../src/documents/pdf/render.js';
import { renderDocuments, type RenderedDocuments } from '../../src/documents/render.js';
import { CDA_PATH, METADATA_PATH } from '../../src/documents/xdm/build.js';
import { ACTION_SLOT, entryUuid } from '../../src/documents/xdm/metadata.js';
import { parseInput } from '../../src/inputs/index.js';
import { bodyFor, composeMessage } from '../../src/mail/compose.js';
import { DOCUMENT_KINDS } from '../../src/documents/kinds.js';
import type { LabReport } from '../../src/model/labreport.types.js';
import { CDA_CASES, cdaContext, loadReport } from '../helpers/cda-fixtures.js';
import { writeCarriedOru, type CarriedOru } from '../helpers/hl7-writer.js';
import { pdfText } from '../helpers/pdf-text.js';
import { repoRoot } from '../helpers/paths.js';

const lab = resolveConfig({
  lab: { name: 'Laboratoire des Charmes', finess: '120459876', mailbox: 'labo@charmes.mssante.fr', timezone: 'Europe/Paris', director: { rpps: '10123453476', familyName: 'CAMPARINI', givenName: 'Marcel' } },
  paths: { export: 'export', state: 'state' }, message: { nil: 'T' },
}, `${repoRoot}/labmss.json`).lab;
const ctx = cdaContext(CDA_CASES[0]!);
const ours = loadReport('biochemistry');
const labPdf = await renderPdf(ours, { lab: ctx.lab, documentId: 'LIS v1', timezone: ctx.timezone });
const v1 = buildCda(ours, labPdf, ctx);
const v2 = buildCda(ours, labPdf, { ...ctx, documentId: 'CR-biochemistry-v2', version: 2, replaces: 'CR-biochemistry-v1' });
/** The lab's CDA ids, as their ClinicalDocument/id says (root^extension). */
const idOf = (cda: string) => { const m = /<id root="([^"]+)" extension="([^"]+)"\/><code /.exec(cda)!; return `${m[1]}^${m[2]}`; };

const carried = (o: Partial<CarriedOru> & { cda: string }): LabReport =>
  parseInput(writeCarriedOru({ patient: ours.patient, prescriber: ours.prescriber, ...o }), { file: 'carried.hl7' }).reports[0]!;
const render = (report: LabReport, extra: { previousCda?: string; version?: number; replaces?: string } = {}) =>
  renderDocuments(report, { documentId: `D${extra.version ?? 1}`, setId: 'S', version: extra.version ?? 1, ...(extra.replaces ? { replaces: extra.replaces } : {}) }, { lab, stage2: true, ...(extra.previousCda ? { previousCda: extra.previousCda } : {}) });

interface Metadata { entryId: string; status: string; slots: Record<string, string[]>; uniqueId: string; associations: Array<Record<string, string>> }
function metadataOf(docs: RenderedDocuments): Metadata & { cda: string } {
  const files = unzipSync(new Uint8Array(docs.xdm!));
  const xml = Buffer.from(files[METADATA_PATH]!).toString('utf8');
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['rim:Slot', 'rim:Value', 'rim:Association', 'rim:ExternalIdentifier'].includes(n) }).parse(xml);
  const list = doc['lcm:SubmitObjectsRequest']['rim:RegistryObjectList'];
  const eo = list['rim:ExtrinsicObject'];
  const slots: Record<string, string[]> = {};
  for (const s of eo['rim:Slot']) slots[s.name] = s['rim:ValueList']['rim:Value'].map(String);
  const uniqueId = eo['rim:ExternalIdentifier'].find((e: Record<string, string>) => e.identificationScheme === 'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab').value;
  return { entryId: eo.id, status: eo.status, slots, uniqueId, associations: list['rim:Association'], cda: Buffer.from(files[CDA_PATH]!).toString('utf8') };
}

test('a carried CR-BIO without OBR-22 is dated by its CDA effectiveTime and goes out with that CDA byte for byte', async () => {
  const res = parseInput(writeCarriedOru({ patient: ours.patient, cda: v1 }), { file: 'no-date.hl7' });
  const report = res.reports[0]!;
  assert.equal(report.request.reportedAt, '2024-01-04T16:05:27+01:00');
  assert.ok(res.warnings.some((w) => w.field === 'OBR-22' && /carried CDA \(effectiveTime\)/.test(w.message)));
  const docs = await render(report);
  assert.equal(docs.stage2Problem, undefined);
  const m = metadataOf(docs);
  assert.equal(m.cda, v1, 'the lab CDA byte for byte inside IHE_XDM.ZIP');
  assert.equal(m.uniqueId, idOf(v1));
  assert.equal(m.status, 'urn:oasis:names:tc:ebxml-regrep:StatusType:Approved');
  assert.equal(m.slots[ACTION_SLOT], undefined, 'a new document carries no action');
  assert.equal(m.associations.length, 1);
  assert.equal(docs.action, 'original');
});

test('the order number comes from the CDA when the envelope has none; the envelope wins when it has one', () => {
  const noOrder = writeCarriedOru({ patient: ours.patient, cda: v1, fillerId: '' }).toString('utf8').replace(/\|\^LABO\|/g, '||');
  assert.equal(parseInput(Buffer.from(noOrder, 'utf8'), { file: 'x.hl7' }).reports[0]!.request.fillerId, '240104-0042');
  assert.equal(carried({ cda: v1, fillerId: 'ENV-1', reportDate: '20240105120000' }).request.fillerId, 'ENV-1');
  assert.equal(carried({ cda: v1, reportDate: '20240105120000' }).request.reportedAt, '2024-01-05T12:00:00');
});

test('a carried cancellation (ORC-1 CA, OBX-11 D) asks to delete the CDA: action D, Deprecated, ANNULATION subject and body, PDF marked', async () => {
  const report = carried({ cda: v1, orderControl: 'CA', documentStatus: 'D' });
  assert.equal(report.status, 'cancelled');
  const docs = await render(report, { version: 2, replaces: 'D1' });
  assert.equal(docs.cannotExpress, undefined);
  assert.equal(docs.action, 'delete');
  const m = metadataOf(docs);
  assert.equal(m.cda, v1, 'the document to delete, as the receivers hold it');
  assert.equal(m.uniqueId, idOf(v1), 'receivers delete this id');
  assert.deepEqual(m.slots[ACTION_SLOT], ['D']);
  assert.equal(m.status, 'urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated');
  assert.ok(!m.associations.some((a) => /RPLC/.test(a.associationType!)));
  // The PDF that goes with it is not the lab's unmarked copy: it says ANNULÉ.
  assert.ok(!docs.pdf.equals(labPdf));
  assert.match(await pdfText(docs.pdf), /ANNULÉ/);
  assert.match(DOCUMENT_KINDS['crbio-xdm'].subject(report, docs.action), /^XDM\/1\.0\/DDM\+ANNULATION CR d'examens biologiques DURAND Dominique 28\/03\/1979$/);
  const body = bodyFor({ report, from: { address: 'labo@charmes.mssante.fr', name: 'Labo' }, to: { address: 'a@b.mssante.fr', role: 'prescriber' }, messageId: '<m@x>', date: new Date(0), nil: 'T', kind: DOCUMENT_KINDS['crbio-xdm'], documents: { pdf: { filename: 'a.pdf', content: docs.pdf }, xdm: docs.xdm!, cdaCode: docs.cdaCode! }, readReceipt: false, action: docs.action });
  assert.match(body, /document contenu dans IHE_XDM\.ZIP est annulé et doit être supprimé/);
  assert.doesNotMatch(body, /intégrable dans votre logiciel/);
});

test('a carried replacement (relatedDocument RPLC) names the replaced entry: RPLC association, action C', async () => {
  const first = metadataOf(await render(carried({ cda: v1, reportDate: '20240104160527' })));
  const report = carried({ cda: v2, orderControl: 'RO', documentStatus: 'C', reportDate: '20240104160527' });
  const docs = await render(report, { version: 2, replaces: 'D1' });
  assert.equal(docs.action, 'replace');
  const m = metadataOf(docs);
  assert.equal(m.cda, v2);
  assert.deepEqual(m.slots[ACTION_SLOT], ['C']);
  assert.equal(m.status, 'urn:oasis:names:tc:ebxml-regrep:StatusType:Approved');
  const rplc = m.associations.find((a) => a.associationType === 'urn:ihe:iti:2007:AssociationType:RPLC');
  assert.ok(rplc, 'an RPLC association');
  assert.equal(rplc.sourceObject, m.entryId);
  assert.equal(rplc.targetObject, first.entryId, 'the entry the first message created');
  assert.equal(rplc.targetObject, entryUuid(idOf(v1)));
  assert.match(DOCUMENT_KINDS['crbio-xdm'].subject(report, docs.action), /^XDM\/1\.0\/DDM\+REMPLACEMENT CR d'examens biologiques /);
  // Even when the envelope says nothing of it, the CDA's RPLC makes it a replacement.
  assert.equal((await render(carried({ cda: v2, reportDate: '20240104160527' }))).action, 'replace');
});

test('an envelope replacement over a CDA that names no replaced document cannot be expressed: no XDM, a reason', async () => {
  const docs = await render(carried({ cda: v1, orderControl: 'RO', documentStatus: 'C', reportDate: '20240104160527' }), { version: 2, replaces: 'D1' });
  assert.equal(docs.xdm, undefined);
  assert.equal(docs.cda, undefined);
  assert.match(docs.cannotExpress ?? '', /carried CDA names no document it replaces/);
});

test('a built CR-BIO: version 2 replaces version 1 (RPLC to its entry); a cancellation deletes the version sent', async () => {
  const root = labRoot({ name: lab.name, finess: lab.finess });
  const report = loadReport('biochemistry');
  const sent = await render(report, { version: 1 });
  const next = await render({ ...report, status: 'corrected' }, { version: 2, replaces: 'D1' });
  const m = metadataOf(next);
  assert.deepEqual(m.slots[ACTION_SLOT], ['C']);
  assert.equal(m.associations.find((a) => /RPLC$/.test(a.associationType!))?.targetObject, metadataOf(sent).entryId);
  assert.equal(metadataOf(sent).uniqueId, `${root}^D1`);
  assert.match(next.cda!, /<relatedDocument typeCode="RPLC"><parentDocument><id root="[^"]+" extension="D1"\/>/);

  const cancelled = { ...report, status: 'cancelled' as const };
  const held = await render(cancelled, { version: 2, replaces: 'D1' });
  assert.equal(held.xdm, undefined);
  assert.match(held.cannotExpress ?? '', /CDA of the version labmss sent before is not available/);
  const deletion = await render(cancelled, { version: 2, replaces: 'D1', previousCda: sent.cda! });
  const d = metadataOf(deletion);
  assert.equal(d.cda, sent.cda, 'the version the receivers hold, byte for byte');
  assert.equal(d.uniqueId, `${root}^D1`);
  assert.deepEqual(d.slots[ACTION_SLOT], ['D']);
  assert.equal(d.status, 'urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated');
  assert.match(await pdfText(deletion.pdf), /ANNULÉ/);
  // Stage 1: no XDM to express anything, the PDF marked ANNULÉ and the subject say it.
  const stage1 = await renderDocuments(cancelled, { documentId: 'D2', setId: 'S', version: 2, replaces: 'D1' }, { lab, stage2: false });
  assert.equal(stage1.cannotExpress, undefined);
  assert.match(DOCUMENT_KINDS['pdf-report'].subject(cancelled, stage1.action), /^ANNULATION Compte rendu d'examens biologiques/);
});

test('compose: the action defaults from the report, and the message says it', async () => {
  assert.equal(actionKind(ours), 'original');
  assert.equal(actionKind({ ...ours, status: 'cancelled' }), 'delete');
  assert.equal(actionKind(ours, 2), 'replace');
  const report = carried({ cda: v2, reportDate: '20240104160527' });
  const docs = await render(report, { version: 1 });
  const eml = (await composeMessage({
    report, from: { address: 'labo@charmes.mssante.fr', name: 'Labo' }, to: { address: 'a@b.mssante.fr', role: 'prescriber' },
    messageId: '<m@x>', date: new Date(0), nil: 'T', kind: DOCUMENT_KINDS['crbio-xdm'], documents: { pdf: { filename: 'a.pdf', content: docs.pdf }, xdm: docs.xdm!, cdaCode: docs.cdaCode! }, readReceipt: false,
  })).toString('utf8');
  assert.match(eml, /Subject: XDM\/1\.0\/DDM\+REMPLACEMENT/);
  assert.match(eml.replace(/=\r\n/g, ''), /remplace la version pr=C3=A9c=C3=A9demment transmise/);
});
