// Screenshots of the ops console for docs/screenshots: a throwaway FerretDB seeded with two weeks of a
// plausible store (deterministic, from a fixed seed), the console on a local port with a stand-in
// gateway (actions are not clicked here; the browser tests drive the real workflow), headless Chromium.
// Run: npx tsx scripts/screenshot-ops-console.ts [outDir]   (needs `npm run tools` and Debian's chromium)
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import express from 'express';
import pino from 'pino';
import { chromium, type Page } from 'playwright-core';
import type { ShipmentGateway } from '../src/shipments/gateway';
import type { CourierId, EventSource } from '../src/domain/events';
import { courierIds } from '../src/couriers/registry';
import { ORDER_STATUS_FOR, type NdrReason, type ShipmentStatus } from '../src/domain/status';
import { startFerretDb } from '../src/infra/ferretdb';
import { freePort } from '../src/infra/processes';
import { SecretBox } from '../src/lib/secret-box';
import { opsConsoleRouter } from '../src/ops-console';
import { CourierSettingsRepo } from '../src/storage/courier-settings-repo';
import { connectMongo } from '../src/storage/mongo';
import { ShipmentsRepo } from '../src/storage/shipments-repo';
import type { OrderDoc, ShipmentDoc, TrackingEventDoc } from '../src/storage/types';
import type { TrackingView } from '../src/workflows/shipment/contract';

const ROOT = resolve(__dirname, '..');
const OUT = resolve(process.argv[2] ?? join(ROOT, 'docs/screenshots'));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOKEN = 'screenshot-admin-token-0123456789';
const H = 3_600_000;
const NOW = Date.now();
const iso = (t: number) => new Date(t).toISOString();

/** mulberry32: the same store every run. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(20260301);
const between = (a: number, b: number) => a + rand() * (b - a);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;

const PLACES = ['Bhiwandi Hub (Maharashtra)', 'Bengaluru Nelamangala Hub (Karnataka)', 'Gurgaon Hub (Haryana)', 'Kolkata Dankuni Hub (West Bengal)', 'Hyderabad Shamshabad Hub (Telangana)', 'Pune Chakan Hub (Maharashtra)'];
const DCS = ['Andheri DC (Maharashtra)', 'Indiranagar DC (Karnataka)', 'Saket DC (Delhi)', 'Salt Lake DC (West Bengal)', 'Kondapur DC (Telangana)'];
/** Webhooks dominate where couriers push reliably; iCarry is mostly polled. */
const WEBHOOK_SHARE: Record<CourierId, number> = { shiprocket: 0.85, delhivery: 0.7, icarry: 0.25 };

interface Seeded {
  shipments: ShipmentDoc[];
  events: TrackingEventDoc[];
  orders: OrderDoc[];
}

function order(id: string, history: Array<[OrderDoc['status'], number, EventSource | 'store']>): OrderDoc {
  return {
    _id: id,
    status: history[history.length - 1]![0],
    statusHistory: history.map(([status, at, source], i) => ({ key: `${id}:t${i}`, status, at: iso(at), source })),
    notes: [],
    customer: { name: 'Demo customer' },
    shippingAddress: { address1: 'Demo address', city: 'Mumbai', state: 'Maharashtra', pincode: '400064', country: 'IN' },
    items: [{ name: 'Tea', sku: 'TEA', quantity: 1, unitPrice: 450 }],
    paymentMethod: 'prepaid',
    codAmount: 0,
    orderValue: 450,
    createdAt: iso(history[0]![1]),
    updatedAt: iso(history[history.length - 1]![1]),
  };
}

