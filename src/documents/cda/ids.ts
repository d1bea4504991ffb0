import { createHash } from 'node:crypto';
import type { CdaContext } from './context.js';

/**
 * An OID under the UUID arc 2.25 (ITU-T X.667) for a name-based UUID (RFC 4122 v5 layout over
 * SHA-1 of `name`): globally unique, and the same every time for the same name.
 */
export function nameOid(name: string): string {
  const h = createHash('sha1').update(name).digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${h.toString('hex')}`).toString()}`;
}

/**
 * Root of the lab's own identifiers (IPP, order, document, specimen): the lab's registered OID,
 * else a 2.25 OID derived from its FINESS (or name), stable for every document of that lab.
 */
export function labRoot(lab: CdaContext['lab']): string {
  return lab.oid ?? nameOid(`labmss:lab:${lab.finess ?? lab.name}`);
}

/** National structure identifier (1.2.250.1.71.4.2.2): '1' + FINESS. */
export function structureId(lab: CdaContext['lab']): { root: string; extension: string } | undefined {
  return lab.finess ? { root: '1.2.250.1.71.4.2.2', extension: `1${lab.finess}` } : undefined;
}
