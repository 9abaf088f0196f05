// The tracking page in real headless Chromium, end to end: the real shipment workflow on the run's
// Temporal dev server (its own namespace) with a scripted courier, its projection in the run's FerretDB,
// the real gateway, and the page's router on a bare Express app listening on a port.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TemporalShipmentGateway } from '../../src/shipments/gateway';
import type { ShipmentStatus } from '../../src/domain/status';
import type { Mongo } from '../../src/storage/mongo';
import { MongoProjectionStore } from '../../src/storage/projection-store';
import { createTrackingPage, type TrackingPage } from '../../src/tracking-page/router';
import { MongoTrackingStore } from '../../src/storage/tracking-page-store';
import { bookingUpdate, courierEventSignal, trackingQuery, type TrackingView } from '../../src/workflows/shipment/contract';
import { launchChromium } from '../support/browser';
import { freshMongo } from '../support/mongo';
import { isolatedNamespace } from '../support/temporal-namespace';
import { FakeCourier, fakeWorld, scan } from '../support/workflow-fakes';
import { orderId, shipmentInput } from '../support/workflow-env';
import { harness, type Harness } from '../support/workflow-harness';
import { quiet, storeOrder, testSettings } from './support';

let env: TestWorkflowEnvironment;
let mongo: Mongo;
let browser: Browser;
let server: Server;
let base: string;
let tracking: TrackingPage;
let h: Harness;
let courier: FakeCourier;

beforeAll(async () => {
  // Launch first: a missing chromium fails here, saying how to install it.
  browser = await launchChromium();
  const namespace = await isolatedNamespace('tracking-page');
  env = await TestWorkflowEnvironment.createFromExistingServer({ address: inject('temporalAddress'), namespace });
  mongo = await freshMongo('tracking_page_browser');
  const world = fakeWorld();
  world.deps.store = new MongoProjectionStore(mongo.cols);
  courier = world.couriers.delhivery as FakeCourier;
  h = await harness(env, world);
  // Queries give up quickly here so the "no worker" case falls back without a long wait.
  const gateway = new TemporalShipmentGateway(env.client, { queryMs: 1_500 });
  tracking = createTrackingPage({
    settings: testSettings({ live: { pollMs: 200, maxConnections: 20 } }),
    gateway,
    store: new MongoTrackingStore(mongo.cols),
    log: quiet,
    queryTimeoutMs: 1_000,
  });
  const app = express();
  app.use(tracking.router);
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  tracking?.close();
  if (server) await new Promise((r) => server.close(r));
  await browser?.close();
  await mongo?.close();
  await env?.teardown();
});

const H = 3_600_000;
const t0 = Date.parse('2026-03-01T04:30:00Z');
const linkFor = (id: string) => tracking.trackingLink(id).replace('http://127.0.0.1', base);

/** Ships an order through the real workflow and returns its handle and AWB. */
async function ship(id: string) {
  const handle = await h.start(shipmentInput(id));
  const booking = await handle.executeUpdate(bookingUpdate);
  if (!booking.ok) throw new Error(`booking failed: ${booking.message}`);
  return { handle, awb: booking.awb };
}

async function send(handle: Awaited<ReturnType<typeof ship>>['handle'], awb: string, status: ShipmentStatus, hour: number, location: string, extra: Parameters<typeof scan>[3] = {}) {
  const e = scan(awb, status, t0 + hour * H, { location, ...extra });
  courier.publish(e);
  await handle.signal(courierEventSignal, { events: [e], source: 'webhook', receivedAt: new Date().toISOString() });
}

/** Waits (by querying) until the workflow has applied what was signalled. */
async function until(handle: Awaited<ReturnType<typeof ship>>['handle'], ok: (v: TrackingView) => boolean): Promise<TrackingView> {
  for (;;) {
    const v = await handle.query(trackingQuery);
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function newPage(timezoneId?: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, ...(timezoneId ? { timezoneId } : {}) });
  return ctx.newPage();
}

const headline = (p: Page) => p.locator('.headline').textContent();

