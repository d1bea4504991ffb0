/** LabReport → CR-BIO 2024.01 CDA R2 level 3 (ANS CI-SIS), XML text in UTF-8. Pure and deterministic. */
import type { LabReport } from '../../model/labreport.types.js';
import { body } from './body.js';
import type { CdaContext } from './context.js';
import { documentTime, header } from './header.js';
import { el, xmlDocument } from './xml.js';

export type { CdaContext } from './context.js';

export function buildCda(report: LabReport, pdf: Buffer, ctx: CdaContext): string {
  // The header's date checks speak for the whole report: let them fail before a battery's does.
  documentTime(report);
  const b = body(report, pdf, ctx);
  return xmlDocument(el('ClinicalDocument', {
    xmlns: 'urn:hl7-org:v3',
    'xmlns:lab': 'urn:oid:1.3.6.1.4.1.19376.1.3.2',
    'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
  }, header(report, ctx, b.chapters), b.body));
}
