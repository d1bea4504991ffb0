import { createHash } from 'node:crypto';
import type { CdaContext } from './context.js';

/**
 * Root of the lab's own identifiers (IPP, order, document, specimen). A lab with a registered OID
 * uses it; otherwise a name-based UUID (RFC 4122 v5 layout over SHA-1 of the FINESS or name), which
 * HL7 accepts as an II root and which stays the same for every document of that lab.
 */
export function labRoot(lab: CdaContext['lab']): string {
  if (lab.oid) return lab.oid;
  const h = createHash('sha1').update(`labmss:lab:${lab.finess ?? lab.name}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex').toUpperCase();
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** National structure identifier (1.2.250.1.71.4.2.2): '1' + FINESS. */
export function structureId(lab: CdaContext['lab']): { root: string; extension: string } | undefined {
  return lab.finess ? { root: '1.2.250.1.71.4.2.2', extension: `1${lab.finess}` } : undefined;
}
