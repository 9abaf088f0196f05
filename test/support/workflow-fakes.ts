// In-memory stand-ins for the ports the shipment activities use, plus a scriptable courier. They
// enter through the same doors as the real ones (ProjectionStore, NotificationLedger,
// NotificationSender, CourierRegistry), so the activities under test are the production activities.
import { CourierError } from '../../src/couriers/common/errors';
import { StaticCourierClients } from '../../src/couriers/clients';
import type {
  Booking,
  CancelResult,
  CourierCapabilities,
  CourierClient,
  CourierId,
  CreateShipmentRequest,
  NdrActionResult,
  Serviceability,
  ShipmentRef,
  TrackingEvent,
  TrackResult,
} from '../../src/couriers/types';
import type { NdrAction } from '../../src/domain/ndr';
import type { NdrReason, ShipmentStatus } from '../../src/domain/status';
import type { NotificationSender, OutgoingMessage } from '../../src/activities';
import { isSettled, sendToken, uncertainReason } from '../../src/storage/notification-ledger';
import type {
  BeginSendResult,
  NotificationDoc,
  NotificationKey,
  NotificationLedger,
  OrderDoc,
  ProjectionStore,
  SendAttempt,
  ShipmentProjection,
} from '../../src/storage/types';
import type { TimelineEntry } from '../../src/workflows/shipment/contract';

export class MemoryProjectionStore implements ProjectionStore {
  shipments = new Map<string, ShipmentProjection>();
  events = new Map<string, TimelineEntry & { orderId: string }>();
  orderStatus = new Map<string, OrderDoc['statusHistory'][number][]>();
  notes = new Map<string, OrderDoc['notes'][number][]>();
  awbs = new Map<string, string>();
  writes = 0;

  async upsertShipment(p: ShipmentProjection): Promise<void> {
    this.writes += 1;
    const cur = this.shipments.get(p.orderId);
    if (cur && cur.seq >= p.seq) return;
    this.shipments.set(p.orderId, structuredClone(p));
  }
  async upsertEvents(orderId: string, _c: CourierId, _awb: string, entries: TimelineEntry[]): Promise<void> {
    for (const e of entries) this.events.set(`${orderId}:${e.key}`, { ...structuredClone(e), orderId });
  }
  async setOrderStatus(orderId: string, entry: OrderDoc['statusHistory'][number]): Promise<void> {
    const list = this.orderStatus.get(orderId) ?? [];
    if (!list.some((e) => e.key === entry.key)) list.push(entry);
    this.orderStatus.set(orderId, list);
  }
  async addOrderNote(orderId: string, note: OrderDoc['notes'][number]): Promise<void> {
    const list = this.notes.get(orderId) ?? [];
    if (!list.some((n) => n.key === note.key)) list.push(note);
    this.notes.set(orderId, list);
  }
  async registerAwb(courier: CourierId, awb: string, orderId: string): Promise<void> {
    this.awbs.set(`${courier}:${awb}`, orderId);
  }
  async getOrder(): Promise<OrderDoc | null> {
    return null;
  }
  timeline(orderId: string) {
    return [...this.events.values()].filter((e) => e.orderId === orderId);
  }
}