function seed(): Seeded {
  const out: Seeded = { shipments: [], events: [], orders: [] };
  let n = 4000;
  const event = (orderId: string, courier: CourierId, status: ShipmentStatus, at: number, code: string, label: string, location: string) => {
    const webhook = rand() < (WEBHOOK_SHARE[courier] ?? 0.5);
    const latency = webhook ? between(4, 120) * 1000 : between(15, 300) * 60_000;
    const e: TrackingEventDoc = {
      _id: `${orderId}:${code}:${at}`,
      key: `${code}:${at}`,
      orderId,
      courier,
      awb: `AWB${orderId.slice(4)}`,
      status,
      rawCode: code,
      rawLabel: label,
      description: label,
      location,
      occurredAt: iso(at),
      receivedAt: iso(Math.min(NOW - 60_000, at + latency)),
      source: webhook ? 'webhook' : 'poll',
      applied: true,
    };
    out.events.push(e);
    return e;
  };

  // Two weeks of finished shipments: booked, in transit, then delivered (some after an NDR) or returned.
  for (let day = 16; day >= 1; day--) {
    for (const courier of courierIds()) {
      const count = Math.round(between(4, 9));
      for (let i = 0; i < count; i++) {
        const id = `ORD-${++n}`;
        const booked = NOW - day * 24 * H - between(0, 20) * H;
        const transitDays = between(1.2, courier === 'icarry' ? 6 : 4.5);
        const ndr = rand() < (courier === 'icarry' ? 0.22 : 0.14);
        const rto = ndr ? rand() < 0.45 : rand() < 0.03;
        const lost = !ndr && !rto && rand() < 0.01;
        const history: Array<[OrderDoc['status'], number, EventSource | 'store']> = [['shipped', booked, 'booking']];
        let t = booked + between(4, 10) * H;
        event(id, courier, 'picked_up', t, 'PKD', 'Picked up', pick(PLACES));
        t += between(6, 20) * H;
        event(id, courier, 'in_transit', t, 'ITR', 'In transit', pick(PLACES));
        t = booked + transitDays * 24 * H;
        if (t > NOW - 2 * H) continue; // still in flight: the live set below covers that
        const dc = pick(DCS);
        event(id, courier, 'out_for_delivery', t, 'OFD', 'Out for delivery', dc);
        history.push(['out_for_delivery', t + 60_000, 'webhook']);
        let status: ShipmentStatus = 'delivered';
        if (ndr) {
          t += between(4, 9) * H;
          event(id, courier, 'undelivered', t, 'NDR', 'Consignee unavailable', dc);
          history.push(['delivery_failed', t + 60_000, 'webhook']);
          t += between(18, 40) * H;
        }
        if (rto) {
          // Long enough ago, the parcel is back at the warehouse.
          status = t < NOW - 4 * 24 * H ? 'rto_delivered' : 'rto_initiated';
          event(id, courier, 'rto_initiated', t, 'RTO', 'Return initiated', dc);
          history.push(['returned', t + 60_000, 'webhook']);
        } else if (lost) {
          status = 'lost';
          history.push(['lost', t, 'manual']);
        } else {
          t += between(1, 6) * H;
          event(id, courier, 'delivered', t, 'DLV', 'Delivered', dc);
          history.push(['delivered', t + 60_000, 'webhook']);
        }
        if (t > NOW) continue;
        out.orders.push(order(id, history));
        out.shipments.push(
          shipment(id, courier, status, booked, t, {
            lastEventAt: iso(t),
            lastSyncAt: iso(t + between(1, 40) * 60_000),
            ...(ndr ? { ndr: { ...ndrState('consignee_unavailable', 'Customer not available', t - 30 * H, false), open: false } } : {}),
          }),
        );
      }
    }
  }

  // Shipments in flight now, in every state the console shows.
  const live: Array<[CourierId, ShipmentStatus, number, Partial<ShipmentDoc>]> = [
    ['delhivery', 'in_transit', 3, { courierStatus: 'In Transit', location: 'Bhiwandi Hub (Maharashtra)' }],
    ['shiprocket', 'out_for_delivery', 1, { courierStatus: 'Out For Delivery', location: 'Andheri DC (Maharashtra)' }],
    ['icarry', 'picked_up', 7, { courierStatus: 'Picked Up', location: 'Bengaluru Nelamangala Hub (Karnataka)' }],
    ['delhivery', 'out_for_delivery', 2, { courierStatus: 'Dispatched', location: 'Saket DC (Delhi)' }],
    ['shiprocket', 'in_transit', 11, { courierStatus: 'In Transit', location: 'Gurgaon Hub (Haryana)' }],
    ['icarry', 'undelivered', 6, { courierStatus: 'Customer not available', location: 'Kondapur DC (Telangana)', ndr: ndrState('consignee_unavailable', 'Customer not reachable on phone', NOW - 6 * H, false), ndrOpen: true, ndrReason: 'consignee_unavailable', paymentMethod: 'cod' }],
    ['delhivery', 'undelivered', 20, { courierStatus: 'Address incomplete', location: 'Salt Lake DC (West Bengal)', ndr: ndrState('address_issue', 'Incomplete address, landmark needed', NOW - 20 * H, false, 2), ndrOpen: true, ndrReason: 'address_issue', paymentMethod: 'prepaid' }],
    ['shiprocket', 'undelivered', 2, { courierStatus: 'Customer refused', location: 'Indiranagar DC (Karnataka)', ndr: ndrState('refused', 'Customer refused to accept (COD)', NOW - 2 * H, false), ndrOpen: true, ndrReason: 'refused', paymentMethod: 'cod' }],
    ['delhivery', 'in_transit', 104, { courierStatus: 'In Transit', location: 'Pune Chakan Hub (Maharashtra)', stuck: true }],
    ['icarry', 'booked', 55, { courierStatus: 'Manifested', stuck: true }],
    ['shiprocket', 'pickup_scheduled', 5, { courierStatus: 'Pickup Scheduled' }],
    ['delhivery', 'delivered', 9, { courierStatus: 'Delivered', location: 'Andheri DC (Maharashtra)' }],
  ];
  for (const [courier, status, hoursSinceScan, extra] of live) {
    const id = `ORD-${++n}`;
    const lastEventAt = NOW - hoursSinceScan * H;
    const booked = lastEventAt - between(20, 60) * H;
    event(id, courier, status === 'booked' ? 'booked' : status, lastEventAt, status.toUpperCase().slice(0, 3), extra.courierStatus ?? status, extra.location ?? pick(PLACES));
    out.orders.push(order(id, [['shipped', booked, 'booking']]));
    out.shipments.push(
      shipment(id, courier, status, booked, NOW - Math.min(hoursSinceScan, 3) * H - between(0, 50) * 60_000, {
        lastEventAt: iso(lastEventAt),
        // Stuck ones have been polled without news for a day; the others heard from minutes after the scan.
        lastSyncAt: iso(extra.stuck ? NOW - 30 * H : Math.min(NOW - 60_000, lastEventAt + between(1, 30) * 60_000)),
        expectedDeliveryAt: iso(NOW + between(10, 70) * H),
        ...extra,
      }),
    );
  }
  return out;
}

