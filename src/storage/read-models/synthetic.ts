// Synthetic shipment lives for tests and the ops-queries benchmark: each order's projection writes, in
// the shape the workflow sends them (ProjectionWrite), drawn from a seeded generator so a run can be
// repeated. Statuses follow a real store's spread: mostly delivered, some returned (RTO), some lost,
// some still in transit, some with an open NDR, a few stuck or cancelled.
import type { CourierId } from '../../domain/events';
import { NDR_REASONS, ORDER_STATUS_FOR, type NdrReason, type OrderStatus, type ShipmentStatus } from '../../domain/status';
import type { NdrState, TimelineEntry } from '../../workflows/shipment/contract';
import type { OrderDoc } from '../types';
import type { ProjectionWriteInput } from './state';

/** Mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
  const r = rng(o.seed ?? 1);
  const now = o.now ?? o.to + 30 * 24 * H;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const out: SyntheticOrder[] = [];
  for (let i = 0; i < o.orders; i++) {
    const id = `${o.prefix ?? 'S'}${String(i).padStart(6, '0')}`;
    const created = Math.floor(o.from + r() * (o.to - o.from));
    const courier = pick(COURIERS);
    const order: SyntheticOrder = { id, createdAt: new Date(created).toISOString(), paymentMethod: r() < 0.4 ? 'cod' : 'prepaid', courier, awb: `AWB${courier[0]}${i}`, writes: [] };
    out.push(order);
    const u = r();
    if (u < 0.02) {
      order.unshipped = true;
      continue;
    }
    if (u < 0.04) {
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
  return [...forward, 'ndr', 'ndr'];
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
  const stuckAt = r() < 0.03 ? 2 + Math.floor(r() * 3) : -1;
  const steps = journey(r);
  for (let i = 0; i < steps.length; i++) {
    if (t > now) break;
    const step = steps[i]!;
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
        stuck: i === stuckAt,
        paymentMethod: o.paymentMethod,
        seq,
        at,
      },
      ...(status !== 'pending' ? { awb: { courier: o.courier, awb: o.awb } } : {}),
      events,
      orderStatus: history,
      notes,
    });
    // Stuck: no scan since, the workflow flagged it; it stays in flight.
    if (i === stuckAt) break;
    t += (2 + r() * 30) * H;
  }
  return writes;
}
