// The design the bench compares against: the same shipment behaviour (booking, webhooks, the same
// adaptive cadence and state machine, notifications, projection) but polling with a plain workflow
// timer loop: wait for a signal or the poll timer, then run a track activity. Bench only.
import { condition, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { setHandler } from '@temporalio/workflow';
import type { ShipmentActivities } from '../../src/activities';
import { milestonesFor, pollDelayMs } from '../../src/domain/shipment-policy';
import { createStatusMachine, ingest, setBase } from '../../src/domain/state-machine';
import { isTerminal } from '../../src/domain/status';
import { courierEventSignal, type CourierEventSignal, type ShipmentInput, type ShipmentResult } from '../../src/workflows/shipment/contract';
import { ORDER_STATUS_FOR } from '../../src/domain/status';
import { initialState, projectionOf } from '../../src/workflows/shipment/state';

const acts = proxyActivities<ShipmentActivities>({ startToCloseTimeout: '1 minute', retry: { maximumAttempts: 3 } });
const local = proxyLocalActivities<ShipmentActivities>({ startToCloseTimeout: '30 seconds' });

export async function naiveTimerLoopShipment(input: ShipmentInput): Promise<ShipmentResult> {
  const s = initialState(input, new Date().toISOString());
  const inbox: CourierEventSignal[] = [];
  setHandler(courierEventSignal, (sig) => void inbox.push(sig));
  const { booking } = await acts.bookShipment({ courier: input.courier, request: input.request });
  s.booking = { state: 'booked', awb: booking.awb, courier: input.courier, trackingUrl: booking.trackingUrl, bookedAt: new Date().toISOString() };
  s.machine = setBase(createStatusMachine(), 'booked', new Date().toISOString()).machine;
  const ref = { orderId: input.orderId, awb: booking.awb };
  let unchanged = 0;
  let seq = 0;
  const sends: Array<Promise<unknown>> = [];
  const notify = (from: Parameters<typeof milestonesFor>[0], to: Parameters<typeof milestonesFor>[1]) => {
    for (const m of milestonesFor(from, to)) for (const channel of ['email', 'whatsapp'] as const) sends.push(acts.notify({ orderId: input.orderId, event: m, channel, facts: {} }));
  };
  const apply = async (sig: CourierEventSignal) => {
    const r = ingest(s.machine, sig.events, sig.source, sig.receivedAt);
    s.machine = r.machine;
    for (const t of r.transitions) notify(t.from, t.to);
    if (r.added.length > 0) await local.recordProjection({ shipment: projectionOf(s, ++seq, new Date().toISOString()), events: r.added, orderStatus: [], notes: [] });
    return r.added.length > 0;
  };
  notify('pending', 'booked');
  while (!isTerminal(s.machine.status)) {
    const delay = pollDelayMs({ status: s.machine.status, webhooksFlowing: false, unchangedPolls: unchanged, jitterSeed: booking.awb });
    const signalled = await condition(() => inbox.length > 0, delay);
    if (signalled) {
      while (inbox.length > 0) await apply(inbox.shift() as CourierEventSignal);
      unchanged = 0;
      continue;
    }
    const out = await acts.trackNow({ courier: input.courier, ref });
    unchanged = (await apply({ events: out.events, source: 'poll', receivedAt: out.polledAt })) ? 0 : unchanged + 1;
  }
  await Promise.allSettled(sends);
  return { orderId: input.orderId, status: s.machine.status, orderStatus: ORDER_STATUS_FOR[s.machine.status] };
}
