// Synthetic shipment lives for tests and the ops-queries benchmark: each order's projection writes, in
// the shape the workflow sends them (ProjectionWrite), drawn from a seeded generator so a run can be
// repeated. Statuses follow a real store's spread: mostly delivered, some returned (RTO), some lost,
// some still in transit, some with an open NDR, a few stuck or cancelled.
import type { CourierId } from '../../domain/events';
import { NDR_REASONS, ORDER_STATUS_FOR, type NdrReason, type OrderStatus, type ShipmentStatus } from '../../domain/status';
import type { NdrState, TimelineEntry } from '../../workflows/shipment/contract';
import type { AwbIndexDoc, OrderDoc, ShipmentDoc, TrackingEventDoc } from '../types';
import type { ProjectionWriteInput } from './state';
import { seededRandom } from '../../lib/seeded-random';
import { orderFields } from '../orders-repo';

export interface SyntheticOrder {
  id: string;
  createdAt: string;
  paymentMethod: 'prepaid' | 'cod';
  /** Cancelled by an admin before it shipped. */
  cancelledUnshipped?: string;
  /** Never shipped (still processing). */
  unshipped?: boolean;
  courier: CourierId;
  awb: string;
  writes: ProjectionWriteInput[];
}

export interface SyntheticOptions {
  orders: number;
  /** First and last creation instant (ms). */
  from: number;
  to: number;
  seed?: number;
  /** The clock now: nothing happens after it (shipments created late are still in flight). */
  now?: number;
  prefix?: string;
}

const H = 3_600_000;
const COURIERS: CourierId[] = ['delhivery', 'shiprocket', 'icarry'];

export function syntheticOrders(o: SyntheticOptions): SyntheticOrder[] {
  const r = seededRandom(o.seed ?? 1);
  const now = o.now ?? o.to + 30 * 24 * H;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const out: SyntheticOrder[] = [];
  for (let i = 0; i < o.orders; i++) {
    const id = `${o.prefix ?? 'S'}${String(i).padStart(6, '0')}`;
    const created = Math.floor(o.from + r() * (o.to - o.from));
    const courier = pick(COURIERS);
    const order: SyntheticOrder = { id, createdAt: new Date(created).toISOString(), paymentMethod: r() < 0.4 ? 'cod' : 'prepaid', courier, awb: `AWB${courier[0]!.toUpperCase()}${id.replace(/[^A-Za-z0-9]/g, "")}`, writes: [] };
    out.push(order);
    const u = r();
    if (u < 0.005) {
      order.unshipped = true;
      continue;
    }
    if (u < 0.02) {
      order.cancelledUnshipped = new Date(created + (1 + r() * 20) * H).toISOString();
      continue;
    }
    order.writes = lifeOf(order, created, now, r);
  }
  return out;
}

/** The journey a shipment takes, cut at `now`. */
function journey(r: () => number): Array<ShipmentStatus | 'ndr'> {
  const end = r();
  const forward: Array<ShipmentStatus | 'ndr'> = ['pending', 'booked', 'picked_up', 'in_transit', 'out_for_delivery'];
  if (end < 0.72) return [...forward, 'delivered'];
  if (end < 0.8) return [...forward, 'ndr', 'out_for_delivery', 'delivered'];
  if (end < 0.9) return [...forward, 'ndr', 'rto_initiated', 'rto_in_transit', 'rto_delivered'];
  if (end < 0.93) return [...forward.slice(0, 4), 'lost'];
  if (end < 0.95) return ['pending', 'booked', 'cancelled'];
  // Two failed attempts, then returned: an NDR stays open only for shipments still moving at `now`.
  return [...forward, 'ndr', 'ndr', 'rto_initiated', 'rto_in_transit', 'rto_delivered'];
}