function ndrState(reason: NdrReason, text: string, openedAt: number, escalated: boolean, attempts = 1): NonNullable<ShipmentDoc['ndr']> {
  return { open: true, reason, rawCode: 'NDR', rawText: text, attempts, openedAt: iso(openedAt), deadlineAt: iso(openedAt + 24 * H), escalated };
}

function shipment(id: string, courier: CourierId, status: ShipmentStatus, booked: number, updated: number, extra: Partial<ShipmentDoc>): ShipmentDoc {
  return {
    _id: id,
    orderId: id,
    workflowId: `shipment-${id}`,
    courier,
    awb: `${courier === 'delhivery' ? '3714' : courier === 'icarry' ? 'IC' : 'SR'}${id.slice(4)}${courier === 'delhivery' ? '0021' : '77'}`,
    status,
    orderStatus: ORDER_STATUS_FOR[status],
    ndrOpen: false,
    stuck: false,
    paymentMethod: rand() < 0.4 ? 'cod' : 'prepaid',
    seq: 5,
    createdAt: iso(booked - 60_000),
    updatedAt: iso(updated),
    ...extra,
  };
}

/** Answers detail pages from the projection; the screenshots click no actions. */
function standInGateway(get: (id: string) => Promise<ShipmentDoc | null>): ShipmentGateway {
  const refuse = async (): Promise<never> => {
    throw new Error('not used for screenshots');
  };
  return {
    tracking: async (id): Promise<TrackingView | null> => {
      const s = await get(id);
      if (!s) return null;
      return { orderId: id, courier: s.courier, booking: { state: 'booked', awb: s.awb!, courier: s.courier, trackingUrl: `https://track.example/${s.awb}`, bookedAt: s.createdAt }, status: s.status, orderStatus: s.orderStatus, timeline: [], transitions: [], stuck: s.stuck, updatedAt: s.updatedAt };
    },
    ship: refuse,
    refresh: refuse,
    resolveNdr: refuse,
    setManualStatus: refuse,
    cancel: refuse,
    signalEvents: refuse,
  };
}

