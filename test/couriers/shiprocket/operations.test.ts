// cancel, checkServiceability and ndrAction against recorded payloads.
import { afterEach, describe, expect, it } from 'vitest';
import type { NdrAction } from '../../../src/domain/ndr';
import { BASE, fixture, harness, JSON_HEADERS, rejection, type Harness } from './helpers';

let h: Harness;
afterEach(async () => {
  await h.agent.close();
});

const AWB = '19041424751540';
const ref = { orderId: 'WB-1001', awb: AWB };

describe('cancel', () => {
  function reply(status: number, body: unknown) {
    h.pool.intercept({ path: `${BASE}/orders/cancel/shipment/awbs`, method: 'POST' }).reply(status, body as object, JSON_HEADERS);
  }

  it('POSTs the AWB and reports a 2xx without an error as cancelled, keeping the message', async () => {
    h = harness();
    h.login();
    reply(200, { message: 'Bulk Shipment cancellation is in progress. Please wait for 24 hours.' });
    expect(await h.client.cancel(ref)).toEqual({ cancelled: true, note: 'Bulk Shipment cancellation is in progress. Please wait for 24 hours.' });
    expect(h.calls()[1]).toMatchObject({ method: 'POST', path: `${BASE}/orders/cancel/shipment/awbs`, body: { awbs: [AWB] } });
  });

  it('accepts an empty success body (the response is undocumented)', async () => {
    h = harness();
    h.login();
    h.pool.intercept({ path: `${BASE}/orders/cancel/shipment/awbs`, method: 'POST' }).reply(204, '');
    expect(await h.client.cancel(ref)).toEqual({ cancelled: true });
  });

  it('maps a refusal after pickup (400) to permanent not_allowed', async () => {
    h = harness();
    h.login();
    reply(400, { message: 'Cancellation is not allowed for 19041424751540: Shipment has already been picked up', status_code: 400 });
    const err = await rejection(h.client.cancel(ref));
    expect(err).toMatchObject({ kind: 'permanent', code: 'not_allowed', details: { httpStatus: 400 } });
  });

  it('maps a refusal carried in a 200 body the same way', async () => {
    h = harness();
    h.login();
    reply(200, { message: 'Shipment cannot be cancelled after pickup', status_code: 400 });
    expect(await rejection(h.client.cancel(ref))).toMatchObject({ kind: 'permanent', code: 'not_allowed', details: { httpStatus: 400 } });
  });
});

describe('checkServiceability', () => {
  const anyServiceability = (path: string) => path.startsWith(`${BASE}/courier/serviceability/?`);
  const req = { pickupPincode: '560068', deliveryPincode: '400064', weightGrams: 1250, paymentMethod: 'prepaid' as const, orderValue: 1999 };

  it('sends the documented query (weight in kg, cod 0/1) and reads the recommended courier', async () => {
    h = harness();
    h.login();
    h.pool
      .intercept({ path: `${BASE}/courier/serviceability/`, method: 'GET', query: { pickup_postcode: '560068', delivery_postcode: '400064', cod: '0', weight: '1.25', declared_value: '1999' } })
      .reply(200, fixture('serviceability-success') as object, JSON_HEADERS);
    expect(await h.client.checkServiceability(req)).toEqual({ serviceable: true, cod: true, prepaid: true, expectedDeliveryDays: 4 });
    expect(h.calls()[1]!.path).toBe(`${BASE}/courier/serviceability/?pickup_postcode=560068&delivery_postcode=400064&cod=0&weight=1.25&declared_value=1999`);
  });

  it('reads a pinned courier’s own row', async () => {
    h = harness({ courierCompanyId: 51 });
    h.login();
    h.pool.intercept({ path: anyServiceability, method: 'GET' }).reply(200, fixture('serviceability-success') as object, JSON_HEADERS);
    const r = await h.client.checkServiceability({ ...req, paymentMethod: 'cod' });
    expect(r).toEqual({ serviceable: false, cod: false, prepaid: true, reason: 'couriers serve 560068 → 400064 but none collects COD', expectedDeliveryDays: 3 });
  });

  it('turns an empty courier list into serviceable:false with a reason an admin can act on', async () => {
    h = harness();
    h.login();
    h.pool.intercept({ path: anyServiceability, method: 'GET' }).reply(200, fixture('serviceability-empty') as object, JSON_HEADERS);
    expect(await h.client.checkServiceability({ ...req, deliveryPincode: '999999' })).toEqual({
      serviceable: false,
      cod: false,
      prepaid: false,
      reason: 'no Shiprocket courier serves 560068 → 999999 for prepaid at 1.25 kg',
    });
  });

  it('turns a "not serviceable" refusal into an answer, not an error', async () => {
    h = harness();
    h.login();
    h.pool
      .intercept({ path: anyServiceability, method: 'GET' })
      .reply(200, { status: 404, message: 'Delivery postcode is not serviceable' }, JSON_HEADERS);
    expect(await h.client.checkServiceability(req)).toEqual({ serviceable: false, cod: false, prepaid: false, reason: 'Delivery postcode is not serviceable' });
  });

  it('keeps other embedded 404s as errors (a wrong base URL must not read as "unserviceable")', async () => {
    h = harness();
    h.login();
    h.pool.intercept({ path: anyServiceability, method: 'GET' }).reply(200, { status: 404, message: 'Order does not exist!' }, JSON_HEADERS);
    expect(await rejection(h.client.checkServiceability(req))).toMatchObject({ kind: 'permanent', code: 'not_found', details: { httpStatus: 404 } });
  });
});

