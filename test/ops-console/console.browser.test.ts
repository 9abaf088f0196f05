// The ops console in real headless Chromium, against the real shipment workflow (its own namespace on
// the run's Temporal dev server, production activities over a scripted courier), its projection in the
// run's FerretDB, and the real Temporal gateway: what ops click reaches the workflow and the courier.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TemporalShipmentGateway } from '../../src/shipments/gateway';
import type { ShipmentStatus } from '../../src/domain/status';
import type { Mongo } from '../../src/storage/mongo';
import { MongoProjectionStore } from '../../src/storage/projection-store';
import type { ShipmentDoc } from '../../src/storage/types';
import { bookingUpdate, courierEventSignal, trackingQuery } from '../../src/workflows/shipment/contract';
import { launchChromium } from '../support/browser';
import { freshMongo } from '../support/mongo';
import { isolatedNamespace } from '../support/temporal-namespace';
import { FakeCourier, fakeWorld, scan } from '../support/workflow-fakes';
import { orderId, shipmentInput } from '../support/workflow-env';
import { harness, type Harness } from '../support/workflow-harness';
import { ADMIN, consoleApp, seedConsole, TEMPORAL_UI } from './support';

let browser: Browser;
let env: TestWorkflowEnvironment;
let mongo: Mongo;
let h: Harness;
let courier: FakeCourier;
let server: Server;
let base: string;
let c: ReturnType<typeof consoleApp>;

beforeAll(async () => {
  // Launch first: a missing chromium fails here, saying how to install it.
  browser = await launchChromium();
  const namespace = await isolatedNamespace('ops-console');
  env = await TestWorkflowEnvironment.createFromExistingServer({ address: inject('temporalAddress'), namespace });
  mongo = await freshMongo('ops_console_browser');
  const world = fakeWorld();
  world.deps.store = new MongoProjectionStore(mongo.cols);
  courier = world.couriers.delhivery as FakeCourier;
  h = await harness(env, world);
  c = consoleApp(mongo, { gateway: new TemporalShipmentGateway(env.client), liveRefreshSeconds: 1, temporal: { uiUrl: TEMPORAL_UI, namespace } });
  await seedConsole(mongo, c.gateway);
  server = c.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  if (server) await new Promise((r) => server.close(r));
  await browser?.close();
  await mongo?.close();
  await env?.teardown();
});

async function signedInPage(path = '/ops/shipments'): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  await page.goto(`${base}${path}`);
  await page.getByLabel('Admin token').fill(ADMIN);
  await Promise.all([page.waitForURL(`${base}${path}`), page.getByRole('button', { name: 'Sign in' }).click()]);
  return page;
}

const rows = (page: Page) => page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-order')));

async function ship(id: string) {
  const handle = await h.start(shipmentInput(id));
  const booking = await handle.executeUpdate(bookingUpdate);
  if (!booking.ok) throw new Error(`booking failed: ${booking.message}`);
  return { handle, awb: booking.awb };
}

const t0 = Date.parse('2026-03-01T04:30:00Z');
async function send(handle: Awaited<ReturnType<typeof ship>>['handle'], awb: string, status: ShipmentStatus, hour: number, extra: Parameters<typeof scan>[3] = {}) {
  const e = scan(awb, status, t0 + hour * 3_600_000, extra);
  courier.publish(e);
  await handle.signal(courierEventSignal, { events: [e], source: 'webhook', receivedAt: new Date().toISOString() });
}