function lifeOf(o: SyntheticOrder, created: number, now: number, r: () => number): ProjectionWriteInput[] {
  const writes: ProjectionWriteInput[] = [];
  let t = created + (0.5 + r() * 6) * H;
  let seq = 0;
  let transitions = 0;
  let orderStatus: OrderStatus = 'processing';
  let ndr: NdrState | undefined;
  let lastEventAt: string | undefined;
  let lastSyncAt: string | undefined;
  let lastWebhookAt: string | undefined;
  let status: ShipmentStatus = 'pending';
  const steps = journey(r);
  for (let i = 0; i < steps.length; i++) {
    if (t > now) break;
    const step = steps[i]!;
    // A failed delivery waits a day to three for the customer's answer or the courier's next attempt.
    const gap = (step === 'ndr' ? 24 + r() * 48 : 2 + r() * 30) * H;
    // In flight at `now` with no scan since: one in ten such shipments is flagged stuck.
    const stuck = i > 1 && i < steps.length - 1 && t + gap > now && r() < 0.1;
    const at = new Date(t).toISOString();
    const events: TimelineEntry[] = [];
    const history: Array<OrderDoc['statusHistory'][number]> = [];
    const notes: Array<OrderDoc['notes'][number]> = [];
    const next: ShipmentStatus = step === 'ndr' ? 'undelivered' : step;
    if (step === 'ndr') {
      const reason: NdrReason = NDR_REASONS[Math.floor(r() * NDR_REASONS.length)]!;
      ndr = { open: true, reason, rawCode: 'EOD-11', rawText: 'Consignee unavailable', attempts: (ndr?.attempts ?? 0) + 1, openedAt: at, deadlineAt: new Date(t + 48 * H).toISOString(), escalated: false };
      notes.push({ key: `${o.id}:ndr${ndr.attempts}`, at, text: `NDR: ${reason}`, by: 'waybill' });
    } else if (ndr?.open) {
      ndr = { ...ndr, open: false };
    }
    if (i > 0 && step !== 'cancelled') {
      const source = r() < 0.75 ? 'webhook' : 'poll';
      const occurred = t - Math.floor(r() * 2 * H);
      events.push({ key: `${o.courier}:${o.awb}:${next}:${i}`, status: next, rawCode: next.toUpperCase(), rawLabel: next, description: next, location: 'Hub', occurredAt: new Date(occurred).toISOString(), receivedAt: at, source, applied: true });
      if (r() < 0.2) events.push({ key: `${o.courier}:${o.awb}:info:${i}`, status: null, rawCode: 'INFO', rawLabel: 'info', description: 'info', occurredAt: new Date(occurred - 60_000).toISOString(), receivedAt: at, source, applied: false });
      lastEventAt = new Date(occurred).toISOString();
      lastSyncAt = at;
      if (source === 'webhook') lastWebhookAt = at;
    }
    const os = ORDER_STATUS_FOR[next];
    if (os !== orderStatus) {
      history.push({ key: `${o.id}:t${transitions}`, status: os, at, source: step === 'cancelled' ? 'manual' : 'webhook' });
      orderStatus = os;
    }
    transitions++;
    status = next;
    seq++;
    writes.push({
      shipment: {
        orderId: o.id,
        workflowId: `shipment-${o.id}`,
        courier: o.courier,
        ...(status !== 'pending' ? { awb: o.awb, trackingUrl: `https://track.example/${o.awb}` } : {}),
        status,
        orderStatus: ORDER_STATUS_FOR[status],
        ...(lastEventAt ? { lastEventAt } : {}),
        ...(lastSyncAt ? { lastSyncAt } : {}),
        ...(lastWebhookAt ? { lastWebhookAt } : {}),
        ...(ndr ? { ndr, ndrReason: ndr.reason } : {}),
        ndrOpen: ndr?.open ?? false,
        stuck,
        paymentMethod: o.paymentMethod,
        seq,
        at,
      },
      ...(status !== 'pending' ? { awb: { courier: o.courier, awb: o.awb } } : {}),
      events,
      orderStatus: history,
      notes,
    });
    t += gap;
  }
  return writes;
}

