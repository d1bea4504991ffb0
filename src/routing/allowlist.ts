import { domainToASCII } from 'node:url';
import { fastXmlParser } from '../documents/libraries.js';
import { parseMailbox } from './mailbox.js';

/**
 * The ANS list of MSSanté domains (listeblanchemssante.xml, `//Domaine/Nom`), as values.
 *
 * Matching is exact on the whole domain: each operator domain is on the list by itself, so being on the
 * list says nothing about its subdomains (`x.medecin.mssante.fr` is not allowed because
 * `medecin.mssante.fr` is). Domains are compared in their ASCII (punycode) form, lower case, so a list
 * that spells `hôpital.mssante.fr` and an address written `xn--hpital-bva.mssante.fr` agree.
 */

/** Why an address must not be sent to, or undefined when it may. */
export type AllowlistCheck = (address: string) => string | undefined;

/** The comparable form of a domain (IDNA ASCII, lower case, no trailing dot), or undefined when it is not a valid name. */
export function normalizeDomain(domain: string): string | undefined {
  const d = domain.normalize('NFC').trim().replace(/\.$/, '').toLowerCase();
  if (!d || /[\s@/]/.test(d)) return undefined;
  const ascii = domainToASCII(d);
  return ascii ? ascii : undefined;
}


export interface ParsedAllowlist {
  /** Normalized domains, each once, in list order. */
  domains: string[];
  /** The names as written, for the normalized ones that differ (non-ASCII names). */
  written: Map<string, string>;
  /** Names that are not valid domains. */
  invalid: string[];
  /** A date the file carries about itself, when it has one. */
  date?: string;
}

function findDate(node: unknown, depth = 0): string | undefined {
  if (!node || typeof node !== 'object' || depth > 3) return undefined;
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (/^domaines?$/i.test(k)) continue;
    if (/date/i.test(k.replace(/^@_/, '')) && (typeof v === 'string' || typeof v === 'number')) return String(v).trim();
    const inner = findDate(Array.isArray(v) ? v[0] : v, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

function collectNames(node: unknown, out: string[]): void {
  if (Array.isArray(node)) { for (const n of node) collectNames(n, out); return; }
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === 'Domaine') {
      for (const d of Array.isArray(v) ? v : [v]) {
        const nom = (d as Record<string, unknown> | undefined)?.Nom;
        for (const n of Array.isArray(nom) ? nom : [nom]) if (typeof n === 'string' || typeof n === 'number') out.push(String(n));
      }
    } else {
      collectNames(v, out);
    }
  }
}

/** Reads the list's XML (namespaces ignored); throws when it has no `Domaine/Nom` at all. */
export function parseAllowlist(xml: string): ParsedAllowlist {
  // Loaded here, on import of a list: every `run` reaches this module (routing), few parse a list.
  const { XMLParser } = fastXmlParser();
  const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, parseTagValue: false, trimValues: true, processEntities: true });
  let tree: unknown;
  try {
    tree = parser.parse(xml, true);
  } catch (err) {
    throw new Error(`not well-formed XML: ${(err as Error).message}`);
  }
  const names: string[] = [];
  collectNames(tree, names);
  if (!names.length) throw new Error('no //Domaine/Nom in the file: not the ANS MSSanté allow-list (listeblanchemssante.xml)');
  const seen = new Set<string>();
  const parsed: ParsedAllowlist = { domains: [], written: new Map(), invalid: [], date: findDate(tree) };
  for (const name of names) {
    const d = normalizeDomain(name);
    if (!d) { parsed.invalid.push(name); continue; }
    if (seen.has(d)) continue;
    seen.add(d);
    parsed.domains.push(d);
    if (d !== name.trim().toLowerCase()) parsed.written.set(d, name.trim());
  }
  return parsed;
}

/** The bytes of the list as text: UTF-8 unless its XML declaration says Latin-1. */
export function decodeAllowlist(bytes: Uint8Array): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const enc = /encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1]?.toLowerCase();
  const latin = enc === 'iso-8859-1' || enc === 'latin1' || enc === 'windows-1252';
  return new TextDecoder(latin ? 'windows-1252' : 'utf-8', { fatal: !latin }).decode(bytes).replace(/^\uFEFF/, '');
}

/** Why `address` is not exactly one mailbox (see mailbox.ts), or undefined; the reason never quotes the text. */
export function mailboxProblem(address: string): string | undefined {
  const m = parseMailbox(address);
  return m.ok ? undefined : notOneMailbox(m.reason);
}

/** The reason a text that is not exactly one mailbox is refused with. */
export const notOneMailbox = (reason: string) => `not a single valid address (${reason}): never sent`;

/**
 * A check against a set of normalized domains; `label` names the list in reasons. The address is parsed
 * as exactly one mailbox first: the domain checked is the one the message would go to.
 */
export function allowlistChecker(domains: { has(domain: string): boolean }, label: string): AllowlistCheck {
  return (address) => {
    const m = parseMailbox(address);
    if (!m.ok) return notOneMailbox(m.reason);
    return domains.has(m.domain) ? undefined : `domain ${m.domain} is not on the MSSanté allow-list (${label}): never sent outside the MSSanté trust space`;
  };
}
