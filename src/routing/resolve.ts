import type { LabReport, Practitioner } from '../model/labreport.types.js';
import type { AddressBook } from './address-book.js';
import { notOneMailbox, type AllowlistCheck } from './allowlist.js';
import { parseMailbox } from './mailbox.js';
import { chooseMailbox, nationalIdsOf, type DirectoryView, type MailboxPreference } from './directory.js';
import { describePatient, PATIENT_DOMAIN, patientRouting } from './patient.js';
import type { HoldCode } from '../gate/hold.js';

export type RecipientRole = 'prescriber' | 'copy' | 'patient' | 'other';

export interface Recipient { address: string; name?: string; role: RecipientRole }

/** Someone who should receive the report but cannot, with the reason a person can act on. */
export interface Unrouted { who: string; role: RecipientRole; reason: string; code: HoldCode; address?: string }

export interface RoutingOptions {
  prescriber: boolean;
  copies: boolean;
  inputRecipients: boolean;
  /** Mon espace santé (default: off). */
  patients?: { enabled: boolean };
  /** Which of several directory mailboxes to take (default: hold for a person). */
  preferMailboxType?: MailboxPreference;
}

/**
 * Everything routing consults, passed in so that `route` stays a pure function: the lab's address book,
 * the directory (absent when never imported), and the allow-list check (absent: no check, for callers
 * that screen addresses themselves).
 */
export interface RoutingContext {
  addressBook: AddressBook;
  options: RoutingOptions;
  directory?: DirectoryView;
  allowlist?: AllowlistCheck;
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

const CHOOSE = 'choose with `labmss resend R… --to ADDR`';

/** A practitioner's address: the address book, then the input, then the directory by identification nationale. */
function practitionerAddress(p: Practitioner, ctx: RoutingContext): { address: string } | { reason: string; code: HoldCode } {
  const address = ctx.addressBook.find(p)?.address ?? p.mssAddress;
  if (address) return { address };
  const ids = nationalIdsOf(p);
  if (!ctx.directory) {
    return { code: 'no-address', reason: `no MSSanté address in the input or the address book${ids.length ? ', and no directory imported: run `labmss directory import FILE`' : ''}` };
  }
  if (!ids.length) return { code: 'no-address', reason: 'no MSSanté address in the input or the address book, and no RPPS or ADELI to look up in the directory' };
  const candidates = ids.flatMap((id) => ctx.directory!.candidates(id));
  const choice = chooseMailbox(candidates, ctx.options.preferMailboxType ?? 'hold');
  if ('address' in choice) return { address: choice.address };
  if ('ambiguous' in choice) {
    return { code: 'ambiguous-address', reason: `several MSSanté addresses: ${choice.ambiguous.map((c) => `${c.address} (${c.type})`).join(', ')} — ${CHOOSE}` };
  }
  return { code: 'no-address', reason: `no MSSanté mailbox in ${ctx.directory.label} nor in the address book` };
}

/**
 * Every address, whatever its source, as exactly one mailbox in its normal form (mailbox.ts), then the
 * allow-list on that mailbox's domain; refused ones move to `unrouted` with the reason. Without a check
 * (callers that screen themselves) the mailbox is still parsed. One entry per normalised address.
 */
export function screenRecipients(recipients: Recipient[], check: AllowlistCheck | undefined): { recipients: Recipient[]; unrouted: Unrouted[] } {
  const kept: Recipient[] = [];
  const unrouted: Unrouted[] = [];
  const seen = new Set<string>();
  for (const r of recipients) {
    const m = parseMailbox(r.address);
    const refused = m.ok ? check?.(m.address) : notOneMailbox(m.reason);
    // `who` is kept short: it lands in the journal and in `status`; a text that is not one mailbox is never kept as an address.
    if (!m.ok || refused) {
      unrouted.push({ who: (r.name ?? r.address).slice(0, 200), ...(m.ok ? { address: m.address } : {}), role: r.role, reason: refused ?? '', code: 'not-allowed' });
      continue;
    }
    if (seen.has(m.address.toLowerCase())) continue;
    seen.add(m.address.toLowerCase());
    kept.push({ ...r, address: m.address });
  }
  return { recipients: kept, unrouted };
}

/** The recipients of a report: the given addresses when a person names them (`--to`), else the rules; the allow-list either way. */
export function routeReport(report: LabReport, ctx: RoutingContext, to?: string[]): { recipients: Recipient[]; unrouted: Unrouted[] } {
  if (to?.length) return screenRecipients(to.map((address) => ({ address, role: 'other' as const })), ctx.allowlist);
  return route(report, ctx);
}

const isPatientAddress = (address: string) => address.toLowerCase().endsWith(`@${PATIENT_DOMAIN}`);

/**
 * Who gets this report: addresses named in the input, the prescriber and the copies, and the patient's
 * Mon espace santé mailbox; one entry per address. The input's masking flags win over everything:
 * masked from professionals → the patient only; invisible to the patient → never the patient.
 * Every address then passes the allow-list.
 */
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
  const masking = report.masking ?? {};
  const toProfessionals = !masking.maskedFromProfessionals && masking.toMssPro !== false;
  // A patient address is never taken from the input as written: only the qualified INS builds it.
  const inputAsksPatient = (report.recipients ?? []).some((r) => r.role === 'patient' || isPatientAddress(r.address));

  if (toProfessionals && ctx.options.inputRecipients) {
    for (const r of report.recipients ?? []) {
      if (r.role === 'patient' || isPatientAddress(r.address)) continue;
      add({ address: r.address, name: r.name, role: r.role ?? 'other' });
    }
  }
  const practitioners: Array<[Practitioner, RecipientRole]> = [];
  if (toProfessionals && ctx.options.prescriber && report.prescriber) practitioners.push([report.prescriber, 'prescriber']);
  if (toProfessionals && ctx.options.copies) for (const c of report.copiesTo ?? []) practitioners.push([c, 'copy']);
  for (const [p, role] of practitioners) {
    const found = practitionerAddress(p, ctx);
    if ('address' in found) add({ address: found.address, name: practitionerName(p), role });
    else unrouted.push({ who: describePractitioner(p), role, reason: found.reason, code: found.code });
  }

  const patient = patientRouting(report, Boolean(ctx.options.patients?.enabled));
  if ('address' in patient) add({ address: patient.address, role: 'patient' });
  else if ('held' in patient) unrouted.push({ who: describePatient(report), role: 'patient', reason: patient.held, code: 'patient-route' });
  else if (inputAsksPatient && ctx.options.inputRecipients) unrouted.push({ who: describePatient(report), role: 'patient', reason: `not sent to the patient: ${patient.skip}`, code: 'patient-route' });

  const screened = screenRecipients(recipients, ctx.allowlist);
  unrouted.push(...screened.unrouted);
  if (screened.recipients.length === 0 && unrouted.length === 0) {
    const reason = !toProfessionals
      ? `the input keeps the report from professionals (${masking.maskedFromProfessionals ? 'MASQUE_PS' : 'DESTMSSANTEPS=N'}) and it does not go to the patient: ${'skip' in patient ? patient.skip : 'no address'}`
      : 'the report names no prescriber, copy or recipient';
    unrouted.push({ who: 'nobody', role: 'other', reason, code: 'no-recipient' });
  }
  return { recipients: screened.recipients, unrouted };
}