describe('tracking page in Chromium', () => {
  it('renders the timeline from the workflow, then updates live when the courier scans, without a reload', async () => {
    const id = orderId('TP');
    await h.run(async () => {
      const { handle, awb } = await ship(id);
      await send(handle, awb, 'picked_up', 2, 'Bengaluru Hub');
      await send(handle, awb, 'in_transit', 9, 'Bhiwandi Sort Centre');
      await until(handle, (v) => v.status === 'in_transit');
      const page = await newPage();
      const res = await page.goto(linkFor(id));
      expect(res?.status()).toBe(200);
      expect(await headline(page)).toBe('On its way');
      expect(await page.locator('.timeline li').count()).toBe(2);
      expect(await page.locator('.timeline li').first().textContent()).toContain('Bhiwandi Sort Centre');
      expect(await page.locator('dd').nth(1).textContent()).toBe(awb);
      expect(await page.locator('a[href^="https://track.example/"]').count()).toBe(1);
      expect(await page.locator('[aria-current="step"]').textContent()).toContain('In transit');

      // A mark on the window survives only if the page is never reloaded.
      await page.evaluate(() => ((globalThis as unknown as { mark: number }).mark = 42));
      await send(handle, awb, 'out_for_delivery', 40, 'Andheri DC');
      await page.locator('.headline', { hasText: 'Out for delivery' }).waitFor();
      expect(await page.locator('.timeline li').count()).toBe(3);
      expect(await page.locator('#announce').textContent()).toBe('Tracking updated: Out for delivery');
      expect(await page.evaluate(() => (globalThis as unknown as { mark?: number }).mark)).toBe(42);
      await page.context().close();
      await handle.terminate('test done');
    });
  });

  it('shows times in the browser’s own time zone once the script runs', async () => {
    const id = orderId('TZ');
    await h.run(async () => {
      const { handle, awb } = await ship(id);
      await send(handle, awb, 'picked_up', 2, 'Bengaluru Hub'); // 06:30 UTC
      await until(handle, (v) => v.status === 'picked_up');
      const page = await newPage('Europe/London');
      await page.goto(linkFor(id));
      expect(await page.locator('.timeline time').first().textContent()).toBe('Sun, 1 Mar, 6:30 am GMT');
      await page.context().close();
      await handle.terminate('test done');
    });
  });

  it('rejects a bad token: 403, the confirm form, nothing about the order', async () => {
    const id = orderId('BAD');
    await h.run(async () => {
      const { handle, awb } = await ship(id);
      const page = await newPage();
      const good = new URL(linkFor(id));
      const t = good.searchParams.get('t')!;
      good.searchParams.set('t', `${t.slice(0, -2)}${t.endsWith('AA') ? 'BA' : 'AA'}`);
      const res = await page.goto(good.toString());
      expect(res?.status()).toBe(403);
      expect(await page.getByRole('alert').textContent()).toBe('This tracking link is not valid. Check that you opened the whole link.');
      expect(await page.getByLabel('Phone number or email address').count()).toBe(1);
      expect(await page.content()).not.toContain(awb);
      await page.context().close();
      await handle.terminate('test done');
    });
  });

  it('the NDR form, filled in by label and sent, changes the workflow’s state', async () => {
    const id = orderId('NDR');
    await h.run(async () => {
      const { handle, awb } = await ship(id);
      await send(handle, awb, 'out_for_delivery', 40, 'Andheri DC');
      await send(handle, awb, 'undelivered', 44, 'Andheri DC', { ndr: { reason: 'consignee_unavailable', rawText: 'Customer not available', attempt: 1 } });
      await until(handle, (v) => v.ndr?.open === true);
      const page = await newPage();
      await page.goto(linkFor(id));
      expect(await headline(page)).toBe('We could not deliver your order');
      await page.getByText('Give us another phone number').click();
      await page.getByLabel('Mobile number the courier can call').fill('+91 91234 56789');
      await Promise.all([page.waitForURL(/r=sent/), page.getByRole('button', { name: 'Send the new number' }).click()]);
      expect(await page.locator('.flash').textContent()).toBe('Thank you. We have passed your answer to the courier.');
      expect(await page.locator('[data-live=ndr]').textContent()).toContain('You asked us to call you on the new number. Delhivery has the request.');

      const v = await handle.query(trackingQuery);
      expect(v.ndr?.resolution).toMatchObject({ by: 'customer', action: { type: 'change_phone', phone: '9123456789' }, sentToCourier: true });
      expect(courier.ndrActions).toContainEqual({ awb, action: { type: 'change_phone', phone: '9123456789' } });
      await page.context().close();
      await handle.terminate('test done');
    });
  });

  it('works without JavaScript: the page renders and the NDR form (a new day) still reaches the workflow', async () => {
    const id = orderId('NOJS');
    await h.run(async () => {
      const { handle, awb } = await ship(id);
      await send(handle, awb, 'undelivered', 44, 'Andheri DC', { ndr: { reason: 'address_issue', attempt: 1 } });
      await until(handle, (v) => v.ndr?.open === true);
      const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
      const page = await ctx.newPage();
      await page.goto(linkFor(id));
      expect(await page.locator('.timeline li').count()).toBe(1);
      const day = await page.getByLabel('Or choose a day').locator('option').nth(2).getAttribute('value');
      await page.getByLabel('Or choose a day').selectOption(day!);
      await Promise.all([page.waitForURL(/r=sent/), page.getByRole('button', { name: 'Deliver on this day' }).click()]);
      const v = await handle.query(trackingQuery);
      expect(v.ndr?.resolution).toMatchObject({ by: 'customer', action: { type: 'reschedule', date: day } });
      await ctx.close();
      await handle.terminate('test done');
    });
  });

  it('with no worker running, falls back to the stored projection with a "last updated" note', async () => {
    const id = orderId('FB');
    let awb = '';
    await h.run(async () => {
      const shipped = await ship(id);
      awb = shipped.awb;
      await send(shipped.handle, awb, 'picked_up', 2, 'Bengaluru Hub');
      await until(shipped.handle, (v) => v.status === 'picked_up');
      // The projection is written by an activity after the state changes: wait until it is in.
      while ((await mongo.cols.shipments.findOne({ _id: id }))?.status !== 'picked_up') await new Promise((r) => setTimeout(r, 50));
    });
    const page = await newPage();
    await page.goto(linkFor(id));
    expect(await headline(page)).toBe('Picked up by the courier');
    expect(await page.locator('.note').textContent()).toMatch(/^Last updated .+\. Live tracking is catching up/);
    expect(await page.locator('.timeline li').count()).toBe(1);
    await page.context().close();
  });

  it('confirming the order’s phone opens the page without a link', async () => {
    const id = orderId('CFM');
    await storeOrder(mongo.cols, id, { name: 'Asha Rao', phone: '9876543210', email: 'asha@example.in' });
    await h.run(async () => {
      const { handle, awb } = await ship(id);
      const page = await newPage();
      await page.goto(`${base}/order-tracking/${id}`);
      await page.getByLabel('Phone number or email address').fill('98765 43210');
      await Promise.all([page.waitForURL(`${base}/order-tracking/${id}`), page.getByRole('button', { name: 'Show my order' }).press('Enter')]);
      expect(await page.locator('dd').nth(1).textContent()).toBe(awb);
      await page.context().close();
      await handle.terminate('test done');
    });
  });
});
