// A small, hand-checkable projection for the analytics tests: every expected number in them follows
// from the documents below (store time zone Asia/Kolkata, range 2025-03-03 … 2025-03-09).
import type { CourierId, EventSource } from '../../src/domain/events';
import type { OrderStatus, ShipmentStatus } from '../../src/domain/status';
import { ORDER_STATUS_FOR } from '../../src/domain/status';
import type { Mongo } from '../../src/storage/mongo';
import type { OrderDoc, ShipmentDoc, TrackingEventDoc } from '../../src/storage/types';

export const TZ = 'Asia/Kolkata';
export const NOW = Date.parse('2025-03-10T12:00:00Z');

export function shipmentDoc(orderId: string, courier: CourierId, status: ShipmentStatus, over: Partial<ShipmentDoc> = {}): ShipmentDoc {
  return {
    _id: orderId,
    orderId,
    workflowId: `shipment-${orderId}`,
    courier,
    awb: `AWB-${orderId}`,
    status,
    orderStatus: ORDER_STATUS_FOR[status],
    ndrOpen: false,
    stuck: false,
    seq: 1,
    createdAt: '2025-03-01T00:00:00.000Z',
    updatedAt: '2025-03-09T00:00:00.000Z',
    ...over,
  };
}

export function orderDoc(orderId: string, history: Array<[OrderStatus, string, EventSource?]>): OrderDoc {
  const last = history[history.length - 1];
  return {
    _id: orderId,
    status: last ? last[0] : 'processing',
    statusHistory: history.map(([status, at, source], i) => ({ key: `${orderId}:t${i}`, status, at, source: source ?? 'webhook' })),
    notes: [],
    customer: { name: 'Test Customer' },
    shippingAddress: { address1: '1 Test Road', city: 'Pune', state: 'Maharashtra', pincode: '411001', country: 'IN' },
    items: [{ name: 'Tea', sku: 'T1', quantity: 1, unitPrice: 100 }],
    paymentMethod: 'prepaid',
    codAmount: 0,
    orderValue: 100,
    createdAt: '2025-02-28T00:00:00.000Z',
    updatedAt: '2025-03-09T00:00:00.000Z',
  };
}

let n = 0;
export function eventDoc(orderId: string, courier: CourierId, o: { source: EventSource; occurredAt: string; receivedAt: string; applied?: boolean; status?: ShipmentStatus }): TrackingEventDoc {
  const key = `k${++n}`;
  return {
    _id: `${orderId}:${key}`,
    key,
    orderId,
    courier,
    awb: `AWB-${orderId}`,
    status: o.status ?? 'in_transit',
    rawCode: 'X',
    rawLabel: 'Scan',
    description: 'Scan',
    occurredAt: o.occurredAt,
    receivedAt: o.receivedAt,
    source: o.source,
    applied: o.applied ?? true,
  };
}

const plus = (isoAt: string, seconds: number) => new Date(Date.parse(isoAt) + seconds * 1000).toISOString();

