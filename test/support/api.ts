// Builds the API app for route tests: real MongoDB (the run's FerretDB), a scriptable gateway, and a
// simple test courier webhook format unless a test passes the real courier modules.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { analyticsRouter } from '../../src/analytics';
import { createApp } from '../../src/api/app';
import { ShipmentGatewayError, type BookingRetry, type ShipmentGateway } from '../../src/shipments/gateway';
import { safeEqual } from '../../src/couriers/common/hmac';
import type { CourierWebhook, WebhookRequest } from '../../src/couriers/types';
import type { CourierId, TrackingEvent } from '../../src/domain/events';
import { SecretBox } from '../../src/lib/secret-box';
import { AwbIndexRepo } from '../../src/storage/awb-index-repo';
import { CourierSettingsRepo } from '../../src/storage/courier-settings-repo';
import { InboxRepo } from '../../src/storage/inbox-repo';
import type { Mongo } from '../../src/storage/mongo';
import { OrdersRepo } from '../../src/storage/orders-repo';
import { ShipmentsRepo } from '../../src/storage/shipments-repo';
import { StoreEndpointsRepo } from '../../src/storage/store-endpoints-repo';
import { StoreEventFeed } from '../../src/storage/store-event-feed';
import { StoreWebhooks } from '../../src/store-webhooks/service';
import { webhookAuthFor } from '../../src/webhooks/auth-settings';
import type { RetryPolicy } from '../../src/webhooks/deliver';
import type { WebhookModules } from '../../src/webhooks/modules';
import { createWebhookPipeline } from '../../src/webhooks/pipeline';
import type {
  BookingOutcome,
  CancelRequest,
  CancelResult,
  CourierEventSignal,
  ManualStatusRequest,
  RefreshResult,
  ResolveNdrRequest,
  ResolveNdrResult,
  RetryBookingRequest,
  ShipmentInput,
  TrackingView,
} from '../../src/workflows/shipment/contract';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

/** A scriptable stand-in for Temporal: records every call; `fail` makes the next calls throw. */
export class FakeGateway implements ShipmentGateway, BookingRetry {
  readonly shipped: ShipmentInput[] = [];
  readonly signals: Array<{ orderId: string; signal: CourierEventSignal }> = [];
  readonly updates: Array<{ orderId: string; name: string; req: unknown }> = [];
  outcome: (input: ShipmentInput) => BookingOutcome = (i) => ({ ok: true, awb: `AWB-${i.orderId}`, courier: i.courier, trackingUrl: `https://track.example/${i.orderId}` });
  views = new Map<string, TrackingView>();
  /** Thrown by every call while set (e.g. new ShipmentGatewayError('unavailable', …)). */
  fail: ShipmentGatewayError | undefined;
  /** Orders whose workflow has finished: signals are refused. */
  finished = new Set<string>();

  async ship(input: ShipmentInput): Promise<BookingOutcome> {
    this.check();
    this.shipped.push(input);
    return this.outcome(input);
  }
  async tracking(orderId: string): Promise<TrackingView | null> {
    this.check();
    return this.views.get(orderId) ?? null;
  }
  async refresh(orderId: string): Promise<RefreshResult> {
    const v = this.view(orderId, 'refresh', undefined);
    return { success: true, statusUpdated: false, status: v.status, orderStatus: v.orderStatus };
  }
  async resolveNdr(orderId: string, req: ResolveNdrRequest): Promise<ResolveNdrResult> {
    const v = this.view(orderId, 'resolveNdr', req);
    return { accepted: true, sentToCourier: true, status: v.status };
  }
  async setManualStatus(orderId: string, req: ManualStatusRequest): Promise<TrackingView> {
    const v = this.view(orderId, 'setManualStatus', req);
    return { ...v, status: req.status, manual: { status: req.status, by: req.by, reason: req.reason, at: new Date().toISOString() } };
  }
  async cancel(orderId: string, req: CancelRequest): Promise<CancelResult> {
    this.view(orderId, 'cancel', req);
    return { cancelled: true, status: 'cancelled' };
  }
  async retryBooking(orderId: string, req: RetryBookingRequest): Promise<BookingOutcome> {
    const v = this.view(orderId, 'retryBooking', req);
    const courier = req.courier ?? v.courier;
    return { ok: true, awb: `AWB2-${orderId}`, courier, trackingUrl: `https://track.example/${orderId}/2` };
  }
  /** Signals wait on this while it is set (a slow Temporal). */
  gate: Promise<void> | undefined;
  /** Signal calls made, failed or not. */
  attempts = 0;

