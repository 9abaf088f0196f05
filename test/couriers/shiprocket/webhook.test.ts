// shiprocketWebhook: x-api-key (or HMAC) authentication and parsing of the §1.10 payload.
import fc from 'fast-check';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { signHmac } from '../../../src/couriers/common/hmac';
import { createShiprocketClient, shiprocketWebhook } from '../../../src/couriers/shiprocket';
import type { WebhookRequest } from '../../../src/couriers/types';
import { BASE, fixture, JSON_HEADERS, ORIGIN } from './helpers';

const SECRET = 'dashboard-security-token';
const RECEIVED_AT = Date.UTC(2023, 4, 23, 6, 20);

function request(body: unknown, headers: Record<string, string | string[] | undefined> = {}): WebhookRequest {
  const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return { headers: { 'content-type': 'application/json', ...headers }, rawBody, receivedAt: RECEIVED_AT };
}

describe('authenticate', () => {
  const body = fixture('webhook-in-transit');

  it('accepts the configured token in x-api-key', () => {
    expect(shiprocketWebhook.authenticate(request(body, { 'x-api-key': SECRET }), { secret: SECRET })).toBe(true);
  });

  it('refuses a wrong, empty or missing token', () => {
    expect(shiprocketWebhook.authenticate(request(body, { 'x-api-key': 'guess' }), { secret: SECRET })).toBe(false);
    expect(shiprocketWebhook.authenticate(request(body, { 'x-api-key': `${SECRET} ` }), { secret: SECRET })).toBe(false);
    expect(shiprocketWebhook.authenticate(request(body, { 'x-api-key': '' }), { secret: SECRET })).toBe(false);
    expect(shiprocketWebhook.authenticate(request(body), { secret: SECRET })).toBe(false);
  });

  it('fails closed when no secret is configured, whatever the request carries', () => {
    expect(shiprocketWebhook.authenticate(request(body), {})).toBe(false);
    expect(shiprocketWebhook.authenticate(request(body, { 'x-api-key': '' }), { secret: '' })).toBe(false);
    expect(shiprocketWebhook.authenticate(request(body, { 'x-api-key': 'anything' }), { secret: undefined })).toBe(false);
  });

  it('uses the HMAC scheme instead when configured', () => {
    const raw = Buffer.from(JSON.stringify(body));
    const signed = (secret: string, at: number) => ({ ...request(raw), headers: { 'x-waybill-signature': signHmac(secret, raw, Math.floor(at / 1000)) } });
    expect(shiprocketWebhook.authenticate(signed(SECRET, RECEIVED_AT), { secret: SECRET, scheme: 'hmac-sha256' })).toBe(true);
    expect(shiprocketWebhook.authenticate(signed('other', RECEIVED_AT), { secret: SECRET, scheme: 'hmac-sha256' })).toBe(false);
    expect(shiprocketWebhook.authenticate(signed(SECRET, RECEIVED_AT - 3_600_000), { secret: SECRET, scheme: 'hmac-sha256' })).toBe(false);
    // Under HMAC the static token is not enough.
    expect(shiprocketWebhook.authenticate(request(raw, { 'x-api-key': SECRET }), { secret: SECRET, scheme: 'hmac-sha256' })).toBe(false);
  });

  it('never throws on odd headers', () => {
    expect(shiprocketWebhook.authenticate(request(body, { 'x-api-key': [SECRET, 'x'] }), { secret: SECRET })).toBe(true);
    expect(shiprocketWebhook.authenticate({ headers: {}, rawBody: Buffer.alloc(0), receivedAt: Number.NaN }, { secret: SECRET, scheme: 'hmac-sha256' })).toBe(false);
  });
});

