import { charsetName, decode } from './charset.js';
import { delimitersOf } from './hl7-tokens.js';

/** HL7 table 0211 names that the generic charset names do not cover. */
const HL7_NAMES: Record<string, string> = {
  'ISO IR6': 'utf-8', 'ISO IR100': 'iso-8859-1', 'ISO IR101': 'iso-8859-2', 'ISO IR126': 'iso-8859-7', 'ISO IR144': 'iso-8859-5',
  'ISO IR148': 'iso-8859-9', 'UNICODE UTF-8': 'utf-8',
};

/** MSH-18 of the first MSH, read from the raw bytes (the header is ASCII whatever the charset). */
export function declaredCharset(bytes: Buffer): string {
  const head = bytes.subarray(0, 65536).toString('latin1');
  const at = head.search(/(?:^|[\r\n\x0b]|\xef\xbb\xbf)MSH/);
  if (at < 0) return '';
  const start = head.indexOf('MSH', at);
  const eol = head.slice(start).search(/[\r\n]/);
  const line = eol < 0 ? head.slice(start) : head.slice(start, start + eol);
  const d = delimitersOf(line);
  if (!d) return '';
  const msh18 = line.split(d.field)[17] ?? '';
  return msh18.split(d.repetition)[0]!.split(d.component)[0]!.trim();
}

export interface Hl7Text {
  text: string;
  charset: string;
  warnings: string[];
}

/** Decodes an HL7 file: BOM first, then MSH-18, else UTF-8 (HL7's usual default in France). */
export function decodeHl7(bytes: Buffer): Hl7Text {
  const warnings: string[] = [];
  const declared = declaredCharset(bytes);
  let name = declared ? HL7_NAMES[declared.toUpperCase()] ?? charsetName(declared) : 'utf-8';
  if (name === undefined) {
    warnings.push(`MSH-18 charset "${declared}" is unknown: read as UTF-8`);
    name = 'utf-8';
  }
  const out = decode(bytes, name);
  if (out.warning) warnings.push(out.warning);
  return { text: out.text, charset: out.charset, warnings };
}