  async signalEvents(orderId: string, signal: CourierEventSignal): Promise<void> {
    this.attempts++;
    if (this.gate) await this.gate;
    this.check();
    if (this.finished.has(orderId)) throw new ShipmentGatewayError('finished', `the shipment of order ${orderId} has finished`);
    this.signals.push({ orderId, signal });
  }

  private check(): void {
    if (this.fail) throw this.fail;
  }
  private view(orderId: string, name: string, req: unknown): TrackingView {
    this.check();
    const v = this.views.get(orderId);
    if (!v) throw new ShipmentGatewayError('not_found', `no shipment for order ${orderId}`);
    this.updates.push({ orderId, name, req });
    return v;
  }
}

export function trackingView(orderId: string, over: Partial<TrackingView> = {}): TrackingView {
  return {
    orderId,
    courier: 'icarry',
    booking: { state: 'booked', awb: `AWB-${orderId}`, courier: 'icarry', trackingUrl: `https://track.example/${orderId}`, bookedAt: '2025-01-01T00:00:00.000Z' },
    awb: `AWB-${orderId}`,
    status: 'in_transit',
    orderStatus: 'shipped',
    timeline: [],
    transitions: [],
    stuck: false,
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...over,
  };
}

// ---------------------------------------------------------------------------------------------------
// A test courier format: `x-test-token` header; body {"scans":[{"awb","code","status","at"}]}.

export const TEST_TOKEN_HEADER = 'x-test-token';

export const testWebhook = (courier: CourierId): CourierWebhook => ({
  authenticate: (req: WebhookRequest, a) => {
    const v = req.headers[TEST_TOKEN_HEADER];
    return !!a.secret && typeof v === 'string' && safeEqual(v, a.secret);
  },
  parse: (req) => {
    let body: unknown;
    try {
      body = JSON.parse(req.rawBody.toString('utf8'));
    } catch {
      return { ok: false, error: 'body is not JSON' };
    }
    const scans = (body as { scans?: unknown }).scans;
    if (!Array.isArray(scans)) return { ok: false, error: 'no scans' };
    const events: TrackingEvent[] = scans.map((s: { awb: string; code: string; status: TrackingEvent['status']; at: string }) => ({
      key: `${courier}:${s.awb}:${s.code}:${s.at}`,
      courier,
      awb: s.awb,
      status: s.status,
      rawCode: s.code,
      rawLabel: s.code,
      description: s.code,
      occurredAt: s.at,
    }));
    return { ok: true, events, kind: 'scan' };
  },
});

export const testModules = (): WebhookModules => ({ shiprocket: testWebhook('shiprocket'), delhivery: testWebhook('delhivery'), icarry: testWebhook('icarry') });

export const scanBody = (...scans: Array<{ awb: string; code: string; status: TrackingEvent['status']; at: string }>) => JSON.stringify({ scans });

export const testSecretBox = (kid = 'k1', key = randomBytes(32)) => new SecretBox({ current: { id: kid, key }, old: [] });
/** One key per test process, so every stack a file builds reads what the others wrote. */
const TEST_BOX = testSecretBox();

export interface TestStackOptions {
  gateway?: ShipmentGateway & BookingRetry;
  modules?: WebhookModules;
  box?: SecretBox;
  rateLimitPerMinute?: number;
  maxBodyBytes?: number;
  retry?: Partial<RetryPolicy>;
  maxBacklog?: number;
  publicBaseUrl?: string;
  log?: pino.Logger;
  /** The store integration (default: over this database, with `replays` recording each replay started). */
  storeWebhooks?: StoreWebhooks;
}

