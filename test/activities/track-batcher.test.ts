// The bulk batcher: background polls wait for the window (or a full batch), urgent requests go at once
// and take the waiting ones along, batches never exceed the courier's bulk limit, and a failed call
// fails every request in it. Fake timers: nothing here depends on how fast the machine is.
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActivities } from '../../src/activities';
import { TrackBatcher } from '../../src/activities/track-batcher';
import { CourierError } from '../../src/couriers/common/errors';
import type { ShipmentRef, TrackResult } from '../../src/couriers/types';
import { FakeCourier, fakeWorld, scan } from '../support/workflow-fakes';

const ref = (awb: string): ShipmentRef => ({ orderId: `O-${awb}`, awb });

/** A request whose outcome the test can look at without awaiting it. */
function watch<T = TrackResult>(p: Promise<T>) {
  const w = { settled: false, result: undefined as T | undefined, error: undefined as unknown, promise: p };
  p.then(
    (r) => Object.assign(w, { settled: true, result: r }),
    (e: unknown) => Object.assign(w, { settled: true, error: e }),
  );
  return w;
}

/** Lets every pending promise callback run; time does not move (setImmediate is not faked below). */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('TrackBatcher', () => {
  describe('with fake timers', () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('holds background requests for the window, then sends them as one bulk call', async () => {
      const courier = new FakeCourier('delhivery', { bulkTrackLimit: 50 });
      const b = new TrackBatcher(courier, { windowMs: 15_000, beforeCall: async () => undefined });
      const a = watch(b.track(ref('A')));
      await vi.advanceTimersByTimeAsync(5_000);
      const c = watch(b.track(ref('B'))); // joins the batch A opened: the window is not restarted
      await vi.advanceTimersByTimeAsync(9_999);
      expect(courier.trackManyCalls).toEqual([]);
      expect(courier.trackCalls).toBe(0);
      expect(a.settled || c.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(courier.trackManyCalls).toEqual([2]);
      expect([a.settled, c.settled]).toEqual([true, true]);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('sends an urgent request at once, taking the waiting background requests along', async () => {
      const courier = new FakeCourier('delhivery', { bulkTrackLimit: 50 });
      courier.publish(scan('B', 'in_transit', '2026-03-01T10:00:00Z'));
      const many = vi.spyOn(courier, 'trackMany');
      const b = new TrackBatcher(courier, { windowMs: 60_000, beforeCall: async () => undefined });
      const waiting = ['A', 'B', 'C'].map((awb) => watch(b.track(ref(awb))));
      await vi.advanceTimersByTimeAsync(1_000);
      expect(courier.trackManyCalls).toEqual([]);

      // No timer is advanced from here on: the urgent request must not wait for the window.
      const urgent = watch(b.track(ref('U'), { urgent: true }));
      await settle();
      expect(urgent.result).toEqual({ kind: 'not_yet', awb: 'U' });
      expect(courier.trackManyCalls).toEqual([4]);
      expect(many.mock.calls[0]?.[0].map((r) => r.awb)).toEqual(['U', 'A', 'B', 'C']);
      expect(waiting.map((w) => w.result?.kind)).toEqual(['not_yet', 'tracked', 'not_yet']);
      // Their window is gone with them: nothing is sent again when it would have ended.
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(courier.trackManyCalls).toEqual([4]);
    });

    it('sends a lone urgent request as a single track call', async () => {
      const courier = new FakeCourier('delhivery', { bulkTrackLimit: 50 });
      const b = new TrackBatcher(courier, { windowMs: 60_000, beforeCall: async () => undefined });
      const urgent = watch(b.track(ref('U'), { urgent: true }));
      await settle();
      expect(urgent.settled).toBe(true);
      expect(courier.trackCalls).toBe(1);
      expect(courier.trackManyCalls).toEqual([]);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('background requests that follow an urgent flush open a new window', async () => {
      const courier = new FakeCourier('delhivery', { bulkTrackLimit: 50 });
      const b = new TrackBatcher(courier, { windowMs: 10_000, beforeCall: async () => undefined });
      const first = [watch(b.track(ref('A'))), watch(b.track(ref('U'), { urgent: true }))];
      await settle();
      expect(first.map((r) => r.settled)).toEqual([true, true]);
      const later = watch(b.track(ref('B')));
      await vi.advanceTimersByTimeAsync(9_999);
      expect(later.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(later.settled).toBe(true);
      expect(courier.trackManyCalls).toEqual([2]);
      expect(courier.trackCalls).toBe(1);
    });

    it('sends a batch as soon as it reaches the bulk limit, and never more than the limit per call', async () => {
      const courier = new FakeCourier('shiprocket', { bulkTrackLimit: 3 });
      const many = vi.spyOn(courier, 'trackMany');
      let calls = 0;
      const b = new TrackBatcher(courier, { windowMs: 60_000, beforeCall: async () => void calls++ });
      const reqs = ['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((awb) => watch(b.track(ref(awb))));
      await vi.advanceTimersByTimeAsync(0);
      expect(courier.trackManyCalls).toEqual([3, 3]); // two full batches went without waiting
      expect(reqs.map((r) => r.settled)).toEqual([true, true, true, true, true, true, false]);
      // An urgent request fills the open batch up to the limit, itself first.
      const h = watch(b.track(ref('H')));
      const u = watch(b.track(ref('U'), { urgent: true }));
      await settle();
      expect(courier.trackManyCalls).toEqual([3, 3, 3]);
      expect(many.mock.calls[2]?.[0].map((r) => r.awb)).toEqual(['U', 'G', 'H']);
      expect([...reqs, h, u].every((r) => r.settled && r.error === undefined)).toBe(true);
      expect(calls).toBe(3);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('an urgent call that fails fails the requests riding along, and the next batch is sent afresh', async () => {
      const courier = new FakeCourier('shiprocket', { bulkTrackLimit: 10 });
      const b = new TrackBatcher(courier, { windowMs: 60_000, beforeCall: async () => undefined });
      courier.trackFailure = new CourierError('shiprocket', 'trackMany', 'transient', 'server_error', '502');
      const riders = ['A', 'B'].map((awb) => watch(b.track(ref(awb))));
      const urgent = watch(b.track(ref('U'), { urgent: true }));
      await settle();
      expect(urgent.error).toBeInstanceOf(CourierError);
      expect(riders.map((r) => r.error)).toEqual([urgent.error, urgent.error]);
      const next = watch(b.track(ref('A')));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(next.result).toEqual({ kind: 'not_yet', awb: 'A' });
      expect(courier.trackManyCalls).toEqual([3]);
      expect(courier.trackCalls).toBe(1);
    });

    it('a rate-limit wait that fails rejects the whole batch', async () => {
      const courier = new FakeCourier('delhivery', { bulkTrackLimit: 50 });
      const limited = new CourierError('delhivery', 'track', 'rate_limited', 'rate_limited', 'no slot', { retryAfterMs: 1000 });
      const b = new TrackBatcher(courier, { windowMs: 1_000, beforeCall: async () => Promise.reject(limited) });
      const reqs = ['A', 'B', 'C'].map((awb) => watch(b.track(ref(awb))));
      await vi.advanceTimersByTimeAsync(1_000);
      expect(reqs.map((r) => r.error)).toEqual([limited, limited, limited]);
      expect(courier.trackManyCalls).toEqual([]);
    });
  });

  it('a failed bulk call fails every request in it, and the next batch is sent afresh', async () => {
    const courier = new FakeCourier('shiprocket', { bulkTrackLimit: 10 });
    let calls = 0;
    const b = new TrackBatcher(courier, { windowMs: 10, beforeCall: async () => void calls++ });
    courier.trackFailure = new CourierError('shiprocket', 'trackMany', 'transient', 'server_error', '502');
    const first = await Promise.allSettled(['A', 'B', 'C'].map((awb) => b.track({ orderId: awb, awb })));
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    courier.publish(scan('A', 'picked_up', '2026-03-01T10:00:00Z', { courier: 'shiprocket' }));
    const second = await Promise.all(['A', 'B'].map((awb) => b.track({ orderId: awb, awb })));
    expect(second.map((r) => r.kind)).toEqual(['tracked', 'not_yet']);
    expect(courier.trackManyCalls).toEqual([3, 2]);
    expect(calls).toBe(2);
  });

  it('a courier without bulk tracking is asked one AWB at a time', async () => {
    const courier = new FakeCourier('icarry', { bulkTrackLimit: 1 });
    const b = new TrackBatcher(courier, { windowMs: 10, beforeCall: async () => undefined });
    await Promise.all(['A', 'B', 'C'].map((awb) => b.track({ orderId: awb, awb })));
    await Promise.all(['D', 'E'].map((awb) => b.track({ orderId: awb, awb }, { urgent: awb === 'E' })));
    expect(courier.trackCalls).toBe(5);
    expect(courier.trackManyCalls).toEqual([]);
  });
});

describe('courier activities and the batcher', () => {
  const NOW = Date.parse('2026-03-02T10:00:00Z');
  const run = <F extends (...a: any[]) => Promise<unknown>>(fn: F, ...args: Parameters<F>) =>
    new MockActivityEnvironment({ attempt: 1, currentAttemptScheduledTimestampMs: NOW }).run(fn, ...args) as ReturnType<F>;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('trackNow is urgent and carries a waiting poll along; pollTracking waits for the window', async () => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    courier.publish(scan('POLLED', 'in_transit', NOW - 60_000));
    world.deps.config = { ...world.deps.config, trackBatchWindowMs: 3_600_000 };
    const acts = createActivities(world.deps);
    const poll = watch(run(acts.pollTracking, { courier: 'delhivery', ref: ref('POLLED'), status: 'in_transit', webhookFreshHours: 24, knownKeys: [], firstDelayMs: 0 }));
    await settle();
    expect(poll.settled).toBe(false);
    expect(courier.trackManyCalls).toEqual([]);
    const now = watch(run(acts.trackNow, { courier: 'delhivery', ref: ref('REFRESH') }));
    await settle(); // the clock stands still: nothing but trackNow can have sent the poll
    expect(now.result?.events).toEqual([]);
    expect(poll.settled).toBe(true);
    expect(poll.result?.events.map((e) => e.awb)).toEqual(['POLLED']); // found in trackNow's call
    expect(courier.trackManyCalls).toEqual([2]);
    expect(courier.trackCalls).toBe(0);
  });
});