async function shoot(page: Page, path: string, file: string, fullPage = true): Promise<void> {
  await page.setViewportSize({ width: 1440, height: fullPage ? 900 : 1250 });
  await page.goto(path);
  await page.locator('main h1').waitFor();
  await page.screenshot({ path: join(OUT, file), fullPage });
  console.log(`wrote ${join(OUT, file)}`);
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`npm run tools\``);
  mkdirSync(OUT, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'waybill-ops-shots-'));
  const port = await freePort();
  const ferret = await startFerretDb({ toolsDir: join(ROOT, '.tools'), dataDir: dir, port, output: 'ignore' });
  try {
    const mongo = await connectMongo(`mongodb://127.0.0.1:${port}/`, 'waybill');
    const data = seed();
    await mongo.cols.shipments.insertMany(data.shipments);
    await mongo.cols.trackingEvents.insertMany(data.events);
    await mongo.cols.orders.insertMany(data.orders);
    const courierSettings = new CourierSettingsRepo(mongo.cols, new SecretBox({ current: { id: 'k2', key: randomBytes(32) }, old: [] }));
    await courierSettings.put('delhivery', { provider: 'delhivery', enabled: true, apiKey: 'demo-delhivery-token', webhookSecret: 'demo-delhivery-webhook', fields: { warehouseName: 'BLR-WH-01', shippingMode: 'Surface' } }, 'admin:0');
    await courierSettings.put('shiprocket', { provider: 'shiprocket', enabled: true, apiKey: 'ops@store.example.in', apiSecret: 'demo-password', fields: { pickupLocation: 'Primary', pickupPincode: '560068' } }, 'admin:0');

    const app = express();
    app.set('trust proxy', 'loopback');
    app.use(
      '/ops',
      opsConsoleRouter({
        adminTokens: [TOKEN],
        sessionSecret: randomBytes(32).toString('base64url'),
        cols: mongo.cols,
        shipmentsRepo: new ShipmentsRepo(mongo.cols),
        courierSettings,
        webhookSettings: (c) => courierSettings.getDecrypted(c),
        publicBaseUrl: 'https://waybill.store.example.in',
        gateway: standInGateway((id) => mongo.cols.shipments.findOne({ _id: id })),
        temporal: { uiUrl: 'http://localhost:8233', namespace: 'default' },
        timeZone: 'Asia/Kolkata',
        log: pino({ level: 'silent' }),
      }),
    );
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, timezoneId: 'Asia/Kolkata', locale: 'en-IN' });
      await page.goto(`${base}/ops/login`);
      await page.getByLabel('Admin token').fill(TOKEN);
      await Promise.all([page.waitForURL(/\/ops\/shipments/), page.getByRole('button', { name: 'Sign in' }).click()]);
      await shoot(page, `${base}/ops/shipments`, 'ops-shipments.png', false);
      await shoot(page, `${base}/ops/ndr`, 'ops-ndr-queue.png');
      await shoot(page, `${base}/ops/stuck`, 'ops-stuck.png');
      const from = new Date(NOW - 14 * 24 * H).toISOString().slice(0, 10);
      await shoot(page, `${base}/ops/analytics?from=${from}&bucket=day`, 'ops-analytics.png');
      await shoot(page, `${base}/ops/couriers`, 'ops-courier-settings.png', false);
    } finally {
      await browser.close();
      await new Promise((r) => server.close(r));
      await mongo.close();
    }
  } finally {
    await ferret.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
