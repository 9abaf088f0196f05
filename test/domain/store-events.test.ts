import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHIPMENT_STATUSES, type ShipmentStatus } from '../../src/domain/status';
import { initialStoreEventMarks, storeEventBody, storeEventsSince, type StoreEventSource, type StoreEventMarks } from '../../src/domain/store-events';

const NOW = '2026-12-07T10:00:00.000Z';

function source(over: Partial<StoreEventSource> = {}): StoreEventSource {
  return {
    orderId: 'ORD-1',
    courier: 'delhivery',
    booking: { state: 'pending' },
    machine: { status: 'pending', events: [], transitions: [] },
    ...over,
  };
}

const booked = { state: 'booked', awb: 'AWB1', trackingUrl: 'https://t.example/AWB1', bookedAt: '2026-12-07T09:00:00.000Z' };

function transition(from: ShipmentStatus, to: ShipmentStatus, i: number, eventKey?: string) {
  const at = new Date(Date.parse('2026-12-07T09:00:00.000Z') + i * 60_000).toISOString();
  return { from, to, source: eventKey ? 'webhook' : 'manual', at, recordedAt: at, ...(eventKey ? { eventKey } : {}) };
}

describe('storeEventsSince', () => {
  it('tells a booking once, with the AWB, the courier and the tracking links', () => {
    const s = source({ booking: booked, trackingPageUrl: 'https://shop.example/t/x', machine: { status: 'booked', events: [], transitions: [] } });
    const first = storeEventsSince(s, initialStoreEventMarks(), NOW);
    expect(first.events).toEqual([
      {
        id: 'ORD-1:e1',
        type: 'shipment.booked',
        version: 1,
        orderId: 'ORD-1',
        sequence: 1,
        occurredAt: booked.bookedAt,
        data: { courier: 'delhivery', awb: 'AWB1', trackingUrl: booked.trackingUrl, trackingPageUrl: 'https://shop.example/t/x' },
      },
    ]);
    expect(storeEventsSince(s, first.marks, NOW).events).toEqual([]);
  });

  it('tells each transition as status_changed with the scan behind it, and a milestone type beside it', () => {
    const scan = { key: 'k1', rawCode: 'DL', rawLabel: 'Delivered', description: 'Delivered to consignee', location: 'Pune' };
    const s = source({ booking: booked, machine: { status: 'delivered', events: [scan], transitions: [transition('booked', 'in_transit', 1), transition('in_transit', 'delivered', 2, 'k1')] } });
    const { events } = storeEventsSince(s, { ...initialStoreEventMarks(), booked: true }, NOW);
    expect(events.map((e) => [e.sequence, e.type])).toEqual([
      [1, 'shipment.status_changed'],
      [2, 'shipment.status_changed'],
      [3, 'shipment.delivered'],
    ]);
    expect(events[1]!.data).toMatchObject({ from: 'in_transit', to: 'delivered', orderStatus: 'delivered', previousOrderStatus: 'shipped', source: 'webhook', courierStatus: 'Delivered', courierStatusCode: 'DL', location: 'Pune' });
    expect(events[2]!.data).toEqual(events[1]!.data);
  });

  it('tells an NDR opened, answered and resolved, and a new attempt as opened again', () => {
    const ndr = { open: true, reason: 'refused', rawCode: 'R1', rawText: 'Customer refused', attempts: 1, openedAt: '2026-12-07T09:10:00.000Z', deadlineAt: '2026-12-08T09:10:00.000Z' };
    let marks: StoreEventMarks = { ...initialStoreEventMarks(), booked: true };
    const step = (n: StoreEventSource['ndr']) => {
      const r = storeEventsSince(source({ booking: booked, machine: { status: 'undelivered', events: [], transitions: [] }, ...(n ? { ndr: n } : {}) }), marks, NOW);
      marks = r.marks;
      return r.events.map((e) => e.type);
    };
    expect(step(ndr)).toEqual(['ndr.opened']);
    expect(step(ndr)).toEqual([]);
    const answered = { ...ndr, resolution: { action: { type: 'reattempt' }, by: 'customer' as const, at: '2026-12-07T10:00:00.000Z', sentToCourier: true } };
    expect(step(answered)).toEqual(['ndr.answered']);
    expect(step({ ...ndr, attempts: 2, openedAt: '2026-12-08T09:00:00.000Z' })).toEqual(['ndr.opened']);
    expect(step({ ...ndr, attempts: 2, openedAt: '2026-12-08T09:00:00.000Z', open: false })).toEqual(['ndr.resolved']);
  });

  it('derives the same events however the changes are grouped between writes (property)', () => {
    const statuses = SHIPMENT_STATUSES.filter((s) => s !== 'pending');
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...statuses), { minLength: 0, maxLength: 12 }), fc.array(fc.boolean(), { minLength: 13, maxLength: 13 }), (path, cuts) => {
        const transitions = path.map((to, i) => transition(i === 0 ? 'booked' : path[i - 1]!, to, i));
        const full = source({ booking: booked, machine: { status: path.at(-1) ?? 'booked', events: [], transitions } });
        const once = storeEventsSince(full, initialStoreEventMarks(), NOW).events;
        // The same history told at arbitrary flush points.
        let marks = initialStoreEventMarks();
        const inSteps = [];
        for (let n = 0; n <= transitions.length; n++) {
          if (n < transitions.length && !cuts[n]) continue;
          const partial = source({ booking: booked, machine: { status: full.machine.status, events: [], transitions: transitions.slice(0, n) } });
          const r = storeEventsSince(partial, marks, NOW);
          marks = r.marks;
          inSteps.push(...r.events);
        }
        inSteps.push(...storeEventsSince(full, marks, NOW).events);
        expect(inSteps).toEqual(once);
        // Sequences count 1..n with no gap; ids are unique.
        expect(once.map((e) => e.sequence)).toEqual(once.map((_, i) => i + 1));
        expect(new Set(once.map((e) => e.id)).size).toBe(once.length);
      }),
    );
  });

  it('the body carries the id, the type, the version, the order, its sequence and the data', () => {
    const [e] = storeEventsSince(source({ booking: booked }), initialStoreEventMarks(), NOW).events;
    expect(JSON.parse(storeEventBody(e!))).toEqual({ id: 'ORD-1:e1', type: 'shipment.booked', version: 1, timestamp: booked.bookedAt, orderId: 'ORD-1', sequence: 1, data: e!.data });
  });
});
