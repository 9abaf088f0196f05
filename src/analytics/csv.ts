// CSV export of a sync analytics report (RFC 4180: CRLF line ends, a header row, fields quoted when they
// hold a comma, quote, CR or LF, quotes doubled). One row per period and courier, then one total row per
// courier that also carries the live snapshot; column meanings are in docs/ops-console.md.
import { DELIVERY_TIME_BINS } from './metrics';
import type { PeriodRow, SnapshotRow, SyncAnalyticsReport } from './sync-analytics';

export type CsvValue = string | number | boolean | null | undefined;

export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

type Column = [name: string, period: (r: PeriodRow) => CsvValue, snapshot?: (s: SnapshotRow) => CsvValue];

const COLUMNS: Column[] = [
  ['courier', (r) => r.courier],
  ['from', (r) => r.from],
  ['to', (r) => r.to],
  ['webhook_events', (r) => r.events.webhook],
  ['poll_events', (r) => r.events.poll],
  ['webhook_share', (r) => r.events.webhookShare],
  ['latency_events', (r) => r.latency.count],
  ['latency_p50_seconds', (r) => r.latency.p50Seconds],
  ['latency_p95_seconds', (r) => r.latency.p95Seconds],
  ['closed', (r) => r.outcomes.closed],
  ['delivered', (r) => r.outcomes.delivered],
  ['rto', (r) => r.outcomes.rto],
  ['lost', (r) => r.outcomes.lost],
  ['ndr', (r) => r.outcomes.ndr],
  ['ndr_rate', (r) => r.outcomes.ndrRate],
  ['ndr_recovered', (r) => r.outcomes.ndrRecovered],
  ['ndr_rto', (r) => r.outcomes.ndrRto],
  ['ndr_recovery_rate', (r) => r.outcomes.ndrRecoveryRate],
  ['rto_rate', (r) => r.outcomes.rtoRate],
  ['delivery_time_count', (r) => r.deliveryTime.count],
  ['delivery_time_p50_hours', (r) => r.deliveryTime.p50Hours],
  ['delivery_time_p95_hours', (r) => r.deliveryTime.p95Hours],
  ...DELIVERY_TIME_BINS.map((b): Column => [`delivered_${b.key}`, (r) => r.deliveryTime.histogram[b.key]]),
  ['live_shipments', () => null, (s) => s.live],
  ['stuck', () => null, (s) => s.stuck],
  ['ndr_open', () => null, (s) => s.ndrOpen],
  ['sync_eligible', () => null, (s) => s.syncEligible],
  ['in_sync', () => null, (s) => s.inSync],
  ['sync_success_rate', () => null, (s) => s.syncSuccessRate],
];

export const CSV_HEADER: readonly string[] = ['row', ...COLUMNS.map((c) => c[0])];

export function analyticsCsv(report: SyncAnalyticsReport): string {
  const snapshot = new Map(report.snapshot.rows.map((s) => [s.courier, s]));
  const line = (kind: 'period' | 'total', r: PeriodRow): CsvValue[] => {
    const s = kind === 'total' ? snapshot.get(r.courier) : undefined;
    return [kind, ...COLUMNS.map(([, period, snap]) => (snap ? (s ? snap(s) : null) : period(r)))];
  };
  return toCsv(CSV_HEADER, [...report.periods.map((r) => line('period', r)), ...report.totals.map((r) => line('total', r))]);
}

export function csvFilename(report: Pick<SyncAnalyticsReport, 'from' | 'to' | 'bucket' | 'courier'>): string {
  return `waybill-sync-${report.courier ?? 'all'}-${report.bucket}-${report.from}-to-${report.to}.csv`;
}
