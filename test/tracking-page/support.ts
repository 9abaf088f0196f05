// Shared by the tracking page's tests: the page mounted on a bare Express app (as the API will mount
// it), settings for tests, a scriptable gateway, and shipment views and projection documents.
import express, { type Express } from 'express';
import pino from 'pino';
import { ShipmentGatewayError, type ShipmentGateway } from '../../src/shipments/gateway';
import type { ShipmentStatus } from '../../src/domain/status';
import type { Collections } from '../../src/storage/collections';
import type { OrderDoc, ShipmentDoc, TrackingEventDoc } from '../../src/storage/types';
import { brandPalette } from '../../src/tracking-page/color';
import { createTrackingPage, type TrackingPage, type TrackingPageDeps } from '../../src/tracking-page/router';
import type { TrackingPageSettings } from '../../src/tracking-page/settings';
import type { TrackingStore } from '../../src/tracking-page/source';
import type { ResolveNdrRequest, ResolveNdrResult, TimelineEntry, TrackingView } from '../../src/workflows/shipment/contract';

export const quiet = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export function testSettings(over: Partial<TrackingPageSettings> = {}): TrackingPageSettings {
  return {
    keys: ['test-tracking-link-key-0123456789abcdef'],
    publicBaseUrl: 'http://127.0.0.1',
    linkTtlDays: 60,
    timeZone: 'Asia/Kolkata',
    branding: { storeName: 'Chai Point Store', palette: brandPalette('#0f766e'), supportEmail: 'help@chai.example', supportPhone: '+91 80 4000 1234' },
    live: { pollMs: 100, maxConnections: 50 },
    ...over,
  };
}

export function pageApp(deps: Omit<TrackingPageDeps, 'log' | 'settings'> & { settings?: TrackingPageSettings }): { app: Express; page: TrackingPage } {
  const page = createTrackingPage({ settings: testSettings(), log: quiet, ...deps });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(page.router);
  return { app, page };
}

/** Answers from `views`; `fail` makes tracking throw it, `hang` makes it never answer. */
export class StubGateway implements Pick<ShipmentGateway, 'tracking' | 'resolveNdr'> {
  views = new Map<string, TrackingView>();
  fail: ShipmentGatewayError | undefined;
  hang = false;
  trackingCalls = 0;
  ndrCalls: Array<{ orderId: string; req: ResolveNdrRequest }> = [];
  ndrAnswer: (req: ResolveNdrRequest) => ResolveNdrResult | ShipmentGatewayError = () => ({ accepted: true, sentToCourier: true, status: 'undelivered' });

  async tracking(orderId: string): Promise<TrackingView | null> {
    this.trackingCalls += 1;
    if (this.hang) return new Promise<never>(() => {});
    if (this.fail) throw this.fail;
    return this.views.get(orderId) ?? null;
  }

  async resolveNdr(orderId: string, req: ResolveNdrRequest): Promise<ResolveNdrResult> {
    this.ndrCalls.push({ orderId, req });
    const a = this.ndrAnswer(req);
    if (a instanceof ShipmentGatewayError) throw a;
    return a;
  }
}

const t0 = Date.parse('2026-03-01T04:30:00Z');
const h = (n: number) => new Date(t0 + n * 3_600_000).toISOString();

export function entry(key: string, status: ShipmentStatus | null, hour: number, description: string, location?: string): TimelineEntry {
  return { key, status, rawCode: status ?? 'INFO', rawLabel: status ?? 'info', description, ...(location ? { location } : {}), occurredAt: h(hour), receivedAt: h(hour), source: 'webhook', applied: true };
}

export const TIMELINE: TimelineEntry[] = [
  entry('e1', 'picked_up', 2, 'Shipment picked up', 'Bengaluru Hub'),
  entry('e2', 'in_transit', 9, 'Arrived at sorting centre', 'Bhiwandi Sort Centre'),
  entry('e3', null, 12, 'Bag scanned <b>late</b>', 'Bhiwandi Sort Centre'),
];

export function view(orderId: string, over: Partial<TrackingView> = {}): TrackingView {
  return {
    orderId,
    courier: 'delhivery',
    booking: { state: 'booked', awb: 'DLV000123', courier: 'delhivery', trackingUrl: 'https://track.example/DLV000123', bookedAt: h(0) },
    awb: 'DLV000123',
    trackingUrl: 'https://track.example/DLV000123',
    status: 'in_transit',
    orderStatus: 'shipped',
    timeline: TIMELINE,
    expectedDeliveryAt: '2026-03-06T12:00:00.000Z',
    manual: undefined,
    transitions: [],
    stuck: false,
    pollError: 'INTERNAL: courier 500 at /api/v1/packages',
    updatedAt: h(12),
    ...over,
  };
}

export function ndrView(orderId: string, over: Partial<TrackingView> = {}): TrackingView {
  return view(orderId, {
    status: 'undelivered',
    orderStatus: 'delivery_failed',
    timeline: [...TIMELINE, entry('e4', 'out_for_delivery', 40, 'Out for delivery', 'Andheri DC'), entry('e5', 'undelivered', 44, 'Consignee not available', 'Andheri DC')],
    ndr: { open: true, reason: 'consignee_unavailable', rawCode: 'EOD-74', rawText: 'Customer not available', attempts: 1, openedAt: h(44), deadlineAt: h(68), escalated: false, lastEventKey: 'e5' },
    ...over,
  });
}

/** The stored projection of a shipment, as the workflow's projection activity writes it. */
export async function storeShipment(cols: Collections, orderId: string, status: ShipmentStatus, timeline: TimelineEntry[] = TIMELINE, customer: OrderDoc['customer'] = { name: 'Asha Rao', phone: '9876543210', email: 'asha@example.in' }): Promise<void> {
  const at = h(20);
  const s: ShipmentDoc = {
    _id: orderId,
    orderId,
    workflowId: `shipment-${orderId}`,
    courier: 'delhivery',
    awb: 'DLV000123',
    trackingUrl: 'https://track.example/DLV000123',
    status,
    orderStatus: 'shipped',
    ndrOpen: false,
    stuck: false,
    seq: 3,
    createdAt: at,
    updatedAt: at,
  };
  await cols.shipments.insertOne(s);
  if (timeline.length) await cols.trackingEvents.insertMany(timeline.map((e): TrackingEventDoc => ({ ...e, _id: `${orderId}:${e.key}`, orderId, courier: 'delhivery', awb: 'DLV000123' })));
  await storeOrder(cols, orderId, customer);
}

export async function storeOrder(cols: Collections, orderId: string, customer: OrderDoc['customer']): Promise<void> {
  const at = h(0);
  await cols.orders.insertOne({
    _id: orderId,
    status: 'shipped',
    statusHistory: [],
    notes: [],
    customer,
    shippingAddress: { address1: '12 MG Road', city: 'Bengaluru', state: 'Karnataka', pincode: '560001', country: 'IN' },
    items: [{ name: 'Tea 500g', sku: 'TEA-500', quantity: 1, unitPrice: 450 }],
    paymentMethod: 'prepaid',
    codAmount: 0,
    orderValue: 450,
    createdAt: at,
    updatedAt: at,
  });
}

/** A store with no rows: pages read only the workflow. */
export const emptyStore: TrackingStore = { shipment: async () => null, timeline: async () => [], contact: async () => null };

/** The text a person sees (tags stripped), for asserting on what is shown rather than on markup. */
export function visibleText(html: string): string {
  return html
    .replace(/<(style|script)[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z#0-9]+;/g, (e) => ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" })[e] ?? e)
    .replace(/\s+/g, ' ');
}
