// The ops console as the lead mounts it, on real MongoDB (the run's FerretDB) with a recording fake
// gateway, plus a seeded set of shipments and a sign-in helper for supertest agents.
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { opsConsoleRouter, type OpsConsoleDeps } from '../../src/ops-console';
import { CourierSettingsRepo } from '../../src/storage/courier-settings-repo';
import type { Mongo } from '../../src/storage/mongo';
import { ShipmentsRepo } from '../../src/storage/shipments-repo';
import type { ShipmentDoc } from '../../src/storage/types';
import { FakeGateway, testSecretBox, trackingView } from '../support/api';
import { shipmentDoc } from '../analytics/seed';

export const ADMIN = 'ops-admin-token-0123456789abcdef';
export const OTHER_ADMIN = 'ops-second-token-0123456789abcdef';
export const SESSION_SECRET = 'test-ops-session-secret-0123456789abcdef';
export const TEMPORAL_UI = 'http://temporal-ui.test:8233';

/** The console with a FakeGateway (`gateway`), unless `over.gateway` brings a real one. */
export function consoleApp(mongo: Mongo, over: Partial<OpsConsoleDeps> = {}) {
  const gateway = new FakeGateway();
  const courierSettings = new CourierSettingsRepo(mongo.cols, testSecretBox());
  const deps: OpsConsoleDeps = {
    adminTokens: [ADMIN, OTHER_ADMIN],
    sessionSecret: SESSION_SECRET,
    cols: mongo.cols,
    shipmentsRepo: new ShipmentsRepo(mongo.cols),
    courierSettings,
    webhookSettings: (c) => courierSettings.getDecrypted(c),
    publicBaseUrl: 'https://waybill.example.in',
    gateway,
    temporal: { uiUrl: TEMPORAL_UI, namespace: 'waybill-prod' },
    timeZone: 'Asia/Kolkata',
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ...over,
  };
  const app = express();
  app.set('trust proxy', 'loopback');
  app.use('/ops', opsConsoleRouter(deps));
  return { app, gateway, courierSettings, deps };
}

/** The value of a hidden input in a page. */
export function hidden(page: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  if (!m) throw new Error(`no ${name} field on the page`);
  return m[1]!;
}

/** The value a response sets for cookie `name`. */
export function setCookie(res: { headers: Record<string, unknown> }, name: string): string {
  const all = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  const line = all.find((h) => h.startsWith(`${name}=`));
  if (!line) throw new Error(`no ${name} cookie set`);
  return decodeURIComponent(line.slice(name.length + 1).split(';')[0]!);
}

/** A session cookie value from signing in with `token`. */
export async function sessionCookie(app: express.Express, token = ADMIN): Promise<string> {
  const form = await request(app).get('/ops/login').expect(200);
  const res = await request(app)
    .post('/ops/login')
    .set('Cookie', `ops_login=${setCookie(form, 'ops_login')}`)
    .type('form')
    .send({ nonce: hidden(form.text, 'nonce'), token })
    .expect(303);
  return setCookie(res, 'ops_session');
}

/** A supertest agent signed in with `token` (cookies kept), and the session's CSRF token. */
export async function signedIn(app: express.Express, token = ADMIN): Promise<{ agent: ReturnType<typeof request.agent>; csrf: string }> {
  const agent = request.agent(app);
  const form = await agent.get('/ops/login').expect(200);
  await agent.post('/ops/login').type('form').send({ nonce: hidden(form.text, 'nonce'), token }).expect(303);
  const page = await agent.get('/ops/shipments').expect(200);
  return { agent, csrf: hidden(page.text, '_csrf') };
}

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

/** Shipments in the states the console's pages show. */
export const CONSOLE_SHIPMENTS: ShipmentDoc[] = [
  shipmentDoc('ORD-1001', 'delhivery', 'in_transit', { courierStatus: 'In Transit', location: 'Bhiwandi Hub', lastEventAt: hoursAgo(3), lastSyncAt: hoursAgo(1), updatedAt: hoursAgo(1), expectedDeliveryAt: hoursAgo(-48) }),
  shipmentDoc('ORD-1002', 'shiprocket', 'out_for_delivery', { courierStatus: 'Out for delivery', location: 'Andheri DC', lastEventAt: hoursAgo(2), lastSyncAt: hoursAgo(2), updatedAt: hoursAgo(2) }),
  shipmentDoc('ORD-1003', 'icarry', 'undelivered', {
    courierStatus: 'Consignee not available',
    ndrOpen: true,
    ndrReason: 'consignee_unavailable',
    ndr: { open: true, reason: 'consignee_unavailable', rawCode: 'NDR-1', rawText: 'Customer not available at address', attempts: 1, openedAt: hoursAgo(5), deadlineAt: hoursAgo(-19), escalated: false },
    paymentMethod: 'cod',
    lastEventAt: hoursAgo(5),
    updatedAt: hoursAgo(5),
  }),
  shipmentDoc('ORD-1004', 'delhivery', 'undelivered', {
    courierStatus: 'Address incomplete',
    ndrOpen: true,
    ndrReason: 'address_issue',
    ndr: { open: true, reason: 'address_issue', rawCode: 'EOD-11', rawText: 'Incomplete address, landmark needed', attempts: 2, openedAt: hoursAgo(20), deadlineAt: hoursAgo(4), escalated: false },
    paymentMethod: 'prepaid',
    lastEventAt: hoursAgo(20),
    updatedAt: hoursAgo(6),
  }),
  shipmentDoc('ORD-1005', 'delhivery', 'in_transit', { stuck: true, courierStatus: '<script>alert(1)</script>', lastEventAt: hoursAgo(110), lastSyncAt: hoursAgo(4), updatedAt: hoursAgo(7) }),
  shipmentDoc('ORD-1006', 'shiprocket', 'delivered', { courierStatus: 'Delivered', lastEventAt: hoursAgo(30), updatedAt: hoursAgo(30) }),
];

export async function seedConsole(mongo: Mongo, gateway: FakeGateway): Promise<void> {
  await mongo.cols.shipments.insertMany(CONSOLE_SHIPMENTS.map((s) => ({ ...s })));
  // The fake answers for the seeded orders; a real gateway is left alone.
  for (const s of CONSOLE_SHIPMENTS) gateway.views.set(s.orderId, trackingView(s.orderId, { courier: s.courier, status: s.status, orderStatus: s.orderStatus, ...(s.ndr ? { ndr: s.ndr } : {}) }));
}
