/** Header building blocks for people and organizations (addresses, telecoms, names, identifiers). */
import type { Address, Practitioner } from '../../model/labreport.types.js';
import { RPPS_ROOT } from './codes.js';
import type { CdaContext } from './context.js';
import { labRoot, structureId } from './ids.js';
import { el, type XNode } from './xml.js';

export function addr(a: Address | undefined): XNode {
  const lines = a?.lines?.filter((l) => l.trim() !== '') ?? [];
  if (!a || (lines.length === 0 && !a.postalCode && !a.city)) return el('addr', { nullFlavor: 'UNK' });
  // CI-SIS addresses are either all streetAddressLine or all structured parts, never mixed.
  if (lines.length === 0) {
    return el('addr', null,
      a.postalCode ? el('postalCode', null, a.postalCode) : undefined,
      a.city ? el('city', null, a.city) : undefined,
      a.country ? el('country', null, a.country) : undefined);
  }
  const town = [a.postalCode, a.city].filter(Boolean).join(' ');
  return el('addr', null, [...lines, town, a.country ?? ''].filter((l) => l !== '').map((l) => el('streetAddressLine', null, l)));
}

/** telecom elements (phone, then MSSanté address); one nullFlavor UNK when there is neither. */
export function telecoms(phone?: string, mail?: string): XNode[] {
  const out: XNode[] = [];
  if (phone) out.push(el('telecom', { value: `tel:${phone.replace(/\s+/g, '')}`, use: 'WP' }));
  if (mail) out.push(el('telecom', { value: `mailto:${mail}` }));
  return out.length ? out : [el('telecom', { nullFlavor: 'UNK' })];
}

/** A practitioner's national id: RPPS ('8'+n°) or ADELI ('0'+n°), else the LIS code under the lab's root. */
export function practitionerId(p: Practitioner | undefined, ctx: CdaContext): XNode {
  if (p?.rpps) return el('id', { root: RPPS_ROOT, extension: `8${p.rpps}` });
  if (p?.adeli) return el('id', { root: RPPS_ROOT, extension: `0${p.adeli}` });
  if (p?.code) return el('id', { root: labRoot(ctx.lab), extension: p.code });
  return el('id', { nullFlavor: 'UNK' });
}

/** Titles as LIS write them → CI-SIS codes: civility (JDV_J245, `prefix`) or title (JDV_J246, `suffix`), as the ANS examples do. */
const CIVILITY: Record<string, string> = { M: 'M', MR: 'M', MONSIEUR: 'M', MME: 'MME', MADAME: 'MME', MLLE: 'MME' };
const TITLE: Record<string, string> = { DR: 'DR', DOCTEUR: 'DR', PR: 'PR', PROFESSEUR: 'PR' };

/**
 * The person's name, with the title when it is one the CI-SIS value sets know (any other spelling,
 * and `details`, stay in the embedded PDF: the schematrons accept no free text there).
 */
export function personName(p: Practitioner | undefined): XNode {
  const title = p?.title?.replace(/\.$/, '').toUpperCase() ?? '';
  const prefix = CIVILITY[title] ? el('prefix', null, CIVILITY[title]) : undefined;
  const suffix = TITLE[title] ? el('suffix', null, TITLE[title]) : undefined;
  if (p?.familyName || p?.givenName) {
    return el('name', null,
      prefix,
      p.givenName ? el('given', null, p.givenName) : undefined,
      el('family', p.familyName ? null : { nullFlavor: 'UNK' }, p.familyName),
      suffix);
  }
  if (p?.name) return el('name', null, prefix, el('family', null, p.name), suffix);
  return el('name', null, el('family', { nullFlavor: 'UNK' }));
}

/**
 * FR-Participant AUTHEN of a results entry: the biologist who validated them, as the ANS CR-BIO examples
 * put on each battery. Undefined when the input names nobody (labmss never invents a validator).
 */
export function validatorParticipant(validator: Practitioner | undefined, time: string, ctx: CdaContext): XNode | undefined {
  if (!validator || !(validator.familyName || validator.name || validator.rpps || validator.adeli || validator.code)) return undefined;
  return el('participant', { typeCode: 'AUTHEN' },
    el('templateId', { root: '1.3.6.1.4.1.19376.1.3.3.1.5' }),
    el('templateId', { root: '1.2.250.1.213.1.1.3.109' }),
    el('time', null, el('high', { value: time })),
    el('participantRole', null,
      practitionerId(validator, ctx),
      addr(validator.address ?? ctx.lab.address),
      telecoms(validator.phone ?? ctx.lab.phone),
      el('playingEntity', null, personName(validator))));
}

/** The lab as an organization: id (FINESS-based national id, else the lab's root), name, telecom, addr. */
export function labOrganization(tag: string, ctx: CdaContext, extra?: XNode): XNode {
  const sid = structureId(ctx.lab);
  return el(tag, null,
    el('id', sid ?? { root: labRoot(ctx.lab) }),
    el('name', null, ctx.lab.name),
    telecoms(ctx.lab.phone),
    addr(ctx.lab.address),
    extra);
}

/** Whether the practitioner carries a national id (RPPS or ADELI, both under 1.2.250.1.71.4.2.1). */
export const hasNationalId = (p: Practitioner | undefined): boolean => !!(p?.rpps || p?.adeli);

/** The biologists the header names, by role. */
export interface Biologists {
  /** author and legalAuthenticator (any non-null id, ANS Structuration minimale): the validating biologist, else `responsible`. */
  signer: Practitioner;
  /** authenticator: the validating biologist, only with a national id; StrucMin demands one there and the element is optional. */
  validator?: Practitioner;
  /** componentOf/responsibleParty (StrucMin demands a national id): the validator when he has one, else the lab director. */
  responsible: Practitioner;
  /** documentationOf/serviceEvent/performer, the lab director in CR-BIO: the configured director, else `responsible`. */
  director: Practitioner;
}

function configuredDirector(lab: CdaContext['lab']): Practitioner | undefined {
  const d = lab.director;
  return d?.rpps ? { rpps: d.rpps, familyName: d.familyName, givenName: d.givenName, phone: lab.phone, address: lab.address } : undefined;
}

/** The author and legalAuthenticator (also the XDM authorPerson): the validating biologist when named and identified, else the director. */
export function signer(validator: Practitioner | undefined, lab: CdaContext['lab']): Practitioner | undefined {
  const named = !!(validator?.familyName || validator?.name);
  if (validator && (hasNationalId(validator) || (named && validator.code))) return validator;
  return configuredDirector(lab);
}

/**
 * Picks who signs, validates and answers for the report. The input often names the validating biologist
 * by a LIS code or a name only (HPRIM, HL7 OBR-32 without assigning authority): such an id is never taken
 * for an RPPS; the configured lab director stands in where a national id is required.
 */
export function biologists(validator: Practitioner | undefined, lab: CdaContext['lab']): Biologists {
  const director = configuredDirector(lab);
  const national = validator && hasNationalId(validator) ? validator : undefined;
  const responsible = national ?? director;
  if (!responsible) {
    const has = validator?.code ? `only the local code ${validator.code}` : validator ? 'a name only' : 'no validating biologist';
    throw new Error(`CR-BIO needs a biologist with an RPPS (componentOf/responsibleParty): the report names ${has} and the configuration has no lab.director.rpps; `
      + 'set lab.director {"rpps": "<11 digits>", "familyName": …, "givenName": …} in the config, or have the LIS send the validating biologist\'s RPPS');
  }
  return { signer: signer(validator, lab) ?? responsible, validator: national, responsible, director: director ?? responsible };
}
