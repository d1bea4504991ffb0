import { domainToASCII } from 'node:url';

/**
 * One RFC 5321 mailbox (`local-part@domain`), and nothing else: no display name, no list, no comment,
 * no angle brackets, no address literal. Every address labmss sends to passes here first, whatever its
 * source (input file, address book, directory, `--to`), so that the allow-list checks the one domain the
 * message really goes to: `evil@evil.example, dr@mss.test` is two addresses, and is refused, not read
 * as `…@mss.test`.
 *
 * Normal form: the local part as written (dot-atom; a quoted local part whose content is a dot-atom
 * loses its quotes), the domain in IDNA ASCII, lower case. A quoted local part that needs its quotes
 * (spaces, `@`, `,`, …) is refused: no MSSanté mailbox has one, and such a string is exactly what mail
 * libraries split into several recipients.
 */
export type ParsedMailbox = { ok: true; address: string; local: string; domain: string } | { ok: false; reason: string };

const MAX_ADDRESS = 254;
const MAX_LOCAL = 64;
const MAX_LABEL = 63;
/** RFC 5322 atext: the characters of a dot-atom besides the dots. */
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;
const LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const refuse = (reason: string): ParsedMailbox => ({ ok: false, reason });

/** Why `text` is not exactly one mailbox, or the mailbox in its normal form. Pure. */
export function parseMailbox(text: string): ParsedMailbox {
  if (typeof text !== 'string') return refuse('not a text');
  const s = text.trim();
  if (!s) return refuse('empty address');
  if (s.length > MAX_ADDRESS) return refuse(`longer than ${MAX_ADDRESS} characters`);
  if (CONTROL.test(s)) return refuse('contains a control character');
  const split = splitLocal(s);
  if ('reason' in split) return refuse(split.reason);
  const local = split.local;
  const rest = s.slice(split.end);
  if (!rest.startsWith('@')) return refuse(/[\s<>,;()]/.test(s) ? 'not a single address (display name, list, comment or brackets)' : 'no "@" after the local part');
  const domainText = rest.slice(1);
  if (/[\s<>,;()@"\\[\]]/.test(domainText)) return refuse('not a single address (display name, list, comment, brackets or a second "@")');
  if (local.length > MAX_LOCAL) return refuse(`local part longer than ${MAX_LOCAL} characters`);
  const domain = parseDomain(domainText);
  if ('reason' in domain) return refuse(domain.reason);
  const address = `${local}@${domain.ascii}`;
  if (address.length > MAX_ADDRESS) return refuse(`longer than ${MAX_ADDRESS} characters`);
  return { ok: true, address, local, domain: domain.ascii };
}

/** The local part at the start of `s` (a dot-atom up to the first `@`, or a quoted string), and where it ends. */
function splitLocal(s: string): { local: string; end: number } | { reason: string } {
  if (!s.startsWith('"')) {
    const at = s.indexOf('@');
    const local = at < 0 ? s : s.slice(0, at);
    if (at < 0) return /[\s<>,;()]/.test(s) ? { reason: 'not a single address (display name, list, comment or brackets)' } : { reason: 'no "@"' };
    if (!local) return { reason: 'empty local part' };
    if (/[\s<>,;()"]/.test(local)) return { reason: 'not a single address (display name, list, comment, brackets or quotes)' };
    if (/[^\x21-\x7e]/.test(local)) return { reason: 'non-ASCII local part (needs SMTPUTF8, not used by MSSanté)' };
    if (!DOT_ATOM.test(local)) return { reason: 'local part is not a dot-atom (leading, trailing or double dot, or a character not allowed)' };
    return { local, end: at };
  }
  let content = '';
  for (let i = 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') { content += s[i + 1] ?? ''; i++; continue; }
    if (c === '"') {
      if (!DOT_ATOM.test(content)) return { reason: 'quoted local part with spaces or special characters: not accepted' };
      return { local: content, end: i + 1 };
    }
    content += c;
  }
  return { reason: 'unterminated quoted local part' };
}

/** The domain in IDNA ASCII, lower case: at least two LDH labels, no trailing dot, no address literal. */
function parseDomain(text: string): { ascii: string } | { reason: string } {
  if (!text) return { reason: 'empty domain' };
  if (text.endsWith('.')) return { reason: 'domain ends with a dot' };
  if (/[%/?#:]/.test(text)) return { reason: 'domain contains a character not allowed in a host name' };
  const ascii = domainToASCII(text.normalize('NFC').toLowerCase());
  if (!ascii) return { reason: 'domain is not a valid internationalised domain name (IDNA)' };
  const labels = ascii.split('.');
  if (labels.length < 2) return { reason: 'domain has a single label' };
  for (const l of labels) {
    if (!l) return { reason: 'domain has an empty label' };
    if (l.length > MAX_LABEL) return { reason: `domain label longer than ${MAX_LABEL} characters` };
    if (!LABEL.test(l)) return { reason: 'domain label with a character other than letters, digits and inner hyphens' };
  }
  if (/^\d+$/.test(labels.at(-1)!)) return { reason: 'domain is an IP address, not a name' };
  return { ascii };
}
