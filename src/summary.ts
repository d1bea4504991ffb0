/** What one pass did, for the CLI's summary and exit code. */
export interface PassSummary {
  claimed: number;
  /** Files left in the export folder because they were modified too recently (maybe still being written). */
  settling: number;
  duplicates: Array<{ file: string; reason: string }>;
  quarantined: Array<{ file: string; reason: string }>;
  reports: number;
  held: Array<{ delivery: number; recipient: string; reason: string }>;
  sent: number;
  /** Held deliveries released because their cause had gone (an address found, a domain now allowed). */
  released: number;
  deferred: Array<{ delivery: number; recipient: string; reason: string }>;
  failed: Array<{ delivery: number; recipient: string; reason: string }>;
  /** Files that met a fault of the machine (disk full, I/O error): left claimed, processed again later. */
  faults: Array<{ file: string; fault: string }>;
}

export function emptySummary(): PassSummary {
  return { claimed: 0, settling: 0, duplicates: [], quarantined: [], reports: 0, held: [], sent: 0, released: 0, deferred: [], failed: [], faults: [] };
}

/** 0 everything done; 1 some input quarantined, skipped as a duplicate or met a fault, or some delivery held or failed. */
export function exitCodeOf(s: PassSummary): number {
  return s.quarantined.length || s.duplicates.length || s.held.length || s.failed.length || s.faults.length ? 1 : 0;
}