describe('parse', () => {
  it('reads the documented payload: one event per scan plus the current status no scan carries', () => {
    const result = shiprocketWebhook.parse(request(fixture('webhook-in-transit')));
    const awb = '19041424751540';
    const event = (rawCode: string, status: string | null, rawLabel: string, description: string, location: string, occurredAt: string) => ({
      key: `shiprocket:${awb}:${rawCode}:${occurredAt.slice(0, 19)}`,
      courier: 'shiprocket',
      awb,
      status,
      rawCode,
      rawLabel,
      description,
      location,
      occurredAt,
    });
    expect(result).toEqual({
      ok: true,
      kind: `shiprocket:${awb}:18:2023-05-23T06:13:52`,
      events: [
        event('X-UCI', 'booked', 'MANIFEST GENERATED', 'Manifested - Manifest uploaded', 'Chomu_SamodRd_D (Rajasthan)', '2023-05-19T06:29:16.000Z'),
        event('X-PPOM', 'picked_up', 'PICKED UP', 'In Transit - Shipment picked up', 'Chomu_SamodRd_D (Rajasthan)', '2023-05-19T10:02:17.000Z'),
        event('X-PIOM', 'in_transit', 'SHIPPED', 'In Transit - Shipment Recieved at Origin Center', 'Jaipur_Hub (Rajasthan)', '2023-05-20T08:01:17.000Z'),
        event('X-DBL1F', null, 'NA', 'In Transit - Added to Bag', 'Jaipur_Hub (Rajasthan)', '2023-05-23T06:13:52.000Z'),
        // current_timestamp "23 05 2023 11:43:52" IST; shipment_status_id 18 decides, current_status_id 20 does not.
        {
          key: `shiprocket:${awb}:18:2023-05-23T06:13:52`,
          courier: 'shiprocket',
          awb,
          status: 'in_transit',
          rawCode: '18',
          rawLabel: 'In Transit',
          description: 'IN TRANSIT',
          occurredAt: '2023-05-23T06:13:52.000Z',
        },
      ],
    });
  });

  it('opens an NDR with the reason read from the scan text, raw text kept', () => {
    const result = shiprocketWebhook.parse(request(fixture('webhook-undelivered')));
    if (!result.ok) throw new Error(result.error);
    expect(result.events).toHaveLength(2);
    expect(result.events[1]).toMatchObject({
      status: 'undelivered',
      rawCode: 'EOD-3',
      ndr: { reason: 'future_delivery_requested', rawCode: 'EOD-3', rawText: 'Pending - Customer Asked For Future Delivery' },
    });
  });

  it('gives the same scan the same key whether pushed or polled', async () => {
    const pushed = fixture('webhook-in-transit') as { awb: string; scans: unknown[]; shipment_status_id: number };
    // The same shipment through GET /courier/track/awb: activities newest-first, status as shipment_status.
    const polled = { tracking_data: { track_status: 1, shipment_status: pushed.shipment_status_id, shipment_track: [{ current_status: 'IN TRANSIT' }], shipment_track_activities: [...pushed.scans].reverse() } };
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: `${BASE}/auth/login`, method: 'POST' }).reply(200, fixture('login-success') as object, JSON_HEADERS);
    pool.intercept({ path: `${BASE}/courier/track/awb/${pushed.awb}`, method: 'GET' }).reply(200, polled, JSON_HEADERS);
    const client = createShiprocketClient({ email: 'a@b.c', password: 'pw-pw-pw', pickupLocation: 'Primary', pickupPincode: '560068' }, { now: () => 0 }, { dispatcher: agent });

    const tracked = await client.track({ orderId: 'x', awb: pushed.awb });
    const webhook = shiprocketWebhook.parse(request(pushed));
    await agent.close();

    if (tracked.kind !== 'tracked' || !webhook.ok) throw new Error('expected both to read');
    expect(tracked.events.map((e) => e.key)).toEqual(webhook.events.map((e) => e.key));
    expect(tracked.events.slice(0, 4)).toEqual(webhook.events.slice(0, 4));
  });

  it('takes a numeric awb as a string and skips scans it cannot date', () => {
    const body = { ...(fixture('webhook-undelivered') as object), awb: 19041424751541, scans: [{ date: 'yesterday', status: 'X' }, { status: 'no date' }] };
    const result = shiprocketWebhook.parse(request(body));
    if (!result.ok) throw new Error(result.error);
    expect(result.events).toEqual([expect.objectContaining({ awb: '19041424751541', rawCode: '21', status: 'undelivered', occurredAt: '2023-05-25T12:32:10.000Z' })]);
  });

  it('dates the current status by the newest scan when current_timestamp is missing, never by arrival', () => {
    const { current_timestamp: _t, ...body } = fixture('webhook-in-transit') as Record<string, unknown>;
    const result = shiprocketWebhook.parse(request(body));
    expect(result.ok && result.events.at(-1)).toMatchObject({ rawCode: '18', occurredAt: '2023-05-23T06:13:52.000Z' });
  });

  it('reports malformed JSON, a missing awb and an empty payload as errors', () => {
    expect(shiprocketWebhook.parse(request('{"awb": "1", '))).toEqual({ ok: false, error: expect.stringContaining('malformed JSON') });
    expect(shiprocketWebhook.parse(request({ current_status: 'IN TRANSIT' }))).toEqual({ ok: false, error: 'Shiprocket webhook has no awb' });
    expect(shiprocketWebhook.parse(request({ awb: '' }))).toEqual({ ok: false, error: 'Shiprocket webhook has an empty awb' });
    expect(shiprocketWebhook.parse(request({ awb: '123' }))).toEqual({ ok: false, error: 'Shiprocket webhook for 123 has neither a status nor a readable scan' });
    expect(shiprocketWebhook.parse(request([1, 2]))).toMatchObject({ ok: false });
  });

  it('never throws, whatever the body', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array().map((a) => Buffer.from(a)), fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)))), (raw) => {
        const r = shiprocketWebhook.parse({ headers: {}, rawBody: raw, receivedAt: RECEIVED_AT });
        return r.ok ? r.events.length > 0 : typeof r.error === 'string';
      }),
    );
  });
});
