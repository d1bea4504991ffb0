import iconv from 'iconv-lite';

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function hasUtf8Bom(bytes: Buffer): boolean {
  return bytes.subarray(0, 3).equals(UTF8_BOM);
}

/** Normalises the names found in files and configs (HL7 MSH-18 `8859/1`, `UNICODE UTF-8`, `ISO-8859-15`…) to iconv names. */
export function charsetName(declared: string): string | undefined {
  const d = declared.trim().toUpperCase().replace(/_/g, '-');
  if (d === '' ) return undefined;
  if (/^(UNICODE )?UTF-?8$/.test(d) || d === 'UNICODE') return 'utf-8';
  if (d === 'ASCII' || d === 'US-ASCII') return 'utf-8';
  const iso = /^(?:ISO[- ]?)?8859[-/ ]?(\d{1,2})$/.exec(d);
  if (iso) return `iso-8859-${iso[1]}`;
  if (d === 'LATIN1' || d === 'LATIN-1') return 'iso-8859-1';
  if (d === 'LATIN9' || d === 'LATIN-9') return 'iso-8859-15';
  if (/^(WINDOWS|CP)-?1252$/.test(d)) return 'windows-1252';
  return iconv.encodingExists(d) ? d.toLowerCase() : undefined;
}

/** True when the bytes are valid UTF-8 and contain at least one multi-byte sequence. */
export function looksLikeUtf8(bytes: Buffer): boolean {
  let multi = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    const n = b >= 0xf0 && b < 0xf5 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 && b < 0xe0 ? 1 : -1;
    if (n < 0 || b >= 0xf5) return false;
    for (let k = 1; k <= n; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return false;
    i += n;
    multi = true;
  }
  return multi;
}

export interface Decoded {
  text: string;
  /** The charset actually used. */
  charset: string;
  /** Set when the bytes contradict the declared charset (and what was done about it). */
  warning?: string;
}

/**
 * Decodes input bytes. A UTF-8 BOM wins; bytes that are valid multi-byte UTF-8 in a file declared
 * single-byte are read as UTF-8 (with a warning), and bytes invalid in declared UTF-8, or C1 bytes in
 * declared ISO-8859-1, are read as Windows-1252 (with a warning): either way no mojibake reaches a document.
 */
export function decode(bytes: Buffer, declared: string): Decoded {
  if (hasUtf8Bom(bytes)) return { text: bytes.subarray(3).toString('utf8'), charset: 'utf-8' };
  const name = charsetName(declared) ?? 'iso-8859-1';
  if (name === 'utf-8') {
    const text = bytes.toString('utf8');
    if (text.includes('\uFFFD') && !bytes.includes(Buffer.from('\uFFFD'))) {
      return {
        text: iconv.decode(bytes, 'windows-1252'),
        charset: 'windows-1252',
        warning: 'declared UTF-8 but the bytes are not valid UTF-8; read as Windows-1252',
      };
    }
    return { text, charset: name };
  }
  if (looksLikeUtf8(bytes)) {
    return { text: bytes.toString('utf8'), charset: 'utf-8', warning: `declared ${declared} but the bytes are UTF-8; read as UTF-8` };
  }
  if (name === 'iso-8859-1') {
    // Bytes 0x80–0x9F are control characters in ISO-8859-1 but letters (’ € œ) in Windows-1252, which LIS often mean.
    if (hasC1Bytes(bytes)) {
      return { text: iconv.decode(bytes, 'windows-1252'), charset: 'windows-1252', warning: `declared ${declared} but bytes 0x80–0x9F occur: read as Windows-1252` };
    }
    // Node's latin1 decoder is ISO-8859-1 exactly, and makes a one-byte string: half the memory of iconv's.
    return { text: bytes.toString('latin1'), charset: name };
  }
  return { text: iconv.decode(bytes, name), charset: name };
}

function hasC1Bytes(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80 && bytes[i]! <= 0x9f) return true;
  return false;
}
