import { readFileSync } from 'node:fs';
import type { CdaContext } from '../../src/documents/cda/build.js';
import type { LabReport } from '../../src/model/labreport.types.js';
import { fixtures } from './paths.js';

/** The CDA fixtures with the context each is rendered in (versions, replaced document). */
export const CDA_CASES: Array<{ name: string; version: number; replaces?: string }> = [
  { name: 'biochemistry', version: 1 },
  { name: 'microbiology', version: 1 },
  { name: 'hematology-odd', version: 1 },
  { name: 'corrected', version: 2, replaces: 'CR-240104-0042-v1' },
  { name: 'cancelled', version: 2, replaces: 'CR-240711-0007-v1' },
];

export const loadReport = (name: string): LabReport => JSON.parse(readFileSync(fixtures('cda', `${name}.json`), 'utf8')) as LabReport;

export function cdaContext(c: { name: string; version: number; replaces?: string }): CdaContext {
  return {
    lab: {
      name: 'Laboratoire des Charmes', finess: '120459876', phone: '01 74 58 96 07',
      address: { lines: ['8 rue Frédéric Bastia'], postalCode: '92100', city: 'BOULOGNE-BILLANCOURT' },
      director: { rpps: '10123453476', familyName: 'CAMPARINI', givenName: 'Marcel' },
    },
    timezone: 'Europe/Paris',
    documentId: `CR-${c.name}-v${c.version}`,
    setId: `CR-${c.name}`,
    version: c.version,
    ...(c.replaces ? { replaces: c.replaces } : {}),
  };
}

/** A stand-in for the stage-1 PDF: the CDA only base64-embeds the bytes. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
