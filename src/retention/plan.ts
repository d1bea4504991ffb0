import type { ResolvedConfig } from '../config/load.js';

/** The instants before which each kind of file is past retention (`retention.*`). Pure. */
export interface RetentionCutoffs { proofBefore: string; documentsBefore: string; quarantineBefore: string; outboxBefore: string }

const DAY = 86_400_000;
const YEAR = 365.25 * DAY;

export function retentionCutoffs(retention: ResolvedConfig['retention'], now: Date): RetentionCutoffs {
  const before = (ms: number) => new Date(now.getTime() - ms).toISOString();
  return {
    proofBefore: before(retention.proofYears * YEAR),
    documentsBefore: before(retention.documentYears * YEAR),
    quarantineBefore: before(retention.quarantineDays * DAY),
    outboxBefore: before(retention.outboxDays * DAY),
  };
}
