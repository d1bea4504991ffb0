/**
 * IHE_XDM.ZIP carrying one CR-BIO CDA: INDEX.HTM, README.TXT, IHE_XDM/SUBSET01/METADATA.XML and
 * IHE_XDM/SUBSET01/DOC0001.XML (8.3 upper-case names). Byte-deterministic: fixed entry order,
 * fixed attributes, and every entry dated at noon of the report's local date (zip times are local
 * wall-clock fields, so a fixed local time keeps the bytes equal whatever the host's zone).
 */
import type { ZipOptions } from 'fflate';
import { fflate } from '../libraries.js';
import type { LabReport } from '../../model/labreport.types.js';
import { documentTime } from '../cda/header.js';
import type { XdmContext } from './context.js';
import { indexHtm, readmeTxt } from './readme.js';
import { metadataXml } from './metadata.js';
import { CDA_PATH, METADATA_PATH } from './read.js';

export type { XdmContext } from './context.js';
export { CDA_PATH, METADATA_PATH } from './read.js';

function zipDate(report: LabReport): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(documentTime(report));
  if (!m) throw new Error('XDM needs a report date');
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12, 0, 0);
}

export function buildXdm(cdaXml: string, report: LabReport, ctx: XdmContext): Buffer {
  const cda = Buffer.from(cdaXml, 'utf8');
  const opts: ZipOptions = { level: 6, mtime: zipDate(report), os: 0, attrs: 0 };
  // The CDA is stored: its bulk is the base64 of an already-compressed PDF, which deflate shrinks
  // by a quarter at most, for most of the build time.
  const stored: ZipOptions = { ...opts, level: 0 };
  // Buffers are Uint8Arrays: handed to fflate as they are, not copied (the CDA is the size of the PDF and more).
  const text = (s: string) => [Buffer.from(s, 'utf8'), opts] as [Uint8Array, ZipOptions];
  const zip = fflate().zipSync({
    'INDEX.HTM': text(indexHtm(ctx)),
    'README.TXT': text(readmeTxt(ctx)),
    [METADATA_PATH]: text(metadataXml({ uri: 'DOC0001.XML', bytes: cda }, report, ctx)),
    [CDA_PATH]: [cda, stored],
  });
  return Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
}
