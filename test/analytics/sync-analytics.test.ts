// Each metric against the seeded projection on the run's FerretDB (the same queries run on MongoDB 7:
// only find, $match, $group/$sum). Expected numbers are derived by hand in seed.ts's comments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOutcomes } from '../../src/analytics/facts';
import { syncAnalytics, type PeriodRow, type SyncAnalyticsReport } from '../../src/analytics/sync-analytics';
import { localMidnight } from '../../src/lib/calendar-dates';
import type { Mongo } from '../../src/storage/mongo';
import { freshMongo } from '../support/mongo';
import { NOW, seedAnalytics, TZ } from './seed';

let mongo: Mongo;
let week: SyncAnalyticsReport;

const run = (over: Partial<Parameters<typeof syncAnalytics>[1]> = {}) =>
  syncAnalytics(mongo.cols, { from: '2025-03-03', to: '2025-03-09', bucket: 'day', syncWindowHours: 27, ...over }, { timeZone: TZ, now: () => NOW });
const total = (r: SyncAnalyticsReport, courier: string) => r.totals.find((t) => t.courier === courier)!;
const day = (r: SyncAnalyticsReport, from: string, courier: string): PeriodRow => r.periods.find((p) => p.from === from && p.courier === courier)!;

beforeAll(async () => {
  mongo = await freshMongo('sync_analytics');
  await seedAnalytics(mongo);
  week = await run();
});
afterAll(async () => mongo.close());

