// recordProjection reports sync freshness (courier event time → stored) for events that moved the
// status, and only for those, after the projection is written.
import { describe, expect, it } from 'vitest';
import { createProjectionActivities } from '../../src/activities/projection-activities';
import type { ActivityDeps } from '../../src/activities/deps';
import type { ProjectionStore } from '../../src/storage/types';
import type { TimelineEntry } from '../../src/workflows/shipment/contract';

const entry = (key: string, applied: boolean, source: TimelineEntry['source'], occurredAt: string): TimelineEntry => ({
  key, status: 'in_transit', rawCode: 'X', rawLabel: 'In Transit', description: '', occurredAt, receivedAt: occurredAt, source, applied,
});

describe('recordProjection freshness', () => {
  it('reports applied courier events once the shipment document is written', async () => {
    const order: string[] = [];
    const store = {
      registerAwb: async () => void order.push('awb'),
      upsertEvents: async () => void order.push('events'),
      setOrderStatus: async () => void order.push('status'),
      addOrderNote: async () => void order.push('note'),
      upsertShipment: async () => void order.push('shipment'),
      getOrder: async () => null,
    } satisfies ProjectionStore;
    const seen: unknown[] = [];
    const deps = {
      store,
      clock: { now: () => Date.parse('2026-01-05T10:00:30Z') },
      metrics: { statusApplied: (...a: unknown[]) => void seen.push([...a, order.at(-1)]) },
    } as unknown as ActivityDeps;
    await createProjectionActivities(deps).recordProjection({
      shipment: { orderId: 'o1', workflowId: 'shipment-o1', courier: 'delhivery', awb: '1', status: 'in_transit', orderStatus: 'shipped', ndrOpen: false, stuck: false, seq: 3, at: '2026-01-05T10:00:30Z' },
      events: [
        entry('a', true, 'webhook', '2026-01-05T10:00:00Z'),
        entry('b', false, 'webhook', '2026-01-05T09:00:00Z'), // stale: kept, did not move the status
        entry('c', true, 'manual', '2026-01-05T10:00:10Z'), // not a courier event
        entry('d', true, 'poll', '2026-01-05T09:59:30Z'),
      ],
      orderStatus: [],
      notes: [],
    });
    expect(seen).toEqual([
      ['delhivery', 'webhook', Date.parse('2026-01-05T10:00:00Z'), Date.parse('2026-01-05T10:00:30Z'), 'shipment'],
      ['delhivery', 'poll', Date.parse('2026-01-05T09:59:30Z'), Date.parse('2026-01-05T10:00:30Z'), 'shipment'],
    ]);
  });
});