/** A StoreWebhooks over the test database whose replays are only recorded (no Temporal). */
export function testStoreWebhooks(mongo: Mongo, box: SecretBox = TEST_BOX) {
  const replays: Array<{ endpointId: string; eventIds: string[] }> = [];
  const feed = new StoreEventFeed(mongo.db);
  const storeWebhooks = new StoreWebhooks(new StoreEndpointsRepo(mongo.db, box), feed, async (endpointId, eventIds) => {
    replays.push({ endpointId, eventIds });
    return `store-replay-${endpointId}-${replays.length}`;
  });
  return { storeWebhooks, replays, feed };
}

export function testStack(mongo: Mongo, o: TestStackOptions = {}) {
  const log = o.log ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const gateway = o.gateway ?? new FakeGateway();
  const courierSettings = new CourierSettingsRepo(mongo.cols, o.box ?? TEST_BOX);
  const inbox = new InboxRepo(mongo.db);
  const awbs = new AwbIndexRepo(mongo.cols);
  const pipeline = createWebhookPipeline(
    {
      db: mongo.db,
      inbox,
      awbs,
      gateway,
      modules: o.modules ?? testModules(),
      auth: async (courier) => webhookAuthFor(courier, await courierSettings.getDecrypted(courier)),
      log,
    },
    {
      retry: { baseDelayMs: 20, maxDelayMs: 200, ...o.retry },
      relay: { intervalMs: 50, leaseMs: 5_000, concurrency: 4, batchSize: 100 },
      ...(o.maxBacklog !== undefined ? { maxBacklog: o.maxBacklog } : {}),
      // Another stack's log in the same database is never adopted by this one mid-test.
      drainer: { quietMs: 3_600_000 },
    },
  );
  // The drainer runs (acks never wait for it); tests drive the relay themselves with runOnce().
  const drainerStarted = pipeline.drainer.start();
  const { ingestor, relay, deliverer, drainer, journal } = pipeline;
  const app = createApp({
    log,
    adminTokens: [ADMIN_TOKEN],
    health: { mongo: async () => true, temporal: async () => true },
    orders: new OrdersRepo(mongo.cols),
    shipments: gateway,
    shipmentsRepo: new ShipmentsRepo(mongo.cols),
    courierSettings,
    inbox,
    awbs,
    ingestor,
    defaultCourier: 'icarry',
    defaultItemWeightGrams: 500,
    publicBaseUrl: o.publicBaseUrl ?? 'https://waybill.example.com',
    webhookSettings: (c) => courierSettings.getDecrypted(c),
    webhookMaxBodyBytes: o.maxBodyBytes ?? 64 * 1024,
    publicRateLimitPerMinute: o.rateLimitPerMinute ?? 1_000,
    analytics: analyticsRouter({ cols: mongo.cols, timeZone: 'Asia/Kolkata' }),
    storeWebhooks: o.storeWebhooks ?? testStoreWebhooks(mongo, o.box ?? TEST_BOX).storeWebhooks,
  });
  return { app, gateway, courierSettings, inbox, awbs, deliverer, ingestor, relay, drainer, journal, pipeline, drainerStarted };
}

export function testApp(mongo: Mongo, gateway: ShipmentGateway & BookingRetry = new FakeGateway()) {
  return testStack(mongo, { gateway }).app;
}

export const sampleOrder = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  customer: { name: 'A Kumar', email: 'a.kumar@example.com', phone: '+91 98765 43210' },
  shippingAddress: { address1: '12 Example Street, Malad West', city: 'Mumbai', state: 'Maharashtra', pincode: '400064' },
  items: [
    { name: 'Herbal tea', sku: 'TEA-500', quantity: 2, unitPrice: 250, weight: '500g' },
    { name: 'Honey', sku: 'HNY-1', quantity: 1, unitPrice: 400, weight: '1kg' },
  ],
  paymentMethod: 'cod',
  codAmount: 900,
  ...over,
});
