import { describe, expect, it } from 'vitest';
import { defaultNdrDecision, milestonesFor, pollDelayMs, stuckAfterMs } from '../../src/domain/shipment-policy';

const minutes = (ms: number) => ms / 60_000;

describe('poll cadence', () => {
  it('is frequent out for delivery, rare in RTO, and a safety net while webhooks flow', () => {
    const at = (status: Parameters<typeof pollDelayMs>[0]['status'], webhooksFlowing = false) => minutes(pollDelayMs({ status, webhooksFlowing, unchangedPolls: 0 }));
    expect(at('out_for_delivery')).toBe(60);
    expect(at('in_transit')).toBe(240);
    expect(at('rto_in_transit')).toBe(720);
    expect(at('in_transit', true)).toBe(720);
    expect(at('out_for_delivery', true)).toBe(60);
  });

  it('backs off on unchanged polls, up to four times the base and never beyond a day', () => {
    const series = [0, 1, 2, 3, 4, 10].map((n) => minutes(pollDelayMs({ status: 'in_transit', webhooksFlowing: false, unchangedPolls: n })));
    expect(series).toEqual([240, 360, 540, 810, 960, 960]);
    expect(minutes(pollDelayMs({ status: 'rto_in_transit', webhooksFlowing: false, unchangedPolls: 10 }))).toBe(24 * 60);
  });

  it('honours per-shipment overrides and spreads shipments with a ±10 % jitter', () => {
    expect(minutes(pollDelayMs({ status: 'in_transit', webhooksFlowing: false, unchangedPolls: 0, overrides: { in_transit: 30 } }))).toBe(30);
    const spread = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6'].map((seed) => minutes(pollDelayMs({ status: 'in_transit', webhooksFlowing: false, unchangedPolls: 0, jitterSeed: seed })));
    expect(spread.every((m) => m >= 216 && m <= 264)).toBe(true);
    expect(new Set(spread).size).toBeGreaterThan(1);
  });
});

describe('stuck thresholds', () => {
  it('apply to live statuses only, with overrides', () => {
    expect(stuckAfterMs('out_for_delivery')).toBe(24 * 3_600_000);
    expect(stuckAfterMs('in_transit', { in_transit: 10 })).toBe(10 * 3_600_000);
    expect(stuckAfterMs('delivered')).toBeUndefined();
    expect(stuckAfterMs('pending')).toBeUndefined();
  });
});

describe('milestones', () => {
  it('announce the status reached, once per kind of change', () => {
    expect(milestonesFor('pending', 'booked')).toEqual(['shipped']);
    expect(milestonesFor('in_transit', 'out_for_delivery')).toEqual(['out_for_delivery']);
    expect(milestonesFor('in_transit', 'delivered')).toEqual(['delivered']);
    expect(milestonesFor('out_for_delivery', 'undelivered')).toEqual(['ndr_action_needed', 'admin_ndr_alert']);
    expect(milestonesFor('undelivered', 'rto_initiated')).toEqual(['rto_initiated']);
    expect(milestonesFor('undelivered', 'rto_in_transit')).toEqual(['rto_initiated']);
    expect(milestonesFor('rto_initiated', 'rto_in_transit')).toEqual([]);
    expect(milestonesFor('picked_up', 'in_transit')).toEqual([]);
  });
});

describe('default NDR action', () => {
  it('reattempts while attempts remain, escalates after, and always for couriers without an NDR API', () => {
    expect(defaultNdrDecision(1, 2, true)).toEqual({ action: 'reattempt' });
    expect(defaultNdrDecision(2, 2, true)).toEqual({ action: 'escalate', why: '2 failed attempts' });
    expect(defaultNdrDecision(1, 2, false)).toEqual({ action: 'escalate', why: 'courier has no NDR API' });
  });
});
