import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signHmac } from '../../../src/couriers/common/hmac';
import { icarryCallbackUrlToken, icarryWebhook, type IcarryWebhookRequest } from '../../../src/couriers/icarry';
import { API_KEY, at, fixture, harness } from './support';

const RECEIVED = Date.UTC(2026, 0, 5, 9, 15, 30);
const req = (body: string, extra: Partial<IcarryWebhookRequest> = {}): IcarryWebhookRequest => ({
  headers: { 'content-type': body.trim().startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded' },
  rawBody: Buffer.from(body),
  receivedAt: RECEIVED,
  ...extra,
});
const statusJson = (token: string | undefined, status: unknown = 3) =>
  JSON.stringify({ client_name: 'icarry', callback_type: 'sync_status', awb: '14100040123332', status, ...(token === undefined ? {} : { token }) });
const statusForm = (token: string | undefined, status = '3') =>
  new URLSearchParams({ client_name: 'icarry', callback_type: 'sync_status', awb: '14100040123332', status, ...(token === undefined ? {} : { token }) }).toString();
const auth = { secret: API_KEY };

describe('status callback', () => {
  it('the documented sample parses to one status event dated when it arrived', () => {
    const result = icarryWebhook.parse(req(fixture('webhook.status.json')));
    expect(result).toEqual({
      ok: true,
      kind: 'status',
      events: [
        {
          key: 'icarry:14100040123332:status:3',
          courier: 'icarry',
          awb: '14100040123332',
          status: 'picked_up',
          rawCode: '3',
          rawLabel: 'Shipped',
          description: 'Shipped',
          occurredAt: '2026-01-05T09:15:30.000Z',
        },
      ],
    });
  });

  it('a form-encoded body parses to exactly the same event as JSON', () => {
    expect(icarryWebhook.parse(req(statusForm(API_KEY)))).toEqual(icarryWebhook.parse(req(statusJson(API_KEY))));
    // and the content type header does not decide: the body does
    expect(icarryWebhook.parse(req(statusForm(API_KEY), { headers: { 'content-type': 'application/json' } }))).toMatchObject({ ok: true, kind: 'status' });
  });

  it('authenticates by the API key in the body, JSON or form', () => {
    expect(icarryWebhook.authenticate(req(statusJson(API_KEY)), auth)).toBe(true);
    expect(icarryWebhook.authenticate(req(statusForm(API_KEY)), auth)).toBe(true);
  });

  it.each([
    ['a wrong token', statusJson('not-the-key')],
    ['a token of another length', statusJson(`${API_KEY}x`)],
    ['no token', statusJson(undefined)],
    ['a numeric token', JSON.stringify({ callback_type: 'sync_status', awb: '1', status: 3, token: 12345 })],
    ['a wrong form token', statusForm('nope')],
    ['an empty body', ''],
    ['garbage', '{not json'],
  ])('rejects %s', (_what, body) => {
    expect(icarryWebhook.authenticate(req(body), auth)).toBe(false);
  });

  it('a truncated or broken body with the right token authenticates (so the sender hears 400), a wrong token does not', () => {
    const full = statusJson(API_KEY);
    const truncated = full.slice(0, -1);
    expect(icarryWebhook.authenticate(req(truncated), auth)).toBe(true);
    expect(icarryWebhook.parse(req(truncated)).ok).toBe(false);
    expect(icarryWebhook.authenticate(req(statusJson("wrong-key").slice(0, -1)), auth)).toBe(false);
    expect(icarryWebhook.authenticate(req('{"awb": "1", "status": 3'), auth)).toBe(false);
    expect(icarryWebhook.authenticate(req('{"awb": "1"', { url: `/x?token=${icarryCallbackUrlToken(API_KEY)}` }), auth)).toBe(true);
  });

  it('any truncation of a signed body either authenticates and fails to parse, or parses to the full body (property)', () => {
    const full = statusJson(API_KEY);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: full.length - 1 }), (cut) => {
        const r = req(full.slice(0, cut));
        // Never throws; a cut before the token is read cannot authenticate.
        const ok = icarryWebhook.authenticate(r, auth);
        if (ok) expect(icarryWebhook.parse(r).ok).toBe(false);
        expect(ok).toBe(full.slice(0, cut).includes(`"token":"${API_KEY}"`));
      }),
    );
  });

  it('rejects everything when no secret is configured', () => {
    expect(icarryWebhook.authenticate(req(statusJson(API_KEY)), {})).toBe(false);
  });

  it('the URL token stands in for a missing body token, but never overrides a wrong one', () => {
    expect(icarryWebhook.authenticate(req(statusJson(undefined), { url: `/api/webhooks/icarry?token=${icarryCallbackUrlToken(API_KEY)}` }), auth)).toBe(
      true,
    );
    expect(icarryWebhook.authenticate(req(statusJson('wrong'), { url: `/api/webhooks/icarry?token=${icarryCallbackUrlToken(API_KEY)}` }), auth)).toBe(false);
  });

  it('gives the same dedupe key as the same code seen by polling', async () => {
    const h = harness();
    h.login();
    h.on(at('api_shipment_status_sync'), JSON.stringify({ success: 'ok', msg: [{ shipment_id: '352', status: '21', date_delivered: '2026-01-05 14:00:00', 'date_picked ': '' }] }));
    const polled = await h.client.trackMany([{ orderId: 'O', awb: '14100040123332', courierShipmentId: '352' }]);
    const pushed = icarryWebhook.parse(req(statusJson(API_KEY, 21)));
    const polledKey = polled['14100040123332']?.kind === 'tracked' ? polled['14100040123332'].events[0]!.key : undefined;
    expect(pushed.ok && pushed.events[0]!.key).toBe(polledKey);
    expect(polledKey).toBe('icarry:14100040123332:status:21');
  });

  it('a numeric AWB too long for a JavaScript number keeps every digit, in status and NDR callbacks', () => {
    const status = icarryWebhook.parse(req('{"callback_type":"sync_status","awb":12345678901234567891,"status":26}'));
    expect(status.ok && status.events[0]!.awb).toBe('12345678901234567891');
    const ndr = icarryWebhook.parse(req('{"callback_type":"ndr_status","ndr_data":[{"awb":98765432109876543210,"type":"REATTEMPT","date_added":"23/01/2025"}]}'));
    expect(ndr.ok && ndr.events[0]!.key).toBe('icarry:98765432109876543210:ndr:REATTEMPT:2025-01-23');
  });

  it('an unknown code is passed on unmapped, with status null', () => {
    expect(icarryWebhook.parse(req(statusJson(API_KEY, 99)))).toMatchObject({ ok: true, events: [{ status: null, unmapped: true, rawCode: '99' }] });
  });

  it.each([
    ['no awb', JSON.stringify({ callback_type: 'sync_status', status: 3 })],
    ['a text status', JSON.stringify({ callback_type: 'sync_status', awb: '1', status: 'Shipped' })],
    ['nothing recognisable', JSON.stringify({ hello: 'world' })],
    ['a JSON array', '[1,2]'],
    ['an empty body', ''],
    ['broken JSON', '{"callback_type":'],
  ])('malformed (%s) → ok:false', (_what, body) => {
    expect(icarryWebhook.parse(req(body))).toMatchObject({ ok: false });
  });
});

