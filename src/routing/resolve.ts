import type { LabReport, Practitioner } from '../model/labreport.types.js';
import type { AddressBook } from './address-book.js';

export type RecipientRole = 'prescriber' | 'copy' | 'patient' | 'other';

export interface Recipient { address: string; name?: string; role: RecipientRole }

/** Someone who should receive the report but cannot, with the reason a person can act on. */
export interface Unrouted { who: string; role: RecipientRole; reason: string }

export interface RoutingOptions {
  prescriber: boolean;
  copies: boolean;
  inputRecipients: boolean;
}

export interface RoutingContext {
  addressBook: AddressBook;
  options: RoutingOptions;
}

/** A practitioner as a technician would name them in `status`. */
export function describePractitioner(p: Practitioner): string {
  const name = [p.title, p.familyName, p.givenName].filter(Boolean).join(' ') || p.name || 'praticien sans nom';
  const ids = [p.rpps && `RPPS ${p.rpps}`, p.adeli && `ADELI ${p.adeli}`, p.code && `code ${p.code}`].filter(Boolean).join(', ');
  return ids ? `${name} (${ids})` : name;
}

function practitionerName(p: Practitioner): string | undefined {
  return [p.title ?? 'Dr', p.givenName, p.familyName].filter(Boolean).length > 1
    ? [p.title ?? 'Dr', p.givenName, p.familyName].filter(Boolean).join(' ')
    : p.name;
}

/** Who gets this report: addresses named in the input, the prescriber and the copies, one entry per address. */
export function route(report: LabReport, ctx: RoutingContext): { recipients: Recipient[]; unrouted: Unrouted[] } {
  const recipients: Recipient[] = [];
  const unrouted: Unrouted[] = [];
  const seen = new Set<string>();
  const add = (r: Recipient) => {
    const key = r.address.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    recipients.push(r);
  };
  if (ctx.options.inputRecipients) {
    for (const r of report.recipients ?? []) add({ address: r.address, name: r.name, role: r.role ?? 'other' });
  }
  const practitioners: Array<[Practitioner, RecipientRole]> = [];
  if (ctx.options.prescriber && report.prescriber) practitioners.push([report.prescriber, 'prescriber']);
  if (ctx.options.copies) for (const c of report.copiesTo ?? []) practitioners.push([c, 'copy']);
  for (const [p, role] of practitioners) {
    const address = ctx.addressBook.find(p)?.address ?? p.mssAddress;
    if (address) add({ address, name: practitionerName(p), role });
    else unrouted.push({ who: describePractitioner(p), role, reason: 'no MSSanté address in the input or the address book' });
  }
  if (recipients.length === 0 && unrouted.length === 0) {
    unrouted.push({ who: 'nobody', role: 'other', reason: 'the report names no prescriber, copy or recipient' });
  }
  return { recipients, unrouted };
}
