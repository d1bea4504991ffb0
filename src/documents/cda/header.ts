/** ClinicalDocument header of a CR-BIO 2024.01 document (research/cda-crbio.md §2). */
import type { LabReport, Patient, Practitioner } from '../../model/labreport.types.js';
import {
  BIOLOGIST_SPECIALTY, DOC_CODE, DOC_TITLE, ENCOUNTER_CODE, FACILITY, LOINC, PRACTICE_SETTING,
} from './codes.js';
import type { CdaContext } from './context.js';
import { labRoot } from './ids.js';
import { carriedIns } from './ins.js';
import { addr, biologists, labOrganization, personName, practitionerId, telecoms } from './parties.js';
import { hl7Time } from './time.js';
import { el, type XNode } from './xml.js';

export interface ChapterCode { loinc: string; label: string }

/** The time the document speaks for: release, else validation, reception, collection. */
export function documentTime(report: LabReport): string {
  const r = report.request;
  const t = r.reportedAt ?? report.validator?.time ?? r.receivedAt ?? r.collectedAt;
  if (!t) throw new Error('CR-BIO needs a report date (request.reportedAt or a validation, reception or collection time)');
  return t;
}

const SEX: Record<string, { code: string; displayName: string }> = {
  M: { code: 'M', displayName: 'Masculin' }, F: { code: 'F', displayName: 'Féminin' }, U: { code: 'UN', displayName: 'Inconnu' },
};

function recordTarget(p: Patient, ctx: CdaContext): XNode {
  const ids: XNode[] = [];
  // Only a qualified identity may carry the INS matricule (research/mssante.md §3).
  const ins = carriedIns(p);
  if (ins) ids.push(el('id', { root: ins.oid, extension: ins.value }));
  if (p.ids.ipp) ids.push(el('id', { root: labRoot(ctx.lab), extension: p.ids.ipp }));
  // Structuration minimale requires an identifier, a given name and a birth date: without them
  // there can be no CR-BIO, and the caller sends the PDF alone.
  if (ids.length === 0) throw new Error('CR-BIO needs a patient identifier (IPP or qualified INS)');
  const given = p.givenNames?.filter((g) => g.trim() !== '') ?? (p.usedGivenName ? [p.usedGivenName] : []);
  if (given.length === 0) throw new Error("CR-BIO needs the patient's given name");
  if (!p.birthDate) throw new Error("CR-BIO needs the patient's birth date");
  const name = el('name', null,
    el('family', { qualifier: 'BR' }, p.birthFamilyName ?? p.familyName),
    el('given', null, given.join(' ')),
    el('given', { qualifier: 'BR' }, given[0]),
    p.birthFamilyName && p.birthFamilyName !== p.familyName ? el('family', { qualifier: 'CL' }, p.familyName) : undefined,
    p.usedGivenName ? el('given', { qualifier: 'CL' }, p.usedGivenName) : undefined);
  return el('recordTarget', null, el('patientRole', null,
    ids,
    addr(p.address),
    p.phone ? el('telecom', { value: `tel:${p.phone.replace(/\s+/g, '')}`, use: 'H' }) : el('telecom', { nullFlavor: 'UNK' }),
    el('patient', { classCode: 'PSN' },
      name,
      el('administrativeGenderCode', { ...SEX[p.sex ?? 'U'], codeSystem: '2.16.840.1.113883.5.1' }),
      el('birthTime', { value: hl7Time(p.birthDate, ctx.timezone) }),
      p.birthPlaceCode ? el('birthplace', null, el('place', null, el('addr', null, el('county', null, p.birthPlaceCode)))) : undefined)));
}

function specialty(ctx: CdaContext): XNode {
  const s = ctx.authorSpecialty ?? BIOLOGIST_SPECIALTY;
  return el('code', { code: s.code, displayName: s.displayName, codeSystem: BIOLOGIST_SPECIALTY.codeSystem });
}

/** assignedEntity/assignedAuthor body for the biologist, attached to the lab. */
function biologistEntity(tag: string, b: Practitioner, ctx: CdaContext, orgExtra?: XNode): XNode {
  return el(tag, null,
    practitionerId(b, ctx),
    specialty(ctx),
    addr(b.address ?? ctx.lab.address),
    telecoms(b.phone ?? ctx.lab.phone),
    el('assignedPerson', null, personName(b)),
    labOrganization('representedOrganization', ctx, orgExtra));
}

/** Participant body; StrucMin accepts no id there but not an id without root and extension (nullFlavor). */
function prescriberParts(p: Practitioner, ctx: CdaContext, personTag: string): Array<XNode | undefined> {
  return [p.rpps || p.adeli || p.code ? practitionerId(p, ctx) : undefined, addr(p.address), ...telecoms(p.phone, p.mssAddress), el(personTag, null, personName(p))];
}

