import type { LabReport } from '../model/labreport.types.js';
import type { DeliveryRow, Journal, ReportRow } from '../queue/journal.js';
import { coverage } from '../loinc/coverage.js';
import type { LoincMapping } from '../loinc/mapping.js';
import { reportDir, spoolLayout } from '../queue/spool.js';
import { reportPages } from './pdf-pages.js';

export interface MonthStats {
  /** YYYY-MM in the lab's time zone. */
  month: string;
  reports: number;
  /** Messages handed to the MSSanté operator (or written to the outbox): deliveries with an accepted time. */
  messages: number;
  recipients: number;
  delivered: number;
  bounced: number;
  read: number;
  /** Shares of `messages`, 0..1; null when there was no message. */
  deliveredRate: number | null;
  bouncedRate: number | null;
  readRate: number | null;
  /** Deliveries not sent: held (no address, over size…) and failed (a person must act), and still waiting. */
  held: number;
  failed: number;
  waiting: number;
  /**
   * Median seconds to delivery: accepted → delivered from the DSNs when there are any (`basis: "dsn"`),
   * else created → accepted by the operator (`basis: "accepted"`).
   */
  medianDelay: { seconds: number; basis: 'dsn' | 'accepted' } | null;
  /** Share of messages sent as stage 2 (CR-BIO CDA in IHE_XDM.ZIP). */
  stage2Share: number | null;
  /** Results of the month's reports that carry (or map to) a LOINC code. */
  loinc: { results: number; coded: number; share: number | null };
  /** Letters a professional did not have to receive on paper: count, pages and postage saved. */
  dematerialisation: { letters: number; pages: number; postage: number };
}

export interface StatsOptions {
  timezone: string;
  postagePerLetter: number;
  /** Report spool folder of a report row (`dispatcher.reportDir`). */
  reportDir(setId: string, version: number): string;
  mapping?: LoincMapping;
  /** Only this month (YYYY-MM). */
  month?: string;
}

/** `2026-11-30T23:30:00Z` → `2026-12` in Europe/Paris. */
export function monthIn(timezone: string): (iso: string) => string {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit' });
  return (iso) => {
    const parts = fmt.formatToParts(new Date(iso));
    return `${parts.find((p) => p.type === 'year')!.value}-${parts.find((p) => p.type === 'month')!.value}`;
  };
}

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const rate = (n: number, of: number) => (of ? n / of : null);
const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;
const cents = (x: number) => Math.round(x * 100) / 100;

/** Per-month figures from the journal (and the report PDFs in the spool), oldest month first. */
export function monthlyStats(journal: Journal, opts: StatsOptions): MonthStats[] {
  const monthOf = monthIn(opts.timezone);
  const reports = journal.allReports();
  const deliveries = journal.allDeliveries();
  const reportById = new Map(reports.map((r) => [r.id, r]));
  const byMonth = new Map<string, { reports: ReportRow[]; deliveries: DeliveryRow[] }>();
  const bucket = (m: string) => byMonth.get(m) ?? byMonth.set(m, { reports: [], deliveries: [] }).get(m)!;
  for (const r of reports) bucket(monthOf(r.created_at)).reports.push(r);
  for (const d of deliveries) bucket(monthOf(d.created_at)).deliveries.push(d);
  const pages = new Map<number, number>();
  const pagesOf = (r: ReportRow) => pages.get(r.id) ?? pages.set(r.id, reportPages(opts.reportDir(r.set_id, r.version))).get(r.id)!;

  const months = [...byMonth.keys()].filter((m) => !opts.month || m === opts.month).sort();
  return months.map((month) => {
    const { reports: rs, deliveries: ds } = byMonth.get(month)!;
    const sent = ds.filter((d) => d.accepted_at);
    const delivered = sent.filter((d) => d.delivered_at || d.state === 'delivered' || d.state === 'read');
    const read = sent.filter((d) => d.read_at || d.state === 'read');
    const dsnDelays = delivered.filter((d) => d.delivered_at).map((d) => seconds(d.accepted_at!, d.delivered_at!));
    const acceptDelays = sent.map((d) => seconds(d.created_at, d.accepted_at!));
    const delay = dsnDelays.length ? { seconds: median(dsnDelays)!, basis: 'dsn' as const }
      : acceptDelays.length ? { seconds: median(acceptDelays)!, basis: 'accepted' as const } : null;
    const cov = coverage(rs.map((r) => JSON.parse(r.json) as LabReport), opts.mapping);
    // A message that reached a professional is a letter not printed, enveloped and posted.
    const letters = sent.filter((d) => d.role !== 'patient' && d.state !== 'bounced');
    return {
      month,
      reports: rs.length,
      messages: sent.length,
      recipients: new Set(sent.map((d) => d.recipient.toLowerCase())).size,
      delivered: delivered.length,
      bounced: sent.filter((d) => d.state === 'bounced').length,
      read: read.length,
      deliveredRate: rate(delivered.length, sent.length),
      bouncedRate: rate(sent.filter((d) => d.state === 'bounced').length, sent.length),
      readRate: rate(read.length, sent.length),
      held: ds.filter((d) => d.state === 'held').length,
      failed: ds.filter((d) => d.state === 'failed').length,
      waiting: ds.filter((d) => d.state === 'pending' || d.state === 'deferred' || d.state === 'sending').length,
      medianDelay: delay,
      stage2Share: rate(sent.filter((d) => d.stage === 2).length, sent.length),
      loinc: { results: cov.total, coded: cov.mapped, share: cov.total ? cov.mapped / cov.total : null },
      dematerialisation: {
        letters: letters.length,
        pages: letters.reduce((n, d) => n + pagesOf(reportById.get(d.report_id)!), 0),
        postage: cents(letters.length * opts.postagePerLetter),
      },
    };
  });
}

/** The report folders of a state directory, for read-only callers (stats runs beside a daemon, without a dispatcher). */
export function reportDirIn(stateDir: string): (setId: string, version: number) => string {
  const layout = spoolLayout(stateDir);
  return (setId, version) => reportDir(layout, setId, version);
}