describe('NDR batch callback', () => {
  const urlToken = icarryCallbackUrlToken(API_KEY);
  const batch = fixture('webhook.ndr.json');

  it('one undelivered event per entry, keyed by awb, type and day, dated the end of that IST day (received later)', () => {
    const result = icarryWebhook.parse(req(batch));
    expect(result).toMatchObject({ ok: true, kind: 'ndr_batch' });
    expect(result.ok && result.events).toEqual([
      expect.objectContaining({
        key: 'icarry:162419608174:ndr:REATTEMPT-CONTACT:2025-01-23',
        awb: '162419608174',
        status: 'undelivered',
        rawCode: 'REATTEMPT-CONTACT',
        occurredAt: '2025-01-23T18:29:59.000Z',
        ndr: { reason: 'address_issue', rawCode: 'REATTEMPT-CONTACT', rawText: 'Address wrong or consignee unreachable' },
      }),
      expect.objectContaining({ key: 'icarry:17883091940:ndr:REATTEMPT-CONTACT:2025-01-23', awb: '17883091940' }),
    ]);
  });

  it("tomorrow's batch repeats today's entries with the same keys, whatever the date's zero-padding", () => {
    const today = icarryWebhook.parse(req(batch));
    const tomorrow = icarryWebhook.parse(
      req(
        JSON.stringify({
          client_name: 'icarry',
          callback_type: 'ndr_status',
          ndr_data: [
            { shipment_id: 249772, awb: 162419608174, type: 'REATTEMPT-CONTACT', date_added: '23/1/2025' },
            { shipment_id: 252546, awb: '17883091940', type: 'reattempt-contact', date_added: '23/01/2025' },
            { shipment_id: 252546, awb: '17883091940', type: 'REATTEMPT-CUST-REFUSED', date_added: '24/01/2025' },
          ],
        }),
      ),
    );
    const keys = (r: typeof today) => (r.ok ? r.events.map((e) => e.key) : []);
    expect(keys(tomorrow).slice(0, 2)).toEqual(keys(today));
    expect(keys(tomorrow)[2]).toBe('icarry:17883091940:ndr:REATTEMPT-CUST-REFUSED:2025-01-24');
  });

  it('an impossible date falls back to the arrival time, with the raw date in the key', () => {
    const result = icarryWebhook.parse(req(JSON.stringify({ callback_type: 'ndr_status', ndr_data: [{ awb: 'A1', type: 'REATTEMPT', date_added: '31/02/2025' }] })));
    expect(result).toMatchObject({ ok: true, events: [{ key: 'icarry:A1:ndr:REATTEMPT:undated-31/02/2025', occurredAt: '2026-01-05T09:15:30.000Z' }] });
  });

  it('RTO-MISSING reports the parcel lost', () => {
    const result = icarryWebhook.parse(req(JSON.stringify({ callback_type: 'ndr_status', ndr_data: [{ awb: 'A1', type: 'RTO-MISSING', date_added: '23/01/2025' }] })));
    expect(result).toMatchObject({ ok: true, events: [{ status: 'lost', rawCode: 'RTO-MISSING' }] });
  });

  it('entries without an awb or type are skipped; a batch of only those is malformed; an empty batch is fine', () => {
    const mixed = icarryWebhook.parse(req(JSON.stringify({ callback_type: 'ndr_status', ndr_data: [{ type: 'REATTEMPT' }, { awb: 'A2', type: 'REATTEMPT', date_added: '23/01/2025' }, 'x'] })));
    expect(mixed.ok && mixed.events.map((e) => e.awb)).toEqual(['A2']);
    expect(icarryWebhook.parse(req(JSON.stringify({ callback_type: 'ndr_status', ndr_data: [{ type: 'REATTEMPT' }] })))).toMatchObject({ ok: false });
    expect(icarryWebhook.parse(req(JSON.stringify({ callback_type: 'ndr_status', ndr_data: [] })))).toEqual({ ok: true, events: [], kind: 'ndr_batch' });
    expect(icarryWebhook.parse(req(JSON.stringify({ callback_type: 'ndr_status' })))).toMatchObject({ ok: false });
  });

  it('a form-encoded batch (ndr_data[0][awb]=…) parses like JSON', () => {
    const form = 'client_name=icarry&callback_type=ndr_status&ndr_data[0][shipment_id]=249772&ndr_data[0][awb]=162419608174&ndr_data[0][type]=REATTEMPT-CONTACT&ndr_data[0][date_added]=23%2F01%2F2025';
    const fromForm = icarryWebhook.parse(req(form));
    expect(fromForm.ok && fromForm.events[0]!.key).toBe('icarry:162419608174:ndr:REATTEMPT-CONTACT:2025-01-23');
  });

  it('has no documented token: accepted only with the URL token the merchant registered', () => {
    expect(icarryWebhook.authenticate(req(batch, { url: `/api/webhooks/icarry?token=${urlToken}` }), auth)).toBe(true);
    expect(icarryWebhook.authenticate(req(batch, { url: `/api/webhooks/icarry?x=1&token=${urlToken}` }), auth)).toBe(true);
    expect(icarryWebhook.authenticate(req(batch), auth)).toBe(false);
    expect(icarryWebhook.authenticate(req(batch, { url: '/api/webhooks/icarry' }), auth)).toBe(false);
    expect(icarryWebhook.authenticate(req(batch, { url: '/api/webhooks/icarry?token=wrong' }), auth)).toBe(false);
    // the API key itself in the URL is not the URL token: the key must never have to sit in a URL
    expect(icarryWebhook.authenticate(req(batch, { url: `/api/webhooks/icarry?token=${API_KEY}` }), auth)).toBe(false);
  });

  it('if iCarry does send a token with the batch, it must be the API key', () => {
    const withToken = (token: string) => JSON.stringify({ ...JSON.parse(batch), token });
    expect(icarryWebhook.authenticate(req(withToken(API_KEY)), auth)).toBe(true);
    expect(icarryWebhook.authenticate(req(withToken('wrong'), { url: `/x?token=${urlToken}` }), auth)).toBe(false);
  });

  it('the URL token is derived from the key: stable, and different per key', () => {
    expect(icarryCallbackUrlToken(API_KEY)).toBe(urlToken);
    expect(icarryCallbackUrlToken('another-key')).not.toBe(urlToken);
    expect(urlToken).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('hmac-sha256 scheme', () => {
  const hmacAuth = { secret: 'relay-secret', scheme: 'hmac-sha256' as const };
  it('verifies the x-waybill-signature header for both callbacks, and nothing else', () => {
    for (const body of [statusJson(API_KEY), fixture('webhook.ndr.json')]) {
      const signature = signHmac('relay-secret', body, Math.floor(RECEIVED / 1000));
      expect(icarryWebhook.authenticate(req(body, { headers: { 'x-waybill-signature': signature } }), hmacAuth)).toBe(true);
      expect(icarryWebhook.authenticate(req(body, { headers: { 'x-waybill-signature': signHmac('other', body, Math.floor(RECEIVED / 1000)) } }), hmacAuth)).toBe(false);
      // a body token alone does not pass under hmac
      expect(icarryWebhook.authenticate(req(body), { ...hmacAuth, secret: API_KEY })).toBe(false);
    }
  });
});

describe('weight discrepancy and other callbacks', () => {
  it('weight discrepancy: accepted, no tracking events', () => {
    expect(icarryWebhook.parse(req(fixture('webhook.weight-discrepancy.json')))).toEqual({ ok: true, events: [], kind: 'weight_discrepancy' });
    expect(icarryWebhook.authenticate(req(fixture('webhook.weight-discrepancy.json').replace('<your API key>', API_KEY)), auth)).toBe(true);
  });

  it('an unknown callback type is accepted without events', () => {
    expect(icarryWebhook.parse(req(JSON.stringify({ callback_type: 'billing_update', token: API_KEY })))).toEqual({ ok: true, events: [], kind: 'ignored:billing_update' });
  });
});

describe('never throws', () => {
  it('on arbitrary bytes, for parse and authenticate alike', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), fc.json().map((j) => Buffer.from(j)), fc.string().map((s) => Buffer.from(s))), (body) => {
        const r: IcarryWebhookRequest = { headers: {}, rawBody: body, receivedAt: RECEIVED, url: '/x?token=%E0%A4%A' };
        expect(() => icarryWebhook.parse(r)).not.toThrow();
        expect(icarryWebhook.authenticate(r, auth)).toBe(false);
      }),
    );
  });

  it('a form body cannot reach Object.prototype', () => {
    icarryWebhook.parse(req('__proto__[polluted]=1&constructor[prototype][polluted]=1&callback_type=sync_status&awb=1&status=3'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('NDR batch timing', () => {
  it("an entry for today is stamped on arrival, after today's out-for-delivery scan, never in the future", () => {
    const received = Date.UTC(2026, 0, 7, 12, 0, 0); // 17:30 IST on 07/01/2026
    const body = JSON.stringify({ client_name: 'icarry', callback_type: 'ndr_status', ndr_data: [{ shipment_id: 1, awb: '111', type: 'REATTEMPT', date_added: '07/01/2026' }] });
    const r = icarryWebhook.parse(req(body, { receivedAt: received }));
    expect(r.ok && r.events[0]?.occurredAt).toBe(new Date(received).toISOString());
  });
});
