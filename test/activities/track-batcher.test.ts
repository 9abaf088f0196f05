import { describe, expect, it } from 'vitest';
import { TrackBatcher } from '../../src/activities/track-batcher';
import { CourierError } from '../../src/couriers/common/errors';
import { FakeCourier, scan } from '../support/workflow-fakes';

describe('TrackBatcher', () => {
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
    expect(courier.trackCalls).toBe(3);
    expect(courier.trackManyCalls).toEqual([]);
  });
});
