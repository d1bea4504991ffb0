import { detectFormat } from '../inputs/detect.js';

/** How many bytes of a file's end `missingEnd` needs: its last segment or record. */
export const TAIL_BYTES = 2048;

/**
 * What a file's first and last bytes say about its end: the reason it looks cut short, or undefined.
 * Only formats that announce their end are judged: an HL7 batch (FHS/BHS) ends with its FTS/BTS
 * trailer, an HPRIM Santé file with its `L` record. A single HL7 message has no trailer: a message cut
 * at a segment boundary still parses, which is why a file is also taken only once it stopped changing.
 */
export function missingEnd(head: Buffer, tail: Buffer): string | undefined {
  const format = detectFormat(head);
  if (format !== 'hl7v2' && format !== 'hprim-sante') return undefined;
  const lines = tail.toString('latin1').split(/\r\n|\r|\n/).map((l) => l.trim()).filter(Boolean);
  const last = lines[lines.length - 1] ?? '';
  if (format === 'hprim-sante') {
    return /^L(\W|$)/.test(last) ? undefined : 'HPRIM file without its closing L record';
  }
  const start = head.toString('latin1').replace(/^\ufeff|^\xef\xbb\xbf/, '').trimStart();
  const trailer = start.startsWith('FHS') ? 'FTS' : start.startsWith('BHS') ? 'BTS' : undefined;
  if (!trailer) return undefined;
  return last.startsWith(trailer) ? undefined : `HL7 batch without its ${trailer} trailer`;
}
