// The simulator's scan pushes, received by a small local receiver and read by delhiveryWebhook.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { delhiveryWebhook } from '../../../src/couriers/delhivery';
import type { TrackingEvent, WebhookRequest } from '../../../src/couriers/types';
import { SIM_DEFAULTS } from '../../../src/simulators/delhivery';
import { advance, sampleRequest, startSim, type RunningSim } from './helpers';

interface Receiver {
  url: string;
  received: WebhookRequest[];
  /** Answers with these statuses first, then 200. */
  failWith: number[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const received: WebhookRequest[] = [];
  const failWith: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers as IncomingHttpHeaders as WebhookRequest['headers'], rawBody: Buffer.concat(chunks), receivedAt: Date.now() });
      res.statusCode = failWith.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/delhivery`,
    received,
    failWith,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let s: RunningSim | undefined;
let rx: Receiver | undefined;
afterEach(async () => {
  await s?.close();
  await rx?.close();
  s = rx = undefined;
});

function eventsOf(reqs: WebhookRequest[]): TrackingEvent[] {
  return reqs.flatMap((r) => {
    const parsed = delhiveryWebhook.parse(r);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.events;
  });
}

describe('scan push', () => {
  it('pushes every scan in the documented format with the merchant\'s static header; events match tracking, key for key', async () => {
    rx = await startReceiver();
    s = await startSim({ webhook: { url: rx.url } });
    const { awb } = await s.client.createShipment(sampleRequest());
    advance(s, 80);
    await s.sim.pusher.flush();

    expect(rx.received.length).toBeGreaterThanOrEqual(9);
    for (const r of rx.received) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers.authorization).toBe(`Bearer ${SIM_DEFAULTS.webhookSecret}`);
      expect(delhiveryWebhook.authenticate(r, { secret: SIM_DEFAULTS.webhookSecret })).toBe(true);
      expect(delhiveryWebhook.authenticate(r, { secret: 'another-secret' })).toBe(false);
      const body = JSON.parse(r.rawBody.toString());
      expect(Object.keys(body)).toEqual(['Shipment']);
      expect(body.Shipment).toMatchObject({ AWB: awb, ReferenceNo: 'ORD-1001', NSLCode: expect.any(String), Status: { StatusType: expect.any(String) } });
      expect(body.Shipment.Status.StatusCode).toBeUndefined(); // the push keeps the NSL code at Shipment level
    }
    const pushed = eventsOf(rx.received);
    const polled = await s.client.track({ orderId: 'ORD-1001', awb });
    if (polled.kind !== 'tracked') throw new Error('expected tracked');
    expect(pushed).toEqual(polled.events);
  });

  it('an RTO pushes the same RTO phases as tracking shows', async () => {
    rx = await startReceiver();
    s = await startSim({ webhook: { url: rx.url }, defaultScenario: 'ndr_rto' });
    const { awb } = await s.client.createShipment(sampleRequest());
    advance(s, 200);
    await s.sim.pusher.flush();
    const polled = await s.client.track({ orderId: 'ORD-1001', awb });
    if (polled.kind !== 'tracked') throw new Error('expected tracked');
    expect(eventsOf(rx.received).map((e) => [e.key, e.status])).toEqual(polled.events.map((e) => [e.key, e.status]));
  });

  it('duplicates and out-of-order pushes carry the same keys, so they dedupe', async () => {
    rx = await startReceiver();
    s = await startSim({ webhook: { url: rx.url, duplicateRate: 1, reorder: true } });
    const { awb } = await s.client.createShipment(sampleRequest());
    advance(s, 80);
    await s.sim.pusher.flush();
    const pushed = eventsOf(rx.received);
    const keys = pushed.map((e) => e.key);
    const polled = await s.client.track({ orderId: 'ORD-1001', awb });
    if (polled.kind !== 'tracked') throw new Error('expected tracked');
    // Every delivery but the one still held for reordering at flush goes out twice.
    expect(keys.length).toBe(2 * polled.events.length - 1);
    const times = pushed.map((e) => e.occurredAt);
    expect(times).not.toEqual([...times].sort());
    expect([...new Set(keys)].sort()).toEqual(polled.events.map((e) => e.key).sort());
  });

  it('a failed push is retried once, immediately, then dropped (Delhivery\'s policy), even after the control route reconfigures the URL', async () => {
    rx = await startReceiver();
    s = await startSim();
    await fetch(`${s.baseUrl}/__sim/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: rx.url }) });
    rx.failWith.push(500, 500, 503);
    await s.client.createShipment(sampleRequest()); // one push: X-UCI
    await s.sim.pusher.flush();
    expect(rx.received).toHaveLength(2);
    expect(s.sim.pusher.log.map((l) => l.status)).toEqual([500, 500]);
    advance(s, 2); // the next scan: first attempt fails (503), the retry lands
    await s.sim.pusher.flush();
    expect(s.sim.pusher.log.map((l) => l.status)).toEqual([500, 500, 503, 200]);
  });

  it('sends the header name and scheme the merchant asked for, and a secret changed over the control route', async () => {
    rx = await startReceiver();
    s = await startSim({ webhook: { url: rx.url, secret: 'first-secret' }, webhookHeader: { name: 'X-Api-Key', scheme: 'raw' } });
    await s.client.createShipment(sampleRequest());
    await s.sim.pusher.flush();
    await fetch(`${s.baseUrl}/__sim/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: rx.url, secret: 'second-secret' }) });
    advance(s, 2);
    await s.sim.pusher.flush();
    expect(rx.received.map((r) => r.headers['x-api-key'])).toEqual(['first-secret', 'second-secret']);
    expect(delhiveryWebhook.authenticate(rx.received[1]!, { secret: 'second-secret', headerName: 'x-api-key' })).toBe(true);
  });
});
