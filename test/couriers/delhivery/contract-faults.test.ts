// Injected faults on the simulator, as the client classifies them.
import { afterEach, describe, expect, it } from 'vitest';
import { SIM_DEFAULTS } from '../../../src/simulators/delhivery';
import { advance, failure, sampleRequest, startSim, type RunningSim } from './helpers';

let s: RunningSim | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const ref = (awb: string) => ({ orderId: 'ORD-1001', awb });

describe('fault injection', () => {
  it('403 WAF bursts → rate_limited, retry after ≥30 s whatever Retry-After says; calls pass again after the burst', async () => {
    s = await startSim();
    const { awb } = await s.client.createShipment(sampleRequest());
    s.sim.faults.set({ burst429: { every: 1, length: 2, retryAfterSeconds: 5 } });
    await expect(s.client.track(ref(awb))).resolves.toMatchObject({ kind: 'tracked' });
    for (let i = 0; i < 2; i++) {
      const e = await failure(s.client.track(ref(awb)));
      expect([e.kind, e.code, e.details.httpStatus]).toEqual(['rate_limited', 'rate_limited', 403]);
      expect(e.details.retryAfterMs).toBeGreaterThanOrEqual(30_000);
    }
    await expect(s.client.track(ref(awb))).resolves.toMatchObject({ kind: 'tracked' });
    expect(s.observations.filter((o) => o.operation === 'track').map((o) => o.outcome)).toEqual(['ok', 'rate_limited', 'rate_limited', 'ok']);
  });

  it('the simulator\'s own tracking limit answers the WAF page too', async () => {
    s = await startSim({ limits: { trackingPer5Min: 1 } });
    const { awb } = await s.client.createShipment(sampleRequest());
    await s.client.track(ref(awb));
    const e = await failure(s.client.trackMany([ref(awb)]));
    expect(e.kind).toBe('rate_limited');
    advance(s, 1);
    await expect(s.client.trackMany([ref(awb)])).resolves.toHaveProperty(awb);
  });

  it('500s → transient server_error on every operation', async () => {
    s = await startSim();
    const { awb } = await s.client.createShipment(sampleRequest());
    s.sim.faults.set({ errorRate: 1, seed: 1 });
    const calls: Array<Promise<unknown>> = [
      s.client.track(ref(awb)),
      s.client.trackMany([ref(awb)]),
      s.client.cancel(ref(awb)),
      s.client.createShipment(sampleRequest({ orderId: 'ORD-2' })),
      s.client.checkServiceability({ pickupPincode: '560001', deliveryPincode: '400064', weightGrams: 500, paymentMethod: 'cod', orderValue: 1 }),
      s.client.ndrAction(ref(awb), { type: 'reattempt' }),
    ];
    for (const c of calls) {
      const e = await failure(c);
      expect([e.kind, e.code]).toEqual(['transient', 'server_error']);
    }
  });

  it('timeouts → transient timeout', async () => {
    s = await startSim({}, { timeoutMs: 200 });
    s.sim.faults.set({ timeoutRate: 1, seed: 7 });
    const e = await failure(s.client.track(ref('37140100000001')));
    expect([e.kind, e.code]).toEqual(['transient', 'timeout']);
    expect(e.message).not.toContain(SIM_DEFAULTS.token);
  });
});
