// Shipment workflows on the run's real Temporal dev server (started once by test/support/global-setup):
// the API's update-with-start call exactly as it is made, search attributes as ops query them, and
// continue-as-new under a stream of duplicate webhooks.
import { WithStartWorkflowOperation } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  bookingUpdate,
  courierEventSignal,
  SEARCH_ATTRIBUTES,
  shipmentWorkflowId,
  trackingQuery,
  type ShipmentResult,
} from '../../src/workflows/shipment/contract';
import type { ShipmentStatus } from '../../src/domain/status';
import { FakeCourier, fakeWorld, scan } from '../support/workflow-fakes';
import { orderId, shipmentInput } from '../support/workflow-env';
import { harness } from '../support/workflow-harness';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await TestWorkflowEnvironment.createFromExistingServer({ address: inject('temporalAddress'), namespace: inject('temporalNamespace') });
});
afterAll(async () => {
  await env?.teardown();
});

const H = 3_600_000;

describe('shipment workflow on the dev server', () => {
  it('update-with-start books once: a double click joins the same workflow and gets the same answer', async () => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    const h = await harness(env, world);
    const id = orderId('UWS');
    const input = shipmentInput(id);
    const ship = () =>
      env.client.workflow.executeUpdateWithStart(bookingUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation('shipmentWorkflow', {
          workflowId: shipmentWorkflowId(id),
          taskQueue: h.taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      });
    await h.run(async () => {
      const [a, b] = await Promise.all([ship(), ship()]);
      const c = await ship();
      expect(a).toMatchObject({ ok: true, courier: 'delhivery' });
      expect(b).toEqual(a);
      expect(c).toEqual(a);
      const handle = env.client.workflow.getHandle(shipmentWorkflowId(id));
      const sa = (await handle.describe()).typedSearchAttributes;
      expect(sa.get(SEARCH_ATTRIBUTES.orderId)).toBe(id);
      expect(sa.get(SEARCH_ATTRIBUTES.courier)).toBe('delhivery');
      expect(sa.get(SEARCH_ATTRIBUTES.shipmentStatus)).toBe('booked');
      expect(sa.get(SEARCH_ATTRIBUTES.ndrOpen)).toBe(false);
      if (a.ok) expect(sa.get(SEARCH_ATTRIBUTES.awb)).toBe(a.awb);
      expect(sa.get(SEARCH_ATTRIBUTES.expectedDeliveryAt)?.toISOString()).toBe('2026-03-06T18:00:00.000Z');
      // No personal data in what ops can search: the consignee's name, phone and address are absent.
      const visible = JSON.stringify(sa.getAll().map((p) => p.value));
      for (const pii of ['Asha', '9876543210', 'MG Road', 'asha@example.in']) expect(visible).not.toContain(pii);
      await handle.terminate('test done');
    });
    expect(courier.createCalls).toBe(1);
  });

  it('continue-as-new under duplicate webhooks: nothing lost, nothing applied or notified twice', async () => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    const h = await harness(env, world);
    const id = orderId('CAN');
    await h.run(async () => {
      const handle = await h.start(shipmentInput(id, { options: { continueAsNewAfterEvents: 30 } }));
      const booking = await handle.executeUpdate(bookingUpdate);
      if (!booking.ok) throw new Error('booking failed');
      const firstRun = (await handle.describe()).runId;
      const t0 = Date.parse('2026-03-01T04:00:00Z');
      const steps: Array<[ShipmentStatus, number]> = [
        ['pickup_scheduled', 1], ['picked_up', 5], ['in_transit', 9], ['in_transit', 20], ['in_transit', 31], ['in_transit', 44],
        ['out_for_delivery', 50], ['undelivered', 53], ['out_for_delivery', 74], ['delivered', 77],
      ];
      // Signals and queries go to whichever run is current (handle is bound to the first run).
      const latest = env.client.workflow.getHandle(handle.workflowId);
      for (const [i, [status, hour]] of steps.entries()) {
        const e = scan(booking.awb, status, t0 + hour * H, status === 'undelivered' ? { ndr: { reason: 'consignee_unavailable' } } : {});
        courier.publish(e);
        const sig = { events: [e], source: 'webhook' as const, receivedAt: new Date().toISOString() };
        await latest.signal(courierEventSignal, sig);
        await latest.signal(courierEventSignal, sig);
        // One step at a time: signals that all land before the worker looks would be applied in one
        // task, reach delivered and finish without ever crossing the continue-as-new threshold.
        if (i < steps.length - 1) await until(async () => (await latest.query(trackingQuery)).timeline.length > i);
      }
      const result = (await latest.result()) as ShipmentResult;
      expect(result.status).toBe('delivered');
      expect((await latest.describe()).runId).not.toBe(firstRun);
      const firstHistory = await env.client.workflow.getHandle(handle.workflowId, firstRun).fetchHistory();
      expect(firstHistory.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
      const view = await latest.query(trackingQuery);
      expect(view.timeline).toHaveLength(steps.length);
      expect(view.transitions.filter((t) => t.to === 'out_for_delivery')).toHaveLength(2);
    });
    expect(world.store.timeline(id)).toHaveLength(10);
    const keys = world.sender.keys(id);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual([
      'admin_ndr_alert:admin_email',
      'delivered:email',
      'delivered:whatsapp',
      'ndr_action_needed:email',
      'ndr_action_needed:whatsapp',
      'out_for_delivery:email',
      'out_for_delivery:whatsapp',
      'shipped:email',
      'shipped:whatsapp',
    ]);
  });
});

/** Polls until `check` holds (no timing assertion: the test fails only by its own timeout). */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check().catch(() => false))) await new Promise((r) => setTimeout(r, 50));
}
