import { describe, expect, it } from 'vitest';
import { delhiveryWebhook } from '../../../src/couriers/delhivery';
import { HMAC_HEADER, signHmac } from '../../../src/couriers/common/hmac';
import type { WebhookRequest } from '../../../src/couriers/types';
import { answer, fixture, fixtureText, mockDelhivery } from './helpers';

const RECEIVED = Date.UTC(2024, 8, 20, 10, 0, 0);
const req = (body: string | object, headers: WebhookRequest['headers'] = {}): WebhookRequest => ({
  headers,
  rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  receivedAt: RECEIVED,
});

describe('authenticate: the static header the merchant chose', () => {
  const secret = 's3cr3t-webhook-value';
  it.each([
    ['the raw value', secret],
    ['Bearer <secret>', `Bearer ${secret}`],
    ['Token <secret>', `Token ${secret}`],
    ['a lower-case scheme', `bearer ${secret}`],
  ])('accepts %s in Authorization (the default header)', (_n, value) => {
    expect(delhiveryWebhook.authenticate(req('{}', { authorization: value }), { secret })).toBe(true);
  });

  it('reads the configured header name, case-insensitively', () => {
    const auth = { secret, headerName: 'X-Delhivery-Key' };
    expect(delhiveryWebhook.authenticate(req('{}', { 'x-delhivery-key': secret }), auth)).toBe(true);
    expect(delhiveryWebhook.authenticate(req('{}', { 'X-Delhivery-Key': secret }), auth)).toBe(true);
    expect(delhiveryWebhook.authenticate(req('{}', { authorization: secret }), auth)).toBe(false);
  });

  it.each([
    ['a wrong value', { authorization: 'Bearer nope' }],
    ['a prefix of the secret', { authorization: secret.slice(0, -1) }],
    ['the secret plus more', { authorization: `${secret}x` }],
    ['another scheme', { authorization: `Basic ${secret}` }],
    ['no header', {}],
    ['an empty header', { authorization: '' }],
  ])('rejects %s', (_n, headers) => {
    expect(delhiveryWebhook.authenticate(req('{}', headers as WebhookRequest['headers']), { secret })).toBe(false);
  });

  it('fails closed when no secret is configured', () => {
    expect(delhiveryWebhook.authenticate(req('{}', { authorization: '' }), {})).toBe(false);
    expect(delhiveryWebhook.authenticate(req('{}', { authorization: 'Bearer undefined' }), { secret: '' })).toBe(false);
  });

  it('takes the first value of a repeated header', () => {
    expect(delhiveryWebhook.authenticate(req('{}', { authorization: [secret, 'x'] }), { secret })).toBe(true);
  });
});

describe('authenticate: HMAC scheme', () => {
  const secret = 'hmac-secret-123';
  const body = fixtureText('webhook-manifested.json');
  const t = Math.floor(RECEIVED / 1000);

  it('accepts a valid signature, with the static header absent', () => {
    const r = req(body, { [HMAC_HEADER]: signHmac(secret, body, t) });
    expect(delhiveryWebhook.authenticate(r, { secret, scheme: 'hmac-sha256' })).toBe(true);
  });

  it('rejects a tampered body, a wrong secret, a stale timestamp, a missing header, and the static header', () => {
    const auth = { secret, scheme: 'hmac-sha256' as const };
    expect(delhiveryWebhook.authenticate(req(`${body} `, { [HMAC_HEADER]: signHmac(secret, body, t) }), auth)).toBe(false);
    expect(delhiveryWebhook.authenticate(req(body, { [HMAC_HEADER]: signHmac('other', body, t) }), auth)).toBe(false);
    expect(delhiveryWebhook.authenticate(req(body, { [HMAC_HEADER]: signHmac(secret, body, t - 301) }), auth)).toBe(false);
    expect(delhiveryWebhook.authenticate(req(body, {}), auth)).toBe(false);
    expect(delhiveryWebhook.authenticate(req(body, { authorization: secret }), auth)).toBe(false);
  });

  it('never throws on junk', () => {
    expect(delhiveryWebhook.authenticate(req(body, { [HMAC_HEADER]: 't=abc,v1=' }), { secret, scheme: 'hmac-sha256' })).toBe(false);
  });
});