describe('sync analytics', () => {
  it('has a row per local day and courier, plus an all-couriers row', () => {
    expect(week.periods).toHaveLength(7 * 4);
    expect(week.periods.slice(0, 4).map((p) => p.courier)).toEqual(['shiprocket', 'delhivery', 'icarry', 'all']);
    expect(day(week, '2025-03-03', 'all')).toMatchObject({ from: '2025-03-03', to: '2025-03-03', startsAt: '2025-03-02T18:30:00.000Z', endsAt: '2025-03-03T18:30:00.000Z' });
  });

  it('counts applied events by how they arrived: webhook vs poll share', () => {
    expect(day(week, '2025-03-03', 'delhivery').events).toEqual({ webhook: 2, poll: 1, webhookShare: 0.6667 });
    // Received 19:00 UTC on the 3rd = the 4th in India; the one on the 9th at 19:00 UTC is outside the range.
    expect(day(week, '2025-03-03', 'icarry').events.poll).toBe(0);
    expect(day(week, '2025-03-04', 'icarry').events).toEqual({ webhook: 0, poll: 1, webhookShare: 0 });
    expect(total(week, 'icarry').events).toEqual({ webhook: 0, poll: 1, webhookShare: 0 });
    expect(total(week, 'all').events).toEqual({ webhook: 2, poll: 2, webhookShare: 0.5 });
  });

  it('takes median and p95 latency (courier event → received) by nearest rank, over raw values', () => {
    expect(day(week, '2025-03-03', 'delhivery').latency).toEqual({ count: 3, p50Seconds: 60, p95Seconds: 7200 });
    // A courier clock ahead of ours gives latency 0, not a negative one.
    expect(total(week, 'icarry').latency).toEqual({ count: 1, p50Seconds: 0, p95Seconds: 0 });
    // [0, 30, 60, 7200]: the totals' percentiles come from every value, not from the per-day ones.
    expect(total(week, 'all').latency).toEqual({ count: 4, p50Seconds: 30, p95Seconds: 7200 });
  });

  it('counts outcomes in the period they happened: NDR rate, NDR recovered vs RTO, RTO rate', () => {
    expect(total(week, 'delhivery').outcomes).toEqual({
      closed: 4,
      delivered: 3,
      rto: 1,
      lost: 0,
      ndr: 2,
      ndrRate: 0.5,
      ndrRecovered: 1,
      ndrRto: 1,
      ndrRecoveryRate: 0.5,
      rtoRate: 0.25,
    });
    expect(total(week, 'all').outcomes).toMatchObject({ closed: 6, delivered: 4, rto: 1, lost: 1, ndr: 3, ndrRecovered: 2, ndrRto: 1, ndrRate: 0.5, ndrRecoveryRate: 0.6667, rtoRate: 0.1667 });
    // A delivery counts on the day of the courier's delivered scan (IST), an RTO when Waybill recorded it.
    expect(day(week, '2025-03-03', 'delhivery').outcomes.delivered).toBe(1);
    expect(day(week, '2025-03-04', 'delhivery').outcomes).toMatchObject({ rto: 1, ndrRto: 1 });
    expect(day(week, '2025-03-05', 'delhivery').outcomes).toMatchObject({ delivered: 1, ndrRecovered: 1 });
    expect(day(week, '2025-03-06', 'icarry').outcomes).toMatchObject({ closed: 1, lost: 1 });
    // An NDR known only from the order's history still counts.
    expect(day(week, '2025-03-06', 'shiprocket').outcomes).toMatchObject({ delivered: 1, ndr: 1, ndrRecovered: 1 });
  });

  it('leaves out cancelled shipments and outcomes before the period', async () => {
    // S6 was delivered in February (its document was rewritten since); S7 was cancelled.
    expect(week.totals.reduce((n, t) => n + (t.courier === 'all' ? 0 : t.outcomes.closed), 0)).toBe(6);
    const facts: string[] = [];
    await readOutcomes(mongo.cols, { startsAt: localMidnight('2025-03-03', TZ), endsAt: localMidnight('2025-03-10', TZ) }, (f) => facts.push(`${f.courier}:${f.outcome}`));
    expect(facts.sort()).toEqual(['delhivery:delivered', 'delhivery:delivered', 'delhivery:delivered', 'delhivery:rto', 'icarry:lost', 'shiprocket:delivered']);
  });

  it('measures delivery time from booking to delivery, with its distribution', () => {
    // S5 6 h (set delivered by hand), S8 36 h, S1 48 h, S2 108 h.
    expect(total(week, 'all').deliveryTime).toEqual({ count: 4, p50Hours: 36, p95Hours: 108, histogram: { lt_1d: 1, '1_2d': 1, '2_3d': 1, '3_5d': 1, '5_7d': 0, '7d_plus': 0 } });
    expect(day(week, '2025-03-03', 'delhivery').deliveryTime).toMatchObject({ count: 1, p50Hours: 48 });
  });

  it('snapshots live shipments now: stuck, NDR open and the sync success rate', () => {
    expect(week.snapshot.asOf).toBe('2025-03-10T12:00:00.000Z');
    const rows = Object.fromEntries(week.snapshot.rows.map((r) => [r.courier, r]));
    // L3 is too young to judge; L2 last synced 2 days ago; L4 never synced.
    expect(rows.delhivery).toEqual({ courier: 'delhivery', live: 3, stuck: 1, ndrOpen: 1, syncEligible: 2, inSync: 1, syncSuccessRate: 0.5 });
    expect(rows.icarry).toEqual({ courier: 'icarry', live: 1, stuck: 0, ndrOpen: 0, syncEligible: 1, inSync: 0, syncSuccessRate: 0 });
    expect(rows.shiprocket).toMatchObject({ live: 0, syncSuccessRate: null });
    expect(rows.all).toMatchObject({ live: 4, stuck: 1, ndrOpen: 1, syncEligible: 3, inSync: 1, syncSuccessRate: 0.3333 });
  });

  it('widens the window: a 3-day window puts L2 in sync', async () => {
    const r = await run({ syncWindowHours: 72 });
    expect(r.snapshot.rows.find((s) => s.courier === 'delhivery')).toMatchObject({ syncEligible: 2, inSync: 2, syncSuccessRate: 1 });
  });

  it('narrows to one courier, without an all row', async () => {
    const r = await run({ courier: 'icarry' });
    expect(new Set([...r.periods, ...r.totals, ...r.snapshot.rows].map((x) => x.courier))).toEqual(new Set(['icarry']));
    expect(total(r, 'icarry').outcomes.lost).toBe(1);
  });

  it('groups by ISO week: the week equals the daily totals', async () => {
    const r = await run({ bucket: 'week' });
    expect(r.periods.map((p) => [p.from, p.to])).toEqual(Array(4).fill(['2025-03-03', '2025-03-09']));
    const { courier: _c, from: _f, to: _t, startsAt: _s, endsAt: _e, ...weekAll } = r.periods.find((p) => p.courier === 'all')!;
    const { courier: _c2, from: _f2, to: _t2, startsAt: _s2, endsAt: _e2, ...totalAll } = total(week, 'all');
    expect(weekAll).toEqual(totalAll);
  });

  it('reports an empty period as zero counts and no rates', async () => {
    const r = await run({ from: '2024-01-01', to: '2024-01-02' });
    expect(r.periods).toHaveLength(8);
    expect(total(r, 'all')).toMatchObject({
      events: { webhook: 0, poll: 0, webhookShare: null },
      latency: { count: 0, p50Seconds: null, p95Seconds: null },
      outcomes: { closed: 0, ndrRate: null, ndrRecoveryRate: null, rtoRate: null },
      deliveryTime: { count: 0, p50Hours: null, p95Hours: null },
    });
  });
});