export function header(report: LabReport, ctx: CdaContext, chapters: ChapterCode[]): XNode[] {
  const tz = ctx.timezone;
  const t = (iso: string) => hl7Time(iso, tz);
  const root = labRoot(ctx.lab);
  const req = report.request;
  const created = t(documentTime(report));
  const bio = biologists(report.validator, ctx.lab);
  const validatedAt = t(report.validator?.time ?? documentTime(report));
  const orderId = req.fillerId ?? req.placerId;
  const settingCode = el('standardIndustryClassCode', PRACTICE_SETTING);
  const recipients = [report.prescriber, ...(report.copiesTo ?? [])].filter((p): p is Practitioner => !!p);
  const start = req.receivedAt ?? req.collectedAt;
  const [first, ...others] = chapters;
  if (!first) throw new Error('CR-BIO needs at least one chapter');

  return [
    el('realmCode', { code: 'FR' }),
    el('typeId', { root: '2.16.840.1.113883.1.3', extension: 'POCD_HD000040' }),
    el('templateId', { root: '2.16.840.1.113883.2.8.2.1' }),
    el('templateId', { root: '1.2.250.1.213.1.1.1.1' }),
    el('templateId', { root: '1.3.6.1.4.1.19376.1.3.3' }),
    el('templateId', { root: '1.2.250.1.213.1.1.1.55', extension: '2024.01' }),
    el('id', { root, extension: ctx.documentId }),
    el('code', DOC_CODE),
    el('title', null, DOC_TITLE),
    el('effectiveTime', { value: created }),
    el('confidentialityCode', { code: 'N', displayName: 'Normal', codeSystem: '2.16.840.1.113883.5.25' }),
    el('languageCode', { code: 'fr-FR' }),
    el('setId', { root, extension: ctx.setId }),
    el('versionNumber', { value: ctx.version }),
    recordTarget(report.patient, ctx),
    el('author', null, el('time', { value: validatedAt }), biologistEntity('assignedAuthor', bio.signer, ctx)),
    el('custodian', null, el('assignedCustodian', null, labOrganization('representedCustodianOrganization', ctx))),
    recipients.map((p) => el('informationRecipient', null, el('intendedRecipient', null,
      el('templateId', { root: '1.3.6.1.4.1.19376.1.3.3.1.4' }),
      p.rpps || p.adeli ? practitionerId(p, ctx) : undefined,
      addr(p.address), ...telecoms(p.phone, p.mssAddress), el('informationRecipient', null, personName(p))))),
    el('legalAuthenticator', null, el('time', { value: validatedAt }), el('signatureCode', { code: 'S' }),
      biologistEntity('assignedEntity', bio.signer, ctx, settingCode)),
    bio.validator ? el('authenticator', null, el('templateId', { root: '1.3.6.1.4.1.19376.1.3.3.1.5' }),
      el('time', { value: validatedAt }), el('signatureCode', { code: 'S' }),
      biologistEntity('assignedEntity', bio.validator, ctx)) : undefined,
    report.prescriber ? el('participant', { typeCode: 'REF' },
      el('templateId', { root: '1.3.6.1.4.1.19376.1.3.3.1.6' }),
      req.prescribedAt ? el('time', { 'xsi:type': 'IVL_TS' }, el('high', { value: t(req.prescribedAt) })) : el('time', { nullFlavor: 'UNK' }),
      el('associatedEntity', { classCode: 'PROV' }, ...prescriberParts(report.prescriber, ctx, 'associatedPerson'))) : undefined,
    req.sampler ? el('participant', { typeCode: 'PRF' },
      el('functionCode', { code: 'PRELV', displayName: 'Préleveur', codeSystem: '1.2.250.1.213.1.1.4.2.280' }),
      req.collectedAt ? el('time', { 'xsi:type': 'IVL_TS' }, el('high', { value: t(req.collectedAt) })) : el('time', { nullFlavor: 'UNK' }),
      el('associatedEntity', { classCode: 'PROV' }, ...prescriberParts(req.sampler, ctx, 'associatedPerson'))) : undefined,
    orderId ? el('inFulfillmentOf', null, el('order', null, el('id', { root, extension: orderId }))) : undefined,
    el('documentationOf', null, el('serviceEvent', null,
      orderId ? el('id', { root, extension: orderId }) : undefined,
      el('code', { code: first.loinc, displayName: first.label, codeSystem: LOINC, codeSystemName: 'LOINC' }),
      el('lab:statusCode', { code: report.status === 'partial' ? 'active' : 'completed' }),
      el('effectiveTime', null,
        // StrucMin wants a low value: without reception or collection time (HPRIM Médecin gives a
        // report date only) the service is known to have begun by the report, as the body dates it.
        el('low', { value: t(start ?? documentTime(report)) }),
        el('high', { value: created })),
      el('performer', { typeCode: 'PRF' },
        el('templateId', { root: '1.3.6.1.4.1.19376.1.3.3.1.7' }),
        el('time', null, el('high', { value: validatedAt })),
        biologistEntity('assignedEntity', bio.director, ctx, settingCode)))),
    others.map((c) => el('documentationOf', null, el('serviceEvent', null,
      el('code', { code: c.loinc, displayName: c.label, codeSystem: LOINC, codeSystemName: 'LOINC' })))),
    ctx.replaces ? el('relatedDocument', { typeCode: 'RPLC' },
      el('parentDocument', null, el('id', { root, extension: ctx.replaces }))) : undefined,
    el('componentOf', null, el('encompassingEncounter', null,
      orderId ? el('id', { root, extension: orderId }) : undefined,
      el('code', ENCOUNTER_CODE),
      el('effectiveTime', null, el('low', { value: t(req.collectedAt ?? start ?? documentTime(report)) })),
      el('responsibleParty', null, biologistEntity('assignedEntity', bio.responsible, ctx)),
      el('location', null, el('healthCareFacility', null,
        el('code', FACILITY),
        el('location', null, el('name', null, ctx.lab.name), addr(ctx.lab.address)))))),
  ].filter((n): n is XNode => !!n).flat();
}
