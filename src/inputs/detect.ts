import type { InputFormat } from './types.js';

/** Recognises an input format by its content, never by its file name. */
export function detectFormat(bytes: Buffer): InputFormat | undefined {
  let head = bytes.subarray(0, 4096).toString('latin1');
  if (head.startsWith('\xef\xbb\xbf')) head = head.slice(3);
  const start = head.replace(/^[\s\x00]+/, '');
  if (start.startsWith('{') || start.startsWith('[')) return 'json';
  if (/^(MSH|FHS|BHS)(.)/.test(start)) return 'hl7v2';
  if (/^H(.)(?:.){4}\1/.test(start) || /^H[|]/.test(start)) return 'hprim-sante';
  if (/\*\*\*\*LAB\*\*\*\*/.test(head)) return 'hprim-medecin';
  // HPRIM Médecin without a LAB block: a 12-line header whose line 7 is a birth date (possibly blank) and
  // line 10 a file date; a 13-line header (three address lines) shifts both by one.
  const lines = head.split(/\r\n|\r|\n/, 14);
  const date = (i: number) => /^\s*\d{2}\/\d{2}\/\d{4}\s*$/.test(lines[i] ?? '');
  if (lines.length >= 12 && date(9) && (date(6) || (lines[6] ?? '').trim() === '')) return 'hprim-medecin';
  if (lines.length >= 13 && date(7) && date(10)) return 'hprim-medecin';
  return undefined;
}
