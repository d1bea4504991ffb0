import { createHash } from 'node:crypto';
import type { LabReport } from '../model/labreport.types.js';

/**
 * Document identifiers are derived, never random: the same order always gets the same setId, and each
 * version of it the same document id, so a rebuilt document is byte-identical.
 */

/** A UUID-shaped identifier derived from its parts (RFC 4122 layout, version nibble 5-like, from SHA-256). */
export function derivedUuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/**
 * The order a report belongs to: the lab's file number (else the requester's order id) for this patient.
 * Without either, the report cannot be linked to a later version and stands alone (keyed by its source).
 */
export function orderKey(report: LabReport, labKey: string, fallback: string): string {
  const order = report.request.fillerId ?? report.request.placerId;
  const p = report.patient.ids;
  const patient = p.ins?.value ?? p.ipp ?? p.requesterId ?? report.patient.familyName;
  return order ? `${labKey}|order:${order}|patient:${patient}` : `${labKey}|source:${fallback}`;
}

export function setIdFor(orderKeyValue: string): string {
  return derivedUuid('setId', orderKeyValue);
}

export function documentIdFor(setId: string, version: number): string {
  return derivedUuid('document', setId, String(version));
}
