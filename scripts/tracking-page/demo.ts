// A tracking page with fixed data and a fixed clock, for screenshots and size measurements: the real
// router and views, fed by a gateway and store that answer from fixtures shaped like the workflow's.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import type { ShipmentGateway } from '../../src/shipments/gateway';
import { brandPalette } from '../../src/tracking-page/color';
import { createTrackingPage } from '../../src/tracking-page/router';
import type { TrackingStore } from '../../src/tracking-page/source';
import type { TimelineEntry, TrackingView } from '../../src/workflows/shipment/contract';

/** 3 March 2026, 4:30 pm IST: two days into the journey, and just after the failed attempt of the NDR order. */
export const DEMO_NOW = Date.parse('2026-03-03T11:00:00Z');

const at = (iso: string) => new Date(iso).toISOString();
function scan(key: string, status: TimelineEntry['status'], when: string, description: string, location: string): TimelineEntry {
  return { key, status, rawCode: key, rawLabel: description, description, location, occurredAt: at(when), receivedAt: at(when), source: 'webhook', applied: status !== null };
}

const JOURNEY: TimelineEntry[] = [
  scan('s1', 'booked', '2026-03-01T05:10:00Z', 'Shipment manifested', 'Bengaluru (Bommasandra)'),
  scan('s2', 'picked_up', '2026-03-01T11:42:00Z', 'Picked up from the seller', 'Bengaluru (Bommasandra)'),
  scan('s3', 'in_transit', '2026-03-01T18:05:00Z', 'Dispatched from origin hub', 'Bengaluru Mother Hub'),
  scan('s4', null, '2026-03-02T07:30:00Z', 'Arrived at sorting centre', 'Bhiwandi Sort Centre'),
  scan('s5', 'in_transit', '2026-03-02T16:12:00Z', 'In transit to destination city', 'Mumbai Gateway'),
];

function demoView(orderId: string, over: Partial<TrackingView>): TrackingView {
  return {
    orderId,
    courier: 'delhivery',
    booking: { state: 'booked', awb: '1490811234567', courier: 'delhivery', trackingUrl: 'https://www.delhivery.com/track/package/1490811234567', bookedAt: at('2026-03-01T05:10:00Z') },
    awb: '1490811234567',
    trackingUrl: 'https://www.delhivery.com/track/package/1490811234567',
    status: 'in_transit',
    orderStatus: 'shipped',
    timeline: JOURNEY,
    expectedDeliveryAt: at('2026-03-04T12:00:00Z'),
    transitions: [],
    stuck: false,
    updatedAt: at('2026-03-02T16:12:00Z'),
    ...over,
  };
}

export const DEMO_VIEWS: Record<string, TrackingView> = {
  'WB-10231': demoView('WB-10231', {}),
  'WB-10232': demoView('WB-10232', {
    status: 'undelivered',
    orderStatus: 'delivery_failed',
    timeline: [
      ...JOURNEY,
      scan('s6', 'out_for_delivery', '2026-03-03T03:40:00Z', 'Out for delivery', 'Andheri East Delivery Centre'),
      scan('s7', 'undelivered', '2026-03-03T08:55:00Z', 'Consignee not available at address', 'Andheri East Delivery Centre'),
    ],
    ndr: { open: true, reason: 'consignee_unavailable', rawCode: 'EOD-74', rawText: 'Customer not available, phone switched off', attempts: 1, openedAt: at('2026-03-03T08:55:00Z'), deadlineAt: at('2026-03-04T08:55:00Z'), escalated: false, lastEventKey: 's7' },
  }),
};

const gateway: Pick<ShipmentGateway, 'tracking' | 'resolveNdr'> = {
  tracking: async (id) => DEMO_VIEWS[id] ?? null,
  resolveNdr: async () => ({ accepted: true, sentToCourier: true, status: 'undelivered' }),
};
const store: TrackingStore = { shipment: async () => null, timeline: async () => [], contact: async () => null };

export async function startDemo(): Promise<{ base: string; link(orderId: string): string; close(): Promise<void> }> {
  const page = createTrackingPage({
    settings: {
      keys: ['demo-tracking-link-key-not-a-secret-0123456789'],
      publicBaseUrl: 'http://127.0.0.1',
      linkTtlDays: 60,
      timeZone: 'Asia/Kolkata',
      branding: { storeName: 'Chai Leaf Co.', palette: brandPalette('#0f766e'), supportEmail: 'care@chaileaf.example', supportPhone: '+91 80 4000 1234' },
      live: { pollMs: 15_000, maxConnections: 10 },
    },
    gateway,
    store,
    log: pino({ level: 'silent' }),
    now: () => DEMO_NOW,
  });
  const app = express();
  app.use(page.router);
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    link: (id) => page.trackingLink(id).replace('http://127.0.0.1', base),
    close: async () => {
      page.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