describe('parse', () => {
  it('reads the documented push: NSLCode at Shipment level, IST time → UTC', () => {
    const r = delhiveryWebhook.parse(req(fixtureText('webhook-manifested.json')));
    expect(r).toEqual({
      ok: true,
      kind: 'scan',
      events: [
        {
          key: 'delhivery:26805710004126:X-UCI:2019-01-09T11:40:42',
          courier: 'delhivery',
          awb: '26805710004126',
          status: 'booked',
          rawCode: 'X-UCI',
          rawLabel: 'UD/Manifested',
          description: 'Manifest uploaded',
          location: 'Chandigarh_Raiprkln_C (Chandigarh)',
          occurredAt: '2019-01-09T11:40:42.767Z',
        },
      ],
    });
  });

  it('an NDR push carries the reason', () => {
    const r = delhiveryWebhook.parse(req(fixtureText('webhook-ndr.json')));
    if (!r.ok) throw new Error(r.error);
    expect(r.events[0]).toMatchObject({ status: 'undelivered', ndr: { reason: 'consignee_unavailable', rawCode: 'EOD-11', rawText: 'Consignee Unavailable' } });
  });

  it('gives the same dedupe key as the tracking API for the same scan', async () => {
    const pushed = delhiveryWebhook.parse(req(fixtureText('webhook-ndr.json')));
    if (!pushed.ok) throw new Error(pushed.error);
    const m = mockDelhivery();
    answer(m.pool, { path: '/api/v1/packages/json/?waybill=26805710004060' }, 200, fixture('track-delivered-after-ndr.json'));
    const tracked = await m.client.track({ orderId: 'ORD-2237', awb: '26805710004060' });
    if (tracked.kind !== 'tracked') throw new Error('expected tracked');
    const same = tracked.events.find((e) => e.key === pushed.events[0]!.key);
    expect(same).toEqual(pushed.events[0]);
  });

  it('accepts an array and a {"ShipmentData": [...]} batch', () => {
    const one = fixture<Record<string, any>>('webhook-manifested.json');
    const two = fixture<Record<string, any>>('webhook-ndr.json');
    const arr = delhiveryWebhook.parse(req([one, two]));
    const batch = delhiveryWebhook.parse(req({ ShipmentData: [one, two] }));
    expect(arr.ok && arr.events.map((e) => e.rawCode)).toEqual(['X-UCI', 'EOD-11']);
    expect(batch).toEqual(arr);
  });

  it('reads a tracking-API shaped Shipment (with Scans) like the tracking API', () => {
    const tracked = fixture<Record<string, any>>('track-in-transit.json');
    const r = delhiveryWebhook.parse(req(tracked));
    expect(r.ok && r.events).toHaveLength(9);
  });

  it('tolerates missing and extra fields: only the AWB and a status are needed', () => {
    const r = delhiveryWebhook.parse(
      req({ Shipment: { AWB: 26805710004126, Status: { Status: 'Dispatched', StatusType: 'UD', StatusDateTime: '2024-09-20T14:10:33.302', extra: { x: 1 } }, NSLCode: 'X-DDD3FD', Custom: [1, 2] } }),
    );
    expect(r).toMatchObject({ ok: true, events: [{ awb: '26805710004126', status: 'out_for_delivery', rawCode: 'X-DDD3FD' }] });
    if (r.ok) expect(r.events[0]!.location).toBeUndefined();
  });

  it('falls back to Status.StatusCode when NSLCode is absent', () => {
    const r = delhiveryWebhook.parse(req({ Shipment: { AWB: '1', Status: { Status: 'Pending', StatusType: 'UD', StatusCode: 'EOD-74', StatusDateTime: '2024-09-20T14:10:33' } } }));
    expect(r).toMatchObject({ ok: true, events: [{ status: 'undelivered', ndr: { reason: 'address_issue' } }] });
  });

  it('stamps a push without a readable time with the receive time, rather than dropping it', () => {
    const r = delhiveryWebhook.parse(req({ Shipment: { AWB: '1', Status: { Status: 'In Transit', StatusType: 'UD' }, NSLCode: 'X-ILL1F' } }));
    expect(r).toMatchObject({ ok: true, events: [{ occurredAt: new Date(RECEIVED).toISOString(), key: 'delhivery:1:X-ILL1F:2024-09-20T10:00:00' }] });
  });

  it('an RT push with RTOStartedDate gets the same RTO phase as the tracking API', () => {
    const shipment = (time: string) => ({
      Shipment: { AWB: '9', RTOStartedDate: '2024-09-21T10:00:03.12', NSLCode: 'X-ILL1F', Status: { Status: 'In Transit', StatusType: 'RT', StatusDateTime: time } },
    });
    const first = delhiveryWebhook.parse(req(shipment('2024-09-21T10:00:03.12')));
    const later = delhiveryWebhook.parse(req(shipment('2024-09-22T08:30:00')));
    expect(first.ok && first.events[0]!.status).toBe('rto_initiated');
    expect(later.ok && later.events[0]!.status).toBe('rto_in_transit');
  });

  it('marks an unknown status unmapped', () => {
    const r = delhiveryWebhook.parse(req({ Shipment: { AWB: '1', NSLCode: 'Z-1', Status: { Status: 'Warped', StatusType: 'QQ', StatusDateTime: '2024-09-20T14:10:33' } } }));
    expect(r).toMatchObject({ ok: true, events: [{ status: null, unmapped: true, rawCode: 'Z-1' }] });
  });

  it.each([
    ['not JSON', 'Shipment=1', /not JSON/],
    ['no Shipment', '{"hello":1}', /no Shipment/],
    ['an empty batch', '{"ShipmentData":[]}', /no Shipment/],
    ['no AWB', '{"Shipment":{"Status":{"Status":"Manifested"}}}', /without an AWB/],
    ['no status', '{"Shipment":{"AWB":"1"}}', /no status/],
    ['a non-object Shipment', '{"Shipment":"x"}', /not an object/],
    ['null', 'null', /no Shipment/],
    ['an empty body', '', /not JSON/],
  ])('malformed (%s) → ok:false, never throws', (_n, body, error) => {
    const r = delhiveryWebhook.parse(req(body));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
});
