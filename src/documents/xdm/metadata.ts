/**
 * IHE XDM METADATA.XML: an ebRIM SubmitObjectsRequest with one SubmissionSet, one DocumentEntry
 * (the CR-BIO) and their HasMember association, metadata per research/mssante.md §2. Built with
 * the same XMLBuilder nodes as the CDA; every identifier is derived, none is random.
 * A replacement or a deletion is said the CI-SIS way (docs/carried-cda.md): the extra-metadata
 * `action` (C: replaces the previous version, D: delete this document), an RPLC association to the
 * replaced entry, and a deleted document's entry marked Deprecated.
 */
import { createHash } from 'node:crypto';
import type { LabReport, Practitioner } from '../../model/labreport.types.js';
import {
  BIOLOGIST_SPECIALTY, DOC_CODE, DOC_TITLE, FACILITY, LOINC, PRACTICE_SETTING, RPPS_ROOT, STRUCTURE_ROOT,
} from '../cda/codes.js';
import { documentTime } from '../cda/header.js';
import { labRoot, nameOid } from '../cda/ids.js';
import { carriedIns } from '../cda/ins.js';
import { signer } from '../cda/parties.js';
import { derivedUuid } from '../ids.js';
import { utcTime } from '../cda/time.js';
import { el, xmlDocument, type XNode } from '../cda/xml.js';
import type { XdmContext } from './context.js';

const RIM = 'urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0';
const LCM = 'urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0';
const STABLE_DOC = 'urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1';
const STATUS = 'urn:oasis:names:tc:ebxml-regrep:StatusType:';
const RPLC = 'urn:ihe:iti:2007:AssociationType:RPLC';
/**
 * The CI-SIS extra-metadata that tells the receiving PFI what to do with the document ("action": C =
 * replace, D = delete). The IG names it « action » and gives no URN: the name is written as the IG spells it.
 */
export const ACTION_SLOT = 'action';
const ACTION_CODE = { replace: 'C', delete: 'D' } as const;

/**
 * entryUUID of the DocumentEntry of a document: derived from its uniqueId, so that a later message
 * replacing it can name the same entry in its RPLC association.
 */
export function entryUuid(uniqueId: string): string {
  return `urn:uuid:${derivedUuid('xds-entry', uniqueId)}`;
}
const DE = {
  author: 'urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d',
  classCode: 'urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a',
  confidentiality: 'urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f',
  format: 'urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d',
  facility: 'urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1',
  practice: 'urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead',
  type: 'urn:uuid:f0306f51-975f-434e-a61c-c59651d33983',
  patientId: 'urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427',
  uniqueId: 'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab',
};
const SS = {
  node: 'urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd',
  author: 'urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d',
  contentType: 'urn:uuid:aa543740-bdda-424e-8c96-df4873be8500',
  uniqueId: 'urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8',
  sourceId: 'urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832',
  patientId: 'urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446',
};

const slot = (name: string, ...values: string[]) =>
  el('rim:Slot', { name }, el('rim:ValueList', null, values.map((v) => el('rim:Value', null, v))));
const names = (tag: 'rim:Name' | 'rim:Description', text: string) =>
  el(tag, null, el('rim:LocalizedString', { 'xml:lang': 'fr-FR', charset: 'UTF-8', value: text }));

function coded(id: string, scheme: string, object: string, c: { code: string; displayName: string; codeSystem: string }): XNode {
  return el('rim:Classification', { id, classificationScheme: scheme, classifiedObject: object, nodeRepresentation: c.code, objectType: 'urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification' },
    slot('codingScheme', c.codeSystem), names('rim:Name', c.displayName));
}

function external(id: string, scheme: string, object: string, value: string, name: string): XNode {
  return el('rim:ExternalIdentifier', { id, identificationScheme: scheme, registryObject: object, value, objectType: 'urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:ExternalIdentifier' },
    names('rim:Name', name));
}

/** XCN of a practitioner identified by RPPS/ADELI (national PS id), else by name only. */
function xcn(p: Practitioner): string {
  const id = p.rpps ? `8${p.rpps}` : p.adeli ? `0${p.adeli}` : '';
  const who = `${p.familyName ?? p.name ?? ''}^${p.givenName ?? ''}`;
  return id ? `${id}^${who}^^^^^^&${RPPS_ROOT}&ISO^D^^^IDNPS` : `^${who}`;
}

/** The patient id receivers file the document under: the INS when the CDA carries it, else the lab's IPP. */
export function xdmPatientId(report: LabReport, ctx: XdmContext): string {
  const ins = carriedIns(report.patient);
  if (ins) return `${ins.value}^^^&${ins.oid}&ISO^NH`;
  if (!report.patient.ids.ipp) throw new Error('XDM needs a patient identifier (IPP or qualified INS)');
  return `${report.patient.ids.ipp}^^^&${labRoot(ctx.lab)}&ISO^PI`;
}

export interface DocumentFile { uri: string; bytes: Buffer }