/** Waits until the workflow's projection in MongoDB satisfies `ok` (what the console reads). */
async function projected(id: string, ok: (s: ShipmentDoc) => boolean): Promise<ShipmentDoc> {
  for (;;) {
    const s = await mongo.cols.shipments.findOne({ _id: id });
    if (s && ok(s)) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('ops console in Chromium', () => {
  it('signs in with the form (a wrong token is refused), then filters shipments, by mouse and by keyboard', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/ops/shipments?courier=delhivery`);
    await page.getByLabel('Admin token').fill('wrong-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('alert').textContent()).toBe('That token is not valid.');
    await page.getByLabel('Admin token').fill(ADMIN);
    await Promise.all([page.waitForURL(`${base}/ops/shipments?courier=delhivery`), page.getByRole('button', { name: 'Sign in' }).click()]);
    expect(await rows(page)).toEqual(['ORD-1001', 'ORD-1004', 'ORD-1005']);

    await page.getByLabel('Courier').selectOption('');
    await page.getByLabel('Status').selectOption('undelivered');
    await page.getByLabel('NDR open').check();
    await Promise.all([page.waitForURL(/status=undelivered/), page.getByRole('button', { name: 'Apply filters' }).click()]);
    expect(page.url()).toContain('ndr=open');
    expect(await rows(page)).toEqual(['ORD-1003', 'ORD-1004']);

    await page.getByRole('link', { name: 'Clear' }).click();
    await page.getByLabel('Order ID or AWB').focus();
    await page.keyboard.type('AWB-ORD-1002');
    await Promise.all([page.waitForURL(/q=AWB-ORD-1002/), page.keyboard.press('Enter')]);
    expect(await rows(page)).toEqual(['ORD-1002']);
    expect(await page.getByRole('link', { name: /^Temporal workflow shipment-ORD-1002/ }).getAttribute('href')).toMatch(new RegExp(`^${TEMPORAL_UI}/namespaces/t-ops-console-[^/]+/workflows/shipment-ORD-1002$`));
    await page.context().close();
  });

  it('shows a courier scan in the list live, without a reload', async () => {
    const id = orderId('LIVE');
    await h.run(async () => {
      const { handle, awb } = await ship(id);
      await send(handle, awb, 'in_transit', 5, { location: 'Bhiwandi Hub' });
      await projected(id, (s) => s.status === 'in_transit');
      const page = await signedInPage(`/ops/shipments?q=${id}`);
      expect(await page.locator(`tr[data-order="${id}"] .status`).textContent()).toBe('in transit');
      await page.evaluate(() => ((globalThis as unknown as { mark: number }).mark = 7));

      await send(handle, awb, 'out_for_delivery', 30, { location: 'Andheri DC' });
      await page.locator(`tr[data-order="${id}"] .status`, { hasText: 'out for delivery' }).waitFor();
      expect(await page.evaluate(() => (globalThis as unknown as { mark?: number }).mark)).toBe(7);
      expect(await page.locator('#live-status').textContent()).toMatch(/^Updated at /);
      await page.context().close();
      await handle.terminate('test done');
    });
  });

  it('answers an NDR with one click: the workflow records the admin’s reattempt and the courier receives it', async () => {
    const id = orderId('NDR');
    await h.run(async () => {
      const { handle, awb } = await ship(id);
      await send(handle, awb, 'out_for_delivery', 30);
      await send(handle, awb, 'undelivered', 34, { ndr: { reason: 'consignee_unavailable', rawText: 'Customer not available', attempt: 1 } });
      await projected(id, (s) => s.ndrOpen);
      const page = await signedInPage('/ops/ndr');
      const row = page.locator(`tr[data-order="${id}"]`);
      expect(await row.textContent()).toContain('Customer not available');
      // Keyboard: focus the row's button and press Enter.
      await row.getByRole('button', { name: `Reattempt delivery of order ${id}` }).focus();
      await Promise.all([page.waitForURL(`${base}/ops/ndr`), page.keyboard.press('Enter')]);
      expect(await page.getByRole('status').first().textContent()).toContain(`Order ${id}: Reattempt sent to the courier`);

      const v = await handle.query(trackingQuery);
      expect(v.ndr?.resolution).toMatchObject({ by: 'admin', action: { type: 'reattempt' }, sentToCourier: true });
      expect(courier.ndrActions).toContainEqual({ awb, action: { type: 'reattempt' } });
      await page.context().close();
      await handle.terminate('test done');
    });
  });

  it('saves courier settings with a credential that never comes back into the page', async () => {
    const TOKEN = 'dlv-live-7c1e9a44b2-secret';
    const page = await signedInPage('/ops/couriers');
    const section = page.locator('#courier-delhivery');
    expect(await section.getByText('currently not set').count()).toBeGreaterThan(0);
    await section.getByRole('checkbox', { name: /^Enabled/ }).check();
    await section.getByLabel(/^Warehouse name/).fill('Bhiwandi WH');
    await section.getByLabel(/^API token/).fill(TOKEN);
    await Promise.all([page.waitForURL(`${base}/ops/couriers#courier-delhivery`), section.getByRole('button', { name: 'Save Delhivery settings' }).click()]);
    expect(await page.getByRole('status').first().textContent()).toBe('Delhivery settings saved.');

    const after = page.locator('#courier-delhivery');
    expect(await after.getByLabel(/^API token/).inputValue()).toBe('');
    expect(await after.locator('[data-secret-state="apiKey"]').textContent()).toBe('· currently set (key k1)');
    expect(await after.getByLabel(/^Warehouse name/).inputValue()).toBe('Bhiwandi WH');
    expect(await page.content()).not.toContain(TOKEN);
    expect(await c.courierSettings.getDecrypted('delhivery')).toMatchObject({ enabled: true, apiKey: TOKEN, fields: { warehouseName: 'Bhiwandi WH' } });

    // Saving again with the box left empty keeps the stored token.
    await after.getByLabel(/^Warehouse name/).fill('Bhiwandi WH 2');
    await Promise.all([page.waitForURL(`${base}/ops/couriers#courier-delhivery`), after.getByRole('button', { name: 'Save Delhivery settings' }).click()]);
    expect(await c.courierSettings.getDecrypted('delhivery')).toMatchObject({ apiKey: TOKEN, fields: { warehouseName: 'Bhiwandi WH 2' } });
    await page.context().close();
  });
});