describe('ndrAction', () => {
  function accept() {
    h.pool.intercept({ path: `${BASE}/ndr/${AWB}/action`, method: 'POST' }).reply(202, fixture('ndr-action-202') as object, JSON_HEADERS);
  }

  const cases: Array<[string, NdrAction, Record<string, unknown>]> = [
    ['reattempt', { type: 'reattempt', comment: 'Customer will be home after 6 pm' }, { action: 're-attempt', comments: 'Customer will be home after 6 pm' }],
    ['reschedule', { type: 'reschedule', date: '2026-01-09' }, { action: 're-attempt', comments: 'Customer asked for delivery on a later date', deferred_date: '2026-01-09' }],
    [
      'change_address',
      { type: 'change_address', address1: 'Flat 9C, Lotus Residency', address2: 'Malad West' },
      { action: 're-attempt', comments: 'Re-attempt at the corrected address', address1: 'Flat 9C, Lotus Residency', address2: 'Malad West' },
    ],
    ['change_phone', { type: 'change_phone', phone: '9123456789' }, { action: 're-attempt', comments: 'Re-attempt with the corrected phone number', phone: '9123456789' }],
    ['return_to_origin', { type: 'return_to_origin' }, { action: 'return', comments: 'Return to origin requested by the seller' }],
  ];

  it.each(cases)('%s → POST /ndr/{awb}/action with the documented body, accepted on 202', async (_name, action, body) => {
    h = harness();
    h.login();
    accept();
    expect(await h.client.ndrAction(ref, action)).toEqual({ accepted: true });
    expect(h.calls()[1]).toMatchObject({ method: 'POST', path: `${BASE}/ndr/${AWB}/action`, body });
  });

  it('refuses a pincode change, which the NDR action cannot carry', async () => {
    h = harness();
    expect(await rejection(h.client.ndrAction(ref, { type: 'change_address', address1: 'x', pincode: '400001' }))).toMatchObject({ kind: 'permanent', code: 'unsupported' });
    expect(await rejection(h.client.ndrAction(ref, { type: 'reschedule', date: '09/01/2026' }))).toMatchObject({ kind: 'permanent', code: 'invalid_request' });
    expect(h.calls()).toEqual([]);
  });

  it('does not take a 2xx without the success status as accepted', async () => {
    h = harness();
    h.login();
    h.pool.intercept({ path: `${BASE}/ndr/${AWB}/action`, method: 'POST' }).reply(200, { message: 'NDR already actioned' }, JSON_HEADERS);
    expect(await rejection(h.client.ndrAction(ref, { type: 'reattempt' }))).toMatchObject({ kind: 'permanent', code: 'not_allowed' });
  });

  it('keeps 422 as invalid_request and 400 as not_allowed', async () => {
    h = harness();
    h.login();
    h.pool.intercept({ path: `${BASE}/ndr/${AWB}/action`, method: 'POST' }).reply(422, { message: 'The comments field is required.', errors: { comments: ['The comments field is required.'] }, status_code: 422 }, JSON_HEADERS);
    h.pool.intercept({ path: `${BASE}/ndr/${AWB}/action`, method: 'POST' }).reply(400, { message: 'No open NDR for this AWB', status_code: 400 }, JSON_HEADERS);
    expect(await rejection(h.client.ndrAction(ref, { type: 'reattempt' }))).toMatchObject({ code: 'invalid_request', details: { httpStatus: 422 } });
    expect(await rejection(h.client.ndrAction(ref, { type: 'reattempt' }))).toMatchObject({ code: 'not_allowed', details: { httpStatus: 400 } });
  });
});
