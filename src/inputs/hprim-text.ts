import { decode } from './charset.js';
import { InputError, type InputLocation, type ParseOptions, type ParseWarning } from './types.js';

/**
 * What both HPRIM parsers share: decoding with the HPRIM default charset, rejecting binary garbage,
 * repairing double-encoded UTF-8, reading lines one at a time, and a bounded warning list.
 */

/** Keeps the journal readable on huge files. */
const MAX_WARNINGS = 200;

export class Warnings {
  readonly list: ParseWarning[] = [];
  private dropped = 0;
  constructor(readonly file: string) {}

  add(where: Omit<InputLocation, 'file'>, message: string): void {
    if (this.list.length >= MAX_WARNINGS) { this.dropped++; return; }
    this.list.push({ file: this.file, ...where, message });
  }

  done(): ParseWarning[] {
    if (this.dropped) this.list.push({ file: this.file, message: `${this.dropped} more warnings not listed` });
    return this.list;
  }
}

// C0 controls other than TAB, LF, FF, CR, and DEL: never in a text export, always a sign of binary content.
const CONTROL = /[\x00-\x08\x0B\x0E-\x1F\x7F]/;
// A UTF-8 lead byte read as Latin-1 (Ã, Â, Å…) followed by a continuation byte read as Latin-1.
const DOUBLE_UTF8 = /[\u00C2-\u00DF][\u0080-\u00BF]|[\u00E0-\u00EF][\u0080-\u00BF]{2}/;

export interface HprimText {
  text: string;
  charset: string;
}

/** Decodes an HPRIM file (default ISO-8859-1, config override), refusing binary bytes and fixing double-encoded UTF-8. */
export function decodeHprim(bytes: Buffer, opts: ParseOptions, w: Warnings): HprimText {
  const declared = opts.hprimCharset ?? 'latin1';
  const decoded = decode(bytes, declared);
  if (decoded.warning) w.add({ line: 1 }, decoded.warning);
  let text = decoded.text;
  const bad = CONTROL.exec(text);
  if (bad) {
    throw new InputError({ file: opts.file, line: lineOf(text, bad.index), field: `byte 0x${bad[0].charCodeAt(0).toString(16).padStart(2, '0')}` },
      'binary or control bytes in a text file: not an HPRIM export, or a damaged one');
  }
  if (text.includes('\uFFFD')) {
    const at = text.indexOf('\uFFFD');
    throw new InputError({ file: opts.file, line: lineOf(text, at) }, 'bytes that are not characters in the file charset');
  }
  const m = DOUBLE_UTF8.exec(text);
  if (m) {
    const fixed = undoDoubleUtf8(text);
    if (fixed !== undefined) {
      text = fixed;
      w.add({ line: lineOf(decoded.text, m.index) }, 'text was UTF-8 encoded twice (e.g. "Ã©" for "é"); decoded once more');
    } else {
      w.add({ line: lineOf(decoded.text, m.index) }, 'text looks UTF-8 encoded twice but cannot be repaired unambiguously; kept as read');
    }
  }
  return { text, charset: decoded.charset };
}

/** Re-reads the text's code points as bytes and decodes them as UTF-8; undefined when that is not exactly possible. */
function undoDoubleUtf8(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return undefined;
  const bytes = Buffer.from(text, 'latin1');
  const out = bytes.toString('utf8');
  return out.includes('\uFFFD') ? undefined : out;
}

/** 1-based line number of a character offset (counts CRLF, CR and LF as one break each). */
export function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    else if (c === 13) { line++; if (text.charCodeAt(i + 1) === 10) i++; }
  }
  return line;
}

// HTML 4's Latin-1 entities, in code point order from U+00A0, then the typographic ones LIS word processors emit.
const LATIN1_ENTITIES = ('nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute '
  + 'micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave '
  + 'Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute '
  + 'THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve '
  + 'oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml').split(' ');
const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", OElig: 'Œ', oelig: 'œ', Yuml: 'Ÿ', euro: '€', lsquo: '‘', rsquo: '’',
  sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„', ndash: '–', mdash: '—', hellip: '…', bull: '•', le: '≤', ge: '≥', ne: '≠',
  ...Object.fromEntries(LATIN1_ENTITIES.map((name, i) => [name, String.fromCharCode(0xa0 + i)])),
};
const ENTITY = /&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,7});/g;

/** Decodes the HTML entities some LIS put in HPRIM text (`M&eacute;decin`); unknown ones stay as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (all, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : all;
    }
    return Object.hasOwn(ENTITIES, name) ? ENTITIES[name]! : all;
  });
}

type ResultStatus = 'final' | 'preliminary' | 'corrected' | 'cancelled';

/** HPRIM/HL7 result status letters (OBX 10.12, RES field 10); undefined when empty or unknown. */
export function resultStatus(code: string): ResultStatus | undefined {
  switch (code.trim().toUpperCase()) {
    case 'F': case 'U': return 'final';
    case 'C': return 'corrected';
    case 'P': case 'R': case 'I': case 'S': return 'preliminary';
    case 'D': case 'X': case 'W': return 'cancelled';
    default: return undefined;
  }
}