export function metadataXml(file: DocumentFile, report: LabReport, ctx: XdmContext): string {
  const tz = ctx.timezone;
  const p = report.patient;
  const req = report.request;
  const root = labRoot(ctx.lab);
  const created = utcTime(documentTime(report), tz);
  const patientId = xdmPatientId(report, ctx);
  // The same biologist as the CDA's author and legalAuthenticator.
  const bio = signer(report.validator, ctx.lab);
  const institution = ctx.lab.finess
    ? `${ctx.lab.name}^^^^^&${STRUCTURE_ROOT}&ISO^IDNST^^^1${ctx.lab.finess}` : `${ctx.lab.name}^^^^^&${root}&ISO^IDNST^^^${root}`;
  const specialty = ctx.authorSpecialty ?? BIOLOGIST_SPECIALTY;
  const gender = p.sex === 'M' || p.sex === 'F' ? p.sex : 'U';
  const birth = p.birthDate ? utcTime(p.birthDate, tz).slice(0, 8) : '';
  const sourcePatientId = p.ids.ipp ? `${p.ids.ipp}^^^&${root}&ISO^PI` : patientId;
  const submissionUid = nameOid(`labmss:xdm:${root}:${ctx.documentId}`);
  const uniqueId = ctx.uniqueId ?? `${root}^${ctx.documentId}`;
  const action = ctx.action ?? { kind: 'original' };
  const doc = entryUuid(uniqueId);
  const ss = 'SubmissionSet01';
  const start = req.collectedAt ?? req.receivedAt;

  const author = (id: string, scheme: string, object: string) => el('rim:Classification', {
    id, classificationScheme: scheme, classifiedObject: object, nodeRepresentation: '',
    objectType: 'urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification',
  },
  bio ? slot('authorPerson', xcn(bio)) : undefined,
  slot('authorInstitution', institution),
  slot('authorSpecialty', `${specialty.code}^${specialty.displayName}^${BIOLOGIST_SPECIALTY.codeSystem}`));

  // A document to delete is no longer valid: Deprecated, as XDS marks a document withdrawn from use.
  const status = `${STATUS}${action.kind === 'delete' ? 'Deprecated' : 'Approved'}`;
  const entry = el('rim:ExtrinsicObject', { id: doc, mimeType: 'text/xml', objectType: STABLE_DOC, status },
    slot('creationTime', created),
    slot('hash', createHash('sha1').update(file.bytes).digest('hex')),
    slot('languageCode', 'fr-FR'),
    bio ? slot('legalAuthenticator', xcn(bio)) : undefined,
    start ? slot('serviceStartTime', utcTime(start, tz)) : undefined,
    slot('serviceStopTime', created),
    slot('size', String(file.bytes.length)),
    slot('sourcePatientId', sourcePatientId),
    slot('sourcePatientInfo', `PID-3|${sourcePatientId}`, `PID-5|${p.birthFamilyName ?? p.familyName}^${p.givenNames?.[0] ?? ''}^^^^^L`,
      ...(birth ? [`PID-7|${birth}`] : []), `PID-8|${gender}`),
    slot('URI', file.uri),
    action.kind === 'original' ? undefined : slot(ACTION_SLOT, ACTION_CODE[action.kind]),
    names('rim:Name', DOC_TITLE),
    author('cl01', DE.author, doc),
    coded('cl02', DE.classCode, doc, { code: '10', displayName: 'Compte rendu', codeSystem: '1.2.250.1.213.1.1.4.1' }),
    coded('cl03', DE.confidentiality, doc, { code: 'N', displayName: 'Normal', codeSystem: '2.16.840.1.113883.5.25' }),
    coded('cl04', DE.format, doc, { code: 'urn:ihe:lab:xd-lab:2008', displayName: 'CR-BIO', codeSystem: '1.3.6.1.4.1.19376.1.2.3' }),
    coded('cl05', DE.facility, doc, FACILITY),
    coded('cl06', DE.practice, doc, PRACTICE_SETTING),
    coded('cl07', DE.type, doc, { code: DOC_CODE.code, displayName: DOC_CODE.displayName, codeSystem: LOINC }),
    external('ei01', DE.patientId, doc, patientId, 'XDSDocumentEntry.patientId'),
    external('ei02', DE.uniqueId, doc, uniqueId, 'XDSDocumentEntry.uniqueId'));

  const set = el('rim:RegistryPackage', { id: ss, objectType: 'urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:RegistryPackage' },
    slot('submissionTime', created),
    names('rim:Name', DOC_TITLE),
    author('cl08', SS.author, ss),
    coded('cl09', SS.contentType, ss, { code: DOC_CODE.code, displayName: DOC_CODE.displayName, codeSystem: LOINC }),
    external('ei03', SS.uniqueId, ss, submissionUid, 'XDSSubmissionSet.uniqueId'),
    external('ei04', SS.sourceId, ss, root, 'XDSSubmissionSet.sourceId'),
    external('ei05', SS.patientId, ss, patientId, 'XDSSubmissionSet.patientId'));

  return xmlDocument(el('lcm:SubmitObjectsRequest', { 'xmlns:lcm': LCM, 'xmlns:rim': RIM },
    el('rim:RegistryObjectList', null,
      entry,
      set,
      el('rim:Classification', { id: 'cl10', classifiedObject: ss, classificationNode: SS.node, objectType: 'urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification' }),
      el('rim:Association', { id: 'as01', associationType: 'urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember', sourceObject: ss, targetObject: doc, objectType: 'urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Association' },
        slot('SubmissionSetStatus', 'Original')),
      action.kind === 'replace'
        ? el('rim:Association', { id: 'as02', associationType: RPLC, sourceObject: doc, targetObject: entryUuid(action.replaces), objectType: 'urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Association' })
        : undefined)));
}