// -------------------------------------------------------------------------------------------------
// The documents those writes leave, built in memory: what OrdersRepo (push, ship, cancel) and the
// projection store (each write in turn) would store, for a fast bulk load (bench/ops-queries.ts). The
// read models then come from the backfill, which equals the writes' own (test/storage/read-models.test.ts).

/** When the synthetic admin ships an order: a minute after the store pushed it. */
export const SHIP_DELAY_MS = 60_000;

export function orderInputOf(o: Pick<SyntheticOrder, 'id' | 'paymentMethod'>) {
  return {
    id: o.id,
    customer: { name: 'Test Customer', email: 'c@example.com', phone: '9876543210' },
    shippingAddress: { address1: '1 Test Road', city: 'Pune', state: 'Maharashtra', pincode: '411001', country: 'IN' as const },
    items: [{ name: 'Tea', sku: 'T1', quantity: 1, unitPrice: 100, weight: '500g' }],
    paymentMethod: o.paymentMethod,
    ...(o.paymentMethod === 'cod' ? { codAmount: 100 } : {}),
  };
}

export const CANCEL_ENTRY = (id: string) => ({ by: 'admin', reason: 'customer asked', key: `manual:cancel:${id}` });

export interface StoredDocuments {
  order: OrderDoc;
  shipment?: ShipmentDoc;
  events: TrackingEventDoc[];
  awb?: AwbIndexDoc;
}

export function storedDocuments(o: SyntheticOrder, storedAt: (w: ProjectionWriteInput) => string): StoredDocuments {
  const input = orderInputOf(o);
  const order: OrderDoc = {
    _id: o.id,
    status: 'processing',
    statusHistory: [{ key: 'store:created', status: 'processing', at: o.createdAt, source: 'store' }],
    notes: [],
    ...orderFields(input),
    createdAt: o.createdAt,
    updatedAt: o.createdAt,
  };
  if (o.cancelledUnshipped) {
    const c = CANCEL_ENTRY(o.id);
    order.status = 'cancelled';
    order.statusHistory.push({ key: c.key, status: 'cancelled', at: o.cancelledUnshipped, source: 'manual', by: c.by, reason: c.reason });
    order.updatedAt = o.cancelledUnshipped;
    return { order, events: [] };
  }
  if (o.unshipped) return { order, events: [] };
  const shippedAt = new Date(Date.parse(o.createdAt) + SHIP_DELAY_MS).toISOString();
  order.shipment = { courier: o.courier, workflowId: `shipment-${o.id}`, shippedAt };
  order.updatedAt = shippedAt;
  let shipment: ShipmentDoc | undefined;
  const events = new Map<string, TrackingEventDoc>();
  let awb: AwbIndexDoc | undefined;
  for (const w of o.writes) {
    if (w.awb && !awb) awb = { _id: `${w.awb.courier}:${w.awb.awb}`, courier: w.awb.courier, awb: w.awb.awb, orderId: o.id, createdAt: storedAt(w) };
    const { at, ...fields } = w.shipment;
    if (w.shipment.awb) {
      for (const e of w.events) {
        const id = `${o.id}:${e.key}`;
        events.set(id, { ...e, orderId: o.id, courier: w.shipment.courier, awb: w.shipment.awb, _id: id, storedAt: events.get(id)?.storedAt ?? storedAt(w) });
      }
    }
    for (const e of w.orderStatus) if (!order.statusHistory.some((h) => h.key === e.key)) order.statusHistory.push(e);
    for (const n of w.notes) if (!order.notes.some((x) => x.key === n.key)) order.notes.push(n);
    const last = w.orderStatus[w.orderStatus.length - 1];
    if (last) order.status = last.status;
    if (w.notes.length) order.updatedAt = w.notes[w.notes.length - 1]!.at;
    else if (last) order.updatedAt = last.at;
    shipment = { ...(shipment ?? { createdAt: at }), ...fields, _id: o.id, updatedAt: at } as ShipmentDoc;
  }
  return { order, ...(shipment ? { shipment } : {}), events: [...events.values()], ...(awb ? { awb } : {}) };
}
