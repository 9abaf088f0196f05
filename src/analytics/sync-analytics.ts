// Sync analytics per courier and period, from the MongoDB projection: how shipments' statuses reach
// Waybill (webhook or poll, and how late), whether live shipments are in sync, and how shipments end
// (delivered, NDR recovered, RTO) and how long delivery took. Served by GET /api/analytics and the ops
// console's analytics page; definitions in docs/ops-console.md.
import type { CourierId } from '../domain/events';
import { courierIds } from '../couriers/registry';
import type { Collections } from '../storage/collections';
import { rmReady } from '../storage/read-models/read';
import { readAppliedEvents, readLiveCounts, readOutcomes, type LiveCounts } from './facts';
import { readFactsFromReadModels, readLiveCountsFromReadModels, slotAligned } from './read-model-facts';
import { PeriodAccumulator, type PeriodMetrics } from './metrics';
import { ratio } from './percentile';
import { addDays, localMidnight } from '../lib/calendar-dates';
import { bucketIndex, buckets, type BucketSize } from './time-buckets';

export interface SyncAnalyticsRequest {
  /** First and last local calendar day, YYYY-MM-DD, both included. */
  from: string;
  to: string;
  bucket: BucketSize;
  /** One courier, or every courier plus an 'all' row. */
  courier?: CourierId;
  /** A live shipment is in sync when its last successful sync is at most this old. */
  syncWindowHours: number;
}

export interface SyncAnalyticsOptions {
  /** The store's time zone: days and weeks start at its midnight (STORE_TIMEZONE). */
  timeZone: string;
  now?: () => number;
}

export type CourierKey = CourierId | 'all';

export interface PeriodRow extends PeriodMetrics {
  courier: CourierKey;
  /** First and last local day of the period (both included), and the instants it spans [startsAt, endsAt). */
  from: string;
  to: string;
  startsAt: string;
  endsAt: string;
}

export interface SnapshotRow extends LiveCounts {
  courier: CourierKey;
  /** inSync ÷ syncEligible */
  syncSuccessRate: number | null;
}

export interface SyncAnalyticsReport {
  generatedAt: string;
  timeZone: string;
  from: string;
  to: string;
  bucket: BucketSize;
  courier: CourierId | null;
  syncWindowHours: number;
  /** One row per period and courier (plus 'all' when no courier was asked for), oldest period first. */
  periods: PeriodRow[];
  /** The whole range, per courier (and 'all'). Percentiles are over every value, not averaged. */
  totals: PeriodRow[];
  /** State now, not per period: the projection keeps only each shipment's latest sync and flags. */
  snapshot: { asOf: string; rows: SnapshotRow[] };
}

export interface SyncAnalyticsSource {
  /** 'read-models': documents by _id only (once ready); 'query': the plain scans. Default: the read models when they can answer. */
  source?: 'read-models' | 'query';
}

export async function syncAnalytics(cols: Collections, req: SyncAnalyticsRequest, o: SyncAnalyticsOptions & SyncAnalyticsSource): Promise<SyncAnalyticsReport> {
  const now = (o.now ?? Date.now)();
  const periods = buckets(req.from, req.to, req.bucket, o.timeZone);
  const range = { startsAt: localMidnight(req.from, o.timeZone), endsAt: localMidnight(addDays(req.to, 1), o.timeZone), courier: req.courier };
  const keys: CourierKey[] = req.courier ? [req.courier] : [...courierIds(), 'all'];

  // acc[period][courier]; the last "period" is the whole range.
  const acc = [...periods, null].map(() => new Map(keys.map((k) => [k, new PeriodAccumulator()] as const)));
  const into = (courier: CourierId, t: number, add: (a: PeriodAccumulator) => void) => {
    const i = bucketIndex(periods, t);
    if (i < 0) return;
    for (const row of [acc[i]!, acc[periods.length]!]) {
      const own = row.get(courier);
      if (own) add(own);
      if (!req.courier) add(row.get('all')!);
    }
  };

  const syncSince = now - req.syncWindowHours * 3_600_000;
  // Read models bin facts to quarter hours: they answer whenever every period starts on one (any real time zone).
  const fromReadModels = o.source === 'read-models' || (o.source !== 'query' && slotAligned([range.startsAt, range.endsAt, ...periods.map((p) => p.startsAt)]) && (await rmReady(cols)));
  let live: Map<CourierId, LiveCounts>;
  if (fromReadModels) {
    await readFactsFromReadModels(cols, range, (e) => into(e.courier, e.receivedAt, (a) => a.addEvent(e)), (f) => into(f.courier, f.at, (a) => a.addOutcome(f)));
    live = await readLiveCountsFromReadModels(cols, req.courier, syncSince);
  } else {
    await readAppliedEvents(cols, range, (e) => into(e.courier, e.receivedAt, (a) => a.addEvent(e)));
    await readOutcomes(cols, range, (f) => into(f.courier, f.at, (a) => a.addOutcome(f)));
    live = await readLiveCounts(cols, req.courier, syncSince);
  }

  const row = (i: number, k: CourierKey, from: string, to: string, startsAt: number, endsAt: number): PeriodRow => ({
    courier: k,
    from,
    to,
    startsAt: new Date(startsAt).toISOString(),
    endsAt: new Date(endsAt).toISOString(),
    ...acc[i]!.get(k)!.result(),
  });
  return {
    generatedAt: new Date(now).toISOString(),
    timeZone: o.timeZone,
    from: req.from,
    to: req.to,
    bucket: req.bucket,
    courier: req.courier ?? null,
    syncWindowHours: req.syncWindowHours,
    periods: periods.flatMap((p, i) => keys.map((k) => row(i, k, p.from, p.to, p.startsAt, p.endsAt))),
    totals: keys.map((k) => row(periods.length, k, req.from, req.to, range.startsAt, range.endsAt)),
    snapshot: { asOf: new Date(now).toISOString(), rows: keys.map((k) => snapshotRow(k, live)) },
  };
}

function snapshotRow(k: CourierKey, live: Map<CourierId, LiveCounts>): SnapshotRow {
  const parts = k === 'all' ? [...live.values()] : [live.get(k) ?? { live: 0, stuck: 0, ndrOpen: 0, syncEligible: 0, inSync: 0 }];
  const sum = (f: keyof LiveCounts) => parts.reduce((n, p) => n + p[f], 0);
  const c: LiveCounts = { live: sum('live'), stuck: sum('stuck'), ndrOpen: sum('ndrOpen'), syncEligible: sum('syncEligible'), inSync: sum('inSync') };
  return { courier: k, ...c, syncSuccessRate: ratio(c.inSync, c.syncEligible) };
}