/** The Mongo ledger's rules over a Map; each method is synchronous inside, so each transition is atomic. */
export class MemoryNotificationLedger implements NotificationLedger {
  docs = new Map<string, NotificationDoc>();
  private id = (k: NotificationKey) => `${k.orderId}:${k.event}:${k.channel}`;
  private owned(k: NotificationKey, by: SendAttempt): NotificationDoc | undefined {
    const d = this.docs.get(this.id(k));
    return d && (d.status === 'sending' || d.status === 'uncertain') && d.sending?.token === sendToken(by) ? d : undefined;
  }
  async claim(k: NotificationKey) {
    const now = new Date().toISOString();
    let doc = this.docs.get(this.id(k));
    if (!doc) {
      doc = { _id: this.id(k), ...k, status: 'pending', attempts: 0, createdAt: now, updatedAt: now };
      this.docs.set(doc._id, doc);
    }
    return { proceed: !isSettled(doc.status), doc: structuredClone(doc) };
  }
  async beginSend(k: NotificationKey, by: SendAttempt): Promise<BeginSendResult> {
    const d = this.docs.get(this.id(k));
    if (!d) throw new Error(`notification slot ${this.id(k)} was not claimed before sending`);
    const at = new Date().toISOString();
    if (d.status === 'pending' || d.status === 'failed') {
      Object.assign(d, { status: 'sending', sending: { ...by, token: sendToken(by), at }, updatedAt: at, attempts: d.attempts + 1 });
      return { verdict: 'send', doc: structuredClone(d) };
    }
    if (d.status !== 'sending') return { verdict: 'settled', doc: structuredClone(d) };
    const reason = uncertainReason(d, by);
    Object.assign(d, { status: 'uncertain', uncertainReason: reason, uncertainBy: { ...by }, uncertainAt: at, updatedAt: at });
    return { verdict: 'uncertain', doc: structuredClone(d), reason };
  }
  async markSent(k: NotificationKey, by: SendAttempt, providerMessageId?: string) {
    const d = this.owned(k, by);
    if (d) {
      Object.assign(d, { status: 'sent', ...(providerMessageId ? { providerMessageId } : {}), sentAt: new Date().toISOString() });
      delete d.error;
    }
  }
  async markFailed(k: NotificationKey, by: SendAttempt, error: string) {
    const d = this.owned(k, by);
    if (d) Object.assign(d, { status: 'failed', error });
  }
  async markSkipped(k: NotificationKey, reason: string, by?: SendAttempt) {
    const d = by ? this.owned(k, by) : this.docs.get(this.id(k));
    if (d && (by || d.status === 'pending' || d.status === 'failed')) Object.assign(d, { status: 'skipped', skippedReason: reason });
  }
}

/** Records what was sent; channels listed in `failing` throw until removed. */
export class RecordingSender implements NotificationSender {
  sent: OutgoingMessage[] = [];
  failing = new Set<string>();
  attempts = 0;
  async send(m: OutgoingMessage) {
    this.attempts += 1;
    if (this.failing.has(m.channel)) throw new Error(`${m.channel} provider down`);
    this.sent.push(m);
    return { providerMessageId: `msg-${this.sent.length}` };
  }
  keys(orderId?: string): string[] {
    return this.sent.filter((m) => !orderId || m.orderId === orderId).map((m) => `${m.event}:${m.channel}`).sort();
  }
}

let scanSeq = 0;
/** A normalised scan as a courier mapper would produce it. */
export function scan(
  awb: string,
  status: ShipmentStatus | null,
  occurredAt: string | number,
  extra: { courier?: CourierId; key?: string; location?: string; ndr?: { reason: NdrReason; rawText?: string; attempt?: number } } = {},
): TrackingEvent {
  const at = typeof occurredAt === 'number' ? new Date(occurredAt).toISOString() : occurredAt;
  const courier = extra.courier ?? 'delhivery';
  const rawCode = status ?? 'INFO';
  return {
    key: extra.key ?? `${courier}:${awb}:${rawCode}:${at}`,
    courier,
    awb,
    status,
    rawCode,
    rawLabel: (status ?? 'info').replace(/_/g, ' '),
    description: `scan ${++scanSeq}`,
    ...(extra.location ? { location: extra.location } : { location: 'Hub' }),
    occurredAt: at,
    ...(extra.ndr ? { ndr: { reason: extra.ndr.reason, rawCode: 'NDR', rawText: extra.ndr.rawText ?? 'Consignee unavailable', ...(extra.ndr.attempt ? { attempt: extra.ndr.attempt } : {}) } } : {}),
  };
}

/**
 * A courier whose answers the test scripts: which scans it has published, whether it serves a pincode,
 * how booking fails. It counts calls so tests can show coalescing and exactly-once booking.
 */
export class FakeCourier implements CourierClient {
  capabilities: CourierCapabilities;
  published = new Map<string, TrackingEvent[]>();
  bookings = new Map<string, Booking>();
  createCalls = 0;
  trackCalls = 0;
  trackManyCalls: number[] = [];
  ndrActions: Array<{ awb: string; action: NdrAction }> = [];
  cancels: string[] = [];
  unserviceable = new Set<string>();
  createFailure: CourierError | undefined;
  /** Throw this on the next track calls (then clear). */
  trackFailure: CourierError | undefined;
  private awbSeq = 0;

