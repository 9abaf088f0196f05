// The courier activities, run as Temporal runs them (MockActivityEnvironment sets attempt and times),
// against a scripted courier: how failures are classified, how the retry poller paces itself, and how
// many shipments' polls become one bulk call.
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createActivities, FAILURE_TYPES, type PollTrackingInput } from '../../src/activities';
import { CourierError } from '../../src/couriers/common/errors';
import { pollDelayMs } from '../../src/domain/shipment-policy';
import { FakeCourier, fakeWorld, scan } from '../support/workflow-fakes';
import { shipmentInput } from '../support/workflow-env';

const NOW = Date.parse('2026-03-02T10:00:00Z');
const run = <F extends (...a: any[]) => Promise<unknown>>(attempt: number, fn: F, ...args: Parameters<F>) =>
  new MockActivityEnvironment({ attempt, currentAttemptScheduledTimestampMs: NOW }).run(fn, ...args) as ReturnType<F>;
const failureOf = async (p: Promise<unknown>): Promise<ApplicationFailure> => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(e)}`);
  return e;
};

describe('bookShipment', () => {
  it('refuses an unserviceable pincode permanently, before any booking is attempted', async () => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    courier.unserviceable.add('999999');
    const acts = createActivities(world.deps);
    const f = await failureOf(run(1, acts.bookShipment, { courier: 'delhivery', request: shipmentInput('O1', { pincode: '999999' }).request }));
    expect(f).toMatchObject({ type: FAILURE_TYPES.permanent, nonRetryable: true });
    expect(f.details?.[0]).toEqual({ code: 'unserviceable' });
    expect(courier.createCalls).toBe(0);
  });

  it.each([
    ['permanent', 'invalid_request', { nonRetryable: true, type: FAILURE_TYPES.permanent }],
    ['rate_limited', 'rate_limited', { nonRetryable: false, type: FAILURE_TYPES.rateLimited, nextRetryDelay: 7000 }],
    ['transient', 'server_error', { nonRetryable: false, type: FAILURE_TYPES.transient }],
  ] as const)('classifies a %s courier error where the courier is called', async (kind, code, expected) => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    courier.createFailure = new CourierError('delhivery', 'createShipment', kind, code, `${code} from courier`, { retryAfterMs: 7000 });
    const f = await failureOf(run(1, createActivities(world.deps).bookShipment, { courier: 'delhivery', request: shipmentInput('O2').request }));
    expect(f).toMatchObject(expected);
    if (kind === 'permanent') expect(f.details?.[0]).toEqual({ code });
  });

  it('a retried booking recovers the first one instead of booking twice', async () => {
    const world = fakeWorld();
    const acts = createActivities(world.deps);
    const req = { courier: 'delhivery' as const, request: shipmentInput('O3').request };
    const a = await run(1, acts.bookShipment, req);
    const b = await run(2, acts.bookShipment, req);
    expect(b.booking.awb).toBe(a.booking.awb);
    expect(b.booking.recovered).toBe(true);
  });
});

describe('pollTracking (the retry poller)', () => {
  const input = (over: Partial<PollTrackingInput> = {}): PollTrackingInput => ({
    courier: 'delhivery',
    ref: { orderId: 'O9', awb: 'AWB9' },
    status: 'in_transit',
    webhookFreshHours: 24,
    knownKeys: [],
    firstDelayMs: 0,
    ...over,
  });

  it('waits out its first delay without calling the courier', async () => {
    const world = fakeWorld();
    const f = await failureOf(run(1, createActivities(world.deps).pollTracking, input({ firstDelayMs: 123_000 })));
    expect(f).toMatchObject({ type: FAILURE_TYPES.noChange, nextRetryDelay: 123_000, category: ApplicationFailureCategory.BENIGN, nonRetryable: false });
    expect((world.couriers.delhivery as FakeCourier).trackCalls).toBe(0);
  });

  it('finds nothing new: fails benignly with a delay that grows with each unchanged poll', async () => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    const known = scan('AWB9', 'in_transit', NOW - 3_600_000);
    courier.publish(known);
    const acts = createActivities(world.deps);
    const delays: number[] = [];
    for (const attempt of [2, 3, 4, 5]) {
      const f = await failureOf(run(attempt, acts.pollTracking, input({ knownKeys: [known.key], firstDelayMs: 60_000 })));
      expect(f.type).toBe(FAILURE_TYPES.noChange);
      delays.push(Number(f.nextRetryDelay));
    }
    expect(delays).toEqual([1, 2, 3, 4].map((n) => pollDelayMs({ status: 'in_transit', webhooksFlowing: false, unchangedPolls: n, jitterSeed: 'AWB9' })));
    expect(delays[3]).toBeGreaterThan(delays[0] as number);
  });

  it('returns only scans the workflow does not have', async () => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    const old = scan('AWB9', 'in_transit', NOW - 7_200_000);
    const fresh = scan('AWB9', 'out_for_delivery', NOW - 600_000);
    courier.publish(old, fresh);
    const out = await run(1, createActivities(world.deps).pollTracking, input({ knownKeys: [old.key] }));
    expect(out.events.map((e) => e.key)).toEqual([fresh.key]);
    expect(out.polledAt).toBe(new Date(NOW).toISOString());
  });

  it('polls rarely while webhooks flow, except out for delivery', async () => {
    const world = fakeWorld();
    const acts = createActivities(world.deps);
    const recent = new Date(NOW - 3_600_000).toISOString();
    const flowing = await failureOf(run(2, acts.pollTracking, input({ lastWebhookAt: recent, firstDelayMs: 1 })));
    const silent = await failureOf(run(2, acts.pollTracking, input({ firstDelayMs: 1 })));
    expect(Number(flowing.nextRetryDelay)).toBeGreaterThan(2 * Number(silent.nextRetryDelay));
    const ofd = await failureOf(run(2, acts.pollTracking, input({ status: 'out_for_delivery', lastWebhookAt: recent, firstDelayMs: 1 })));
    expect(Number(ofd.nextRetryDelay)).toBeLessThan(Number(silent.nextRetryDelay));
  });

  it('honours a rate-limit answer with its Retry-After', async () => {
    const world = fakeWorld();
    (world.couriers.delhivery as FakeCourier).trackFailure = new CourierError('delhivery', 'trackMany', 'rate_limited', 'rate_limited', '429', { retryAfterMs: 45_000 });
    const f = await failureOf(run(1, createActivities(world.deps).pollTracking, input()));
    expect(f).toMatchObject({ type: FAILURE_TYPES.rateLimited, nextRetryDelay: 45_000 });
  });

  it('coalesces many shipments into bulk calls of at most the courier limit', async () => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    const acts = createActivities(world.deps);
    const awbs = Array.from({ length: 120 }, (_, i) => `BULK${i}`);
    for (const awb of awbs) courier.publish(scan(awb, 'picked_up', NOW - 1000));
    const outs = await Promise.all(awbs.map((awb) => run(1, acts.pollTracking, input({ ref: { orderId: awb, awb } }))));
    expect(outs.every((o) => o.events.length === 1)).toBe(true);
    expect(courier.trackManyCalls.sort((a, b) => b - a)).toEqual([50, 50, 20]);
    expect(courier.trackCalls).toBe(0);
  });
});