export async function seedAnalytics(mongo: Mongo): Promise<void> {
  const E1 = '2025-03-03T04:00:00.000Z'; // 09:30 IST on 3 March
  await mongo.cols.trackingEvents.insertMany([
    // 3 March, delhivery: latencies 30 s, 60 s (webhooks) and 2 h (poll); one unapplied webhook ignored.
    eventDoc('E1', 'delhivery', { source: 'webhook', occurredAt: E1, receivedAt: plus(E1, 30) }),
    eventDoc('E1', 'delhivery', { source: 'webhook', occurredAt: E1, receivedAt: plus(E1, 60) }),
    eventDoc('E2', 'delhivery', { source: 'poll', occurredAt: E1, receivedAt: plus(E1, 7200) }),
    eventDoc('E2', 'delhivery', { source: 'webhook', occurredAt: E1, receivedAt: plus(E1, 5), applied: false }),
    // 19:00 UTC on 3 March is 00:30 IST on 4 March: it counts on the 4th. Its courier clock runs ahead:
    // latency floored at 0.
    eventDoc('E3', 'icarry', { source: 'poll', occurredAt: '2025-03-03T19:10:00.000Z', receivedAt: '2025-03-03T19:00:00.000Z' }),
    // 19:00 UTC on 9 March is 10 March in India: outside the range although its UTC date is inside.
    eventDoc('E4', 'icarry', { source: 'webhook', occurredAt: '2025-03-09T18:59:00.000Z', receivedAt: '2025-03-09T19:00:00.000Z' }),
    // Delivered scans, for delivery times (their receipt is before the range: they are not sync events here).
    eventDoc('S1', 'delhivery', { source: 'webhook', status: 'delivered', occurredAt: '2025-03-03T06:00:00.000Z', receivedAt: '2025-03-01T00:00:00.000Z' }),
    eventDoc('S2', 'delhivery', { source: 'poll', status: 'delivered', occurredAt: '2025-03-05T12:00:00.000Z', receivedAt: '2025-03-01T00:00:00.000Z' }),
    eventDoc('S6', 'delhivery', { source: 'poll', status: 'delivered', occurredAt: '2025-02-20T12:00:00.000Z', receivedAt: '2025-02-20T13:00:00.000Z' }),
    eventDoc('S8', 'shiprocket', { source: 'webhook', status: 'delivered', occurredAt: '2025-03-06T12:00:00.000Z', receivedAt: '2025-03-01T00:00:00.000Z' }),
  ]);

  await mongo.cols.shipments.insertMany([
    // Outcomes in the range.
    shipmentDoc('S1', 'delhivery', 'delivered'), // booked 1 Mar 06:00Z, delivered scan 3 Mar 06:00Z: 48 h
    shipmentDoc('S2', 'delhivery', 'delivered', { ndr: ndr(1) }), // NDR then delivered: 108 h
    shipmentDoc('S3', 'delhivery', 'rto_delivered', { ndr: ndr(2) }), // NDR then RTO
    shipmentDoc('S4', 'icarry', 'lost'),
    shipmentDoc('S5', 'delhivery', 'delivered'), // set delivered by an admin: 6 h, no scan
    shipmentDoc('S8', 'shiprocket', 'delivered'), // NDR known from the order history only
    // Not outcomes in the range.
    shipmentDoc('S6', 'delhivery', 'delivered'), // delivered in February, rewritten since
    shipmentDoc('S7', 'delhivery', 'cancelled'),
    // Live now (snapshot at 10 Mar 12:00Z, sync window 27 h → since 9 Mar 09:00Z).
    shipmentDoc('L1', 'delhivery', 'in_transit', { lastSyncAt: '2025-03-10T10:00:00.000Z' }),
    shipmentDoc('L2', 'delhivery', 'out_for_delivery', { stuck: true, lastSyncAt: '2025-03-08T00:00:00.000Z' }),
    shipmentDoc('L3', 'delhivery', 'undelivered', { ndrOpen: true, ndr: ndr(1, true), createdAt: '2025-03-10T11:00:00.000Z' }),
    shipmentDoc('L4', 'icarry', 'booked', { createdAt: '2025-03-02T00:00:00.000Z' }),
    shipmentDoc('P1', 'icarry', 'pending', { awb: undefined }),
  ]);

  await mongo.cols.orders.insertMany([
    orderDoc('S1', [['shipped', '2025-03-01T06:00:00.000Z', 'booking'], ['delivered', '2025-03-03T07:00:00.000Z']]),
    orderDoc('S2', [['shipped', '2025-03-01T00:00:00.000Z', 'booking'], ['delivery_failed', '2025-03-03T10:00:00.000Z'], ['delivered', '2025-03-05T13:00:00.000Z']]),
    orderDoc('S3', [['shipped', '2025-03-01T00:00:00.000Z', 'booking'], ['delivery_failed', '2025-03-02T10:00:00.000Z'], ['returned', '2025-03-04T10:00:00.000Z']]),
    orderDoc('S4', [['shipped', '2025-03-01T00:00:00.000Z', 'booking'], ['lost', '2025-03-06T10:00:00.000Z']]),
    orderDoc('S5', [['shipped', '2025-03-08T04:00:00.000Z', 'booking'], ['delivered', '2025-03-08T10:00:00.000Z', 'manual']]),
    orderDoc('S8', [['shipped', '2025-03-05T00:00:00.000Z', 'booking'], ['delivery_failed', '2025-03-06T01:00:00.000Z'], ['delivered', '2025-03-06T13:00:00.000Z']]),
    orderDoc('S6', [['shipped', '2025-02-15T00:00:00.000Z', 'booking'], ['delivered', '2025-02-20T13:00:00.000Z']]),
  ]);
}

function ndr(attempts: number, open = false): NonNullable<ShipmentDoc['ndr']> {
  return { open, reason: 'consignee_unavailable', rawCode: 'EOD-74', rawText: 'Consignee unavailable', attempts, openedAt: '2025-03-02T10:00:00.000Z', deadlineAt: '2025-03-03T10:00:00.000Z', escalated: false };
}