  constructor(
    readonly id: CourierId = 'delhivery',
    caps: Partial<CourierCapabilities> = {},
  ) {
    this.capabilities = { ndrActions: true, cancel: true, bulkTrackLimit: 50, ...caps };
  }

  publish(...events: TrackingEvent[]): void {
    for (const e of events) this.published.set(e.awb, [...(this.published.get(e.awb) ?? []), e]);
  }

  awbFor(orderId: string): string | undefined {
    return this.bookings.get(orderId)?.awb;
  }

  async checkServiceability(req: { deliveryPincode: string }): Promise<Serviceability> {
    if (this.unserviceable.has(req.deliveryPincode)) return { serviceable: false, cod: false, prepaid: false, reason: `pincode ${req.deliveryPincode} is not serviced` };
    return { serviceable: true, cod: true, prepaid: true, expectedDeliveryDays: 4 };
  }

  async createShipment(req: CreateShipmentRequest): Promise<Booking> {
    this.createCalls += 1;
    if (this.createFailure) throw this.createFailure;
    const existing = this.bookings.get(req.orderId);
    if (existing) return { ...existing, recovered: true };
    const awb = `${this.id.slice(0, 3).toUpperCase()}${String(++this.awbSeq).padStart(8, '0')}${req.orderId.replace(/[^0-9A-Za-z]/g, '').slice(-4)}`;
    const b: Booking = { awb, courierShipmentId: `S-${awb}`, trackingUrl: `https://track.example/${awb}`, expectedDeliveryAt: '2026-03-06T18:00:00.000Z', recovered: false };
    this.bookings.set(req.orderId, b);
    return b;
  }

  private answer(awb: string): TrackResult {
    const events = this.published.get(awb) ?? [];
    if (events.length === 0) return { kind: 'not_yet', awb };
    const sorted = [...events].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
    return { kind: 'tracked', awb, status: sorted[sorted.length - 1]?.status ?? null, events: sorted };
  }

  private failIfScripted(op: string): void {
    if (this.trackFailure) {
      const f = this.trackFailure;
      this.trackFailure = undefined;
      throw new CourierError(this.id, op, f.kind, f.code, f.message, f.details);
    }
  }

  async track(ref: ShipmentRef): Promise<TrackResult> {
    this.trackCalls += 1;
    this.failIfScripted('track');
    return this.answer(ref.awb);
  }

  async trackMany(refs: ShipmentRef[]): Promise<Record<string, TrackResult>> {
    this.trackManyCalls.push(refs.length);
    this.failIfScripted('trackMany');
    return Object.fromEntries(refs.map((r) => [r.awb, this.answer(r.awb)]));
  }

  async cancel(ref: ShipmentRef): Promise<CancelResult> {
    this.cancels.push(ref.awb);
    return { cancelled: true };
  }

  async ndrAction(ref: ShipmentRef, action: NdrAction): Promise<NdrActionResult> {
    if (!this.capabilities.ndrActions) throw new CourierError(this.id, 'ndrAction', 'permanent', 'unsupported', 'no NDR API');
    this.ndrActions.push({ awb: ref.awb, action });
    return { accepted: true, reference: `UPL-${this.ndrActions.length}` };
  }
}

export function fakeClients(...couriers: FakeCourier[]) {
  return new StaticCourierClients(Object.fromEntries(couriers.map((c) => [c.id, c])));
}

export interface FakeWorld {
  couriers: Record<string, FakeCourier>;
  store: MemoryProjectionStore;
  ledger: MemoryNotificationLedger;
  sender: RecordingSender;
}

export function fakeWorld(...couriers: FakeCourier[]): FakeWorld & { deps: import('../../src/activities').ActivityDeps } {
  const list = couriers.length > 0 ? couriers : [new FakeCourier('delhivery')];
  const store = new MemoryProjectionStore();
  const ledger = new MemoryNotificationLedger();
  const sender = new RecordingSender();
  return {
    couriers: Object.fromEntries(list.map((c) => [c.id, c])),
    store,
    ledger,
    sender,
    deps: {
      couriers: fakeClients(...list),
      store,
      ledger,
      sender,
      clock: { now: () => Date.now() },
      config: { pickupPincode: '400001', adminEmail: 'ops@store.example', trackBatchWindowMs: 20, defaultRateLimit: { perSecond: 1000, burst: 1000 } },
    },
  };
}
