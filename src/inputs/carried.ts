import { carriedCda } from '../documents/cda/carried.js';
import type { ParseResult } from './types.js';

/**
 * A report that carries its lab's CDA (CI-SIS ORU) takes from that CDA what its envelope leaves out:
 * the report date (ClinicalDocument/effectiveTime when OBR-22 is empty) and the lab's file number
 * (inFulfillmentOf/order/id when OBR-3/ORC-3 are empty), so that it is dated and versioned like the
 * document it carries. What the envelope says is never overwritten: the identity check compares them.
 * A CDA that cannot be read is left to that check, which holds the report.
 */
export function withCarriedDefaults(result: ParseResult, file: string): ParseResult {
  for (const report of result.reports) {
    let cda;
    try {
      cda = carriedCda(report);
    } catch {
      continue;
    }
    if (!cda) continue;
    const req = report.request;
    const line = report.source?.line;
    if (!req.reportedAt && cda.effectiveTime) {
      req.reportedAt = cda.effectiveTime;
      result.warnings.push({ file, line, field: 'OBR-22', message: `no report date in the envelope: taken from the carried CDA (effectiveTime)` });
    }
    if (!req.fillerId && !req.placerId && cda.orderId) {
      req.fillerId = cda.orderId;
      result.warnings.push({ file, line, field: 'OBR-3', message: `no order number in the envelope: taken from the carried CDA (inFulfillmentOf/order/id)` });
    }
  }
  return result;
}
