import { fflate } from '../libraries.js';

/** Where the XDM zip holds the CDA and its metadata (one submission set, one document). */
export const CDA_PATH = 'IHE_XDM/SUBSET01/DOC0001.XML';
export const METADATA_PATH = 'IHE_XDM/SUBSET01/METADATA.XML';

/** The CDA document of an IHE_XDM.ZIP labmss built, or undefined when it holds none. */
export function xdmCda(zip: Uint8Array): string | undefined {
  const entry = fflate().unzipSync(zip, { filter: (f) => f.name === CDA_PATH })[CDA_PATH];
  return entry && Buffer.from(entry.buffer, entry.byteOffset, entry.byteLength).toString('utf8');
}
