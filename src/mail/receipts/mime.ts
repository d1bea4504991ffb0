/**
 * Just enough MIME to read delivery and read reports: header blocks (unfolded, case-insensitive),
 * Content-Type parameters, multipart bodies and the two common transfer encodings. Pure functions.
 */

export type HeaderBlock = Map<string, string[]>;

export interface MimePart {
  headers: HeaderBlock;
  body: string;
}

/** Splits `name: value` lines (continuation lines unfolded) into a map of lower-case names to values. */
export function parseHeaderBlock(text: string): HeaderBlock {
  const out: HeaderBlock = new Map();
  const unfolded = text.replace(/\r?\n(?=[ \t])/g, '');
  for (const line of unfolded.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).replace(/\s+/g, ' ').trim();
    out.set(name, [...(out.get(name) ?? []), value]);
  }
  return out;
}

export const header = (h: HeaderBlock, name: string): string | undefined => h.get(name.toLowerCase())?.[0];

/** Header block and body of an entity (the blank line separates them). */
export function parseEntity(text: string): MimePart {
  const m = /\r?\n\r?\n/.exec(text);
  if (!m) return { headers: parseHeaderBlock(text), body: '' };
  return { headers: parseHeaderBlock(text.slice(0, m.index)), body: text.slice(m.index + m[0].length) };
}

export interface ContentType { type: string; params: Record<string, string> }

export function contentTypeOf(h: HeaderBlock): ContentType {
  const raw = header(h, 'content-type') ?? 'text/plain';
  const type = raw.split(';')[0]!.trim().toLowerCase();
  const params: Record<string, string> = {};
  for (const m of raw.matchAll(/;\s*([\w.-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]+)/g)) {
    params[m[1]!.toLowerCase()] = m[2]!.startsWith('"') ? m[2]!.slice(1, -1).replace(/\\(.)/g, '$1') : m[2]!;
  }
  return { type, params };
}

/** The parts of a multipart body (preamble and epilogue dropped). */
export function multipartParts(body: string, boundary: string): MimePart[] {
  const esc = boundary.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const pieces = body.split(new RegExp(`(?:^|\\r?\\n)--${esc}(?:--)?[ \\t]*(?=\\r?\\n|$)`));
  return pieces.slice(1, -1).map((p) => parseEntity(p.replace(/^[ \t]*\r?\n/, '')));
}

/** The body of a part with its Content-Transfer-Encoding undone. */
export function decodedBody(part: MimePart): string {
  const cte = (header(part.headers, 'content-transfer-encoding') ?? '').toLowerCase();
  if (cte === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (cte === 'quoted-printable') {
    const bytes = Buffer.from(part.body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    return bytes.toString('utf8');
  }
  return part.body;
}

/** Depth-first search for the first part whose type matches. */
export function findPart(part: MimePart, match: (ct: ContentType) => boolean, depth = 0): MimePart | undefined {
  const ct = contentTypeOf(part.headers);
  if (match(ct)) return part;
  if (depth > 8 || !ct.type.startsWith('multipart/') || !ct.params.boundary) return undefined;
  for (const child of multipartParts(part.body, ct.params.boundary)) {
    const found = findPart(child, match, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Header groups separated by blank lines (the per-message and per-recipient fields of a report). */
export function headerGroups(text: string): HeaderBlock[] {
  return text.split(/\r?\n[ \t]*\r?\n/).map((g) => g.trim()).filter(Boolean).map(parseHeaderBlock);
}
