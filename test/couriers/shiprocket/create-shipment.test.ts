// createShipment against recorded payloads: the three calls, and every way a retry recovers.
import { afterEach, describe, expect, it } from 'vitest';
import { CourierError } from '../../../src/couriers/common/errors';
import { BASE, fixture, harness, JSON_HEADERS, ORDER, rejection, TOKEN, type Harness } from './helpers';

let h: Harness;
afterEach(async () => {
  await h.agent.close();
});

const CREATE_BODY = {
  order_id: 'WB-1001',
  order_date: '2026-01-05 11:10',
  pickup_location: 'Primary',
  billing_customer_name: 'Asha Rao',
  billing_address: 'Flat 4B, Lotus Residency',
  billing_address_2: 'Near Malad Station',
  billing_city: 'Mumbai',
  billing_pincode: '400064',
  billing_state: 'Maharashtra',
  billing_country: 'India',
  billing_email: 'asha@example.com',
  billing_phone: '9876543210',
  shipping_is_billing: true,
  order_items: [
    { name: 'Cotton Kurta', sku: 'KRT-01', units: 2, selling_price: 450 },
    { name: 'Dupatta', sku: 'DPT-02', units: 1, selling_price: 300 },
  ],
  payment_method: 'Prepaid',
  sub_total: 1200,
  length: 20,
  breadth: 15,
  height: 5,
  weight: 0.75,
};

function interceptCreate(status: number, body: unknown) {
  h.pool.intercept({ path: `${BASE}/orders/create/adhoc`, method: 'POST' }).reply(status, body as object, JSON_HEADERS);
}
function interceptSearch(body: unknown) {
  h.pool.intercept({ path: `${BASE}/orders`, method: 'GET', query: { search: 'WB-1001' } }).reply(200, body as object, JSON_HEADERS);
}
function interceptAssign(status: number, body: unknown) {
  h.pool.intercept({ path: `${BASE}/courier/assign/awb`, method: 'POST' }).reply(status, body as object, JSON_HEADERS);
}
function interceptPickup(status: number, body: unknown) {
  h.pool.intercept({ path: `${BASE}/courier/generate/pickup`, method: 'POST' }).reply(status, body as object, JSON_HEADERS);
}
function interceptTrackByOrder(body: unknown) {
  h.pool.intercept({ path: `${BASE}/courier/track`, method: 'GET', query: { order_id: 'WB-1001' } }).reply(200, body as object, JSON_HEADERS);
}
const paths = () => h.calls().map((c) => `${c.method} ${c.path}`);

describe('createShipment: a first booking', () => {
  it('logs in, creates the order, assigns an AWB and generates the pickup, with exact requests', async () => {
    h = harness();
    h.login();
    interceptCreate(200, fixture('create-order-success'));
    interceptAssign(200, fixture('assign-awb-success'));
    interceptPickup(200, fixture('pickup-success'));

    const booking = await h.client.createShipment(ORDER);

    expect(booking).toEqual({
      awb: '321055706540',
      courierShipmentId: '15151515',
      courierOrderId: '16161616',
      carrierName: 'Amazon Surface',
      trackingUrl: 'https://shiprocket.co/tracking/321055706540',
      pickupScheduledAt: '2021-12-10T07:09:54.000Z', // 12:39:54 IST
      recovered: false,
    });
    const calls = h.calls();
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      `POST ${BASE}/auth/login`,
      `POST ${BASE}/orders/create/adhoc`,
      `POST ${BASE}/courier/assign/awb`,
      `POST ${BASE}/courier/generate/pickup`,
    ]);
    expect(calls[0]!.body).toEqual({ email: 'api@waybill.test', password: 'recorded-Passw0rd!' });
    expect(calls[0]!.headers.authorization).toBeUndefined();
    expect(calls[1]!.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json' });
    expect(calls[1]!.body).toEqual(CREATE_BODY);
    expect(calls[2]!.body).toEqual({ shipment_id: 15151515 });
    expect(calls[3]!.body).toEqual({ shipment_id: [15151515] });
    expect(h.observations).toEqual([{ courier: 'shiprocket', operation: 'createShipment', httpStatus: 200, outcome: 'ok', durationMs: 0 }]);
  });

  it('sends COD, a pinned courier, and leaves out what the consignee does not have', async () => {
    h = harness({ courierCompanyId: 43 });
    h.login();
    interceptCreate(200, fixture('create-order-success'));
    interceptAssign(200, fixture('assign-awb-success'));
    interceptPickup(200, fixture('pickup-success'));
    const { email: _e, address2: _a, ...consignee } = ORDER.consignee;
    await h.client.createShipment({ ...ORDER, paymentMethod: 'cod', codAmount: 1200, consignee: { ...consignee, city: 'Sahibzada Ajit Singh Nagar Mohali District' } });

    const [, create, assign] = h.calls();
    const body = create!.body as Record<string, unknown>;
    expect(body.payment_method).toBe('COD');
    expect(body.billing_city).toBe('Sahibzada Ajit Singh Nagar Moh'); // Shiprocket's 30-character cap
    expect(body).not.toHaveProperty('billing_email');
    expect(body).not.toHaveProperty('billing_address_2');
    expect(assign!.body).toEqual({ shipment_id: 15151515, courier_id: 43 });
  });

  it('refuses a partial COD before calling Shiprocket, which would collect the full order value', async () => {
    h = harness();
    const err = await rejection(h.client.createShipment({ ...ORDER, paymentMethod: 'cod', codAmount: 500 }));
    expect(err).toBeInstanceOf(CourierError);
    expect(err).toMatchObject({ kind: 'permanent', code: 'invalid_request' });
    expect(h.calls()).toEqual([]);
    expect(h.observations).toEqual([expect.objectContaining({ operation: 'createShipment', outcome: 'permanent' })]);
  });

  it('classifies an unserviceable pincode refused under HTTP 200 (awb_assign_status 0) as permanent unserviceable', async () => {
    h = harness();
    h.login();
    interceptCreate(200, fixture('create-order-success'));
    interceptAssign(200, fixture('assign-awb-unserviceable'));
    const err = await rejection(h.client.createShipment(ORDER));
    expect(err).toMatchObject({ kind: 'permanent', code: 'unserviceable', details: { httpStatus: 200 } });
    expect((err as Error).message).toContain('999999 is not serviceable');
    expect(paths()).not.toContain(`POST ${BASE}/courier/generate/pickup`);
  });

  it('treats an unexplained awb_assign_status 0 as transient: a retry resumes through the lookup', async () => {
    h = harness();
    h.login();
    interceptCreate(200, fixture('create-order-success'));
    interceptAssign(200, { awb_assign_status: 0, response: { data: { awb_assign_error: 'Courier API timed out, please retry' } } });
    expect(await rejection(h.client.createShipment(ORDER))).toMatchObject({ kind: 'transient', code: 'server_error' });
  });
});

describe('createShipment: a retried booking never books twice', () => {
  it('recovers an order whose AWB exists and only generates the missing pickup', async () => {
    h = harness();
    h.login();
    interceptCreate(422, fixture('create-order-422-duplicate'));
    interceptSearch(fixture('orders-search'));
    interceptPickup(200, fixture('pickup-success'));

    const booking = await h.client.createShipment(ORDER);

    // "WB-1001-B" also matched the search; only the exact id counts.
    expect(booking).toEqual({
      awb: '321055706540',
      courierShipmentId: '15151515',
      courierOrderId: '16161616',
      carrierName: 'Amazon Surface',
      trackingUrl: 'https://shiprocket.co/tracking/321055706540',
      pickupScheduledAt: '2021-12-10T07:09:54.000Z',
      recovered: true,
    });
    expect(paths()).toEqual([
      `POST ${BASE}/auth/login`,
      `POST ${BASE}/orders/create/adhoc`,
      `GET ${BASE}/orders?search=WB-1001`,
      `POST ${BASE}/courier/generate/pickup`,
    ]);
    expect(h.calls()[3]!.body).toEqual({ shipment_id: [15151515] });
    expect(h.observations).toHaveLength(1);
  });

  it('assigns the AWB when the previous attempt stopped after creating the order', async () => {
    h = harness();
    h.login();
    interceptCreate(422, fixture('create-order-422-duplicate'));
    const search = fixture('orders-search') as { data: Array<Record<string, unknown>> };
    interceptSearch({ ...search, data: [{ ...search.data[1], status: 'NEW', status_code: 1, shipments: [{ id: 15151515, awb: '', courier: '', pickup_scheduled_date: null }] }] });
    interceptAssign(200, fixture('assign-awb-success'));
    interceptPickup(200, fixture('pickup-success'));

    const booking = await h.client.createShipment(ORDER);
    expect(booking).toMatchObject({ awb: '321055706540', courierShipmentId: '15151515', recovered: true });
    expect(h.calls()[3]!.body).toEqual({ shipment_id: 15151515 });
  });

  it('does nothing more when the pickup was already scheduled', async () => {
    h = harness();
    h.login();
    interceptCreate(422, fixture('create-order-422-duplicate'));
    const search = fixture('orders-search') as { data: Array<Record<string, unknown>> };
    const scheduled = { id: 15151515, awb: '321055706540', courier: 'Amazon Surface', pickup_scheduled_date: '2021-12-10 12:39:54' };
    interceptSearch({ ...search, data: [{ ...search.data[1], status: 'PICKUP SCHEDULED', status_code: 4, shipments: [scheduled] }] });

    const booking = await h.client.createShipment(ORDER);
    expect(booking).toMatchObject({ awb: '321055706540', pickupScheduledAt: '2021-12-10T07:09:54.000Z', recovered: true });
    expect(paths()).toEqual([`POST ${BASE}/auth/login`, `POST ${BASE}/orders/create/adhoc`, `GET ${BASE}/orders?search=WB-1001`]);
  });

  it('falls back to tracking by order id when the order search does not list it yet', async () => {
    h = harness();
    h.login();
    interceptCreate(422, fixture('create-order-422-duplicate'));
    interceptSearch(fixture('orders-search-empty'));
    const tracked = fixture('track-awb-delivered') as { tracking_data: Record<string, unknown> };
    interceptTrackByOrder([{ tracking_data: { ...tracked.tracking_data, shipment_status: 19 } }]);

    const booking = await h.client.createShipment(ORDER);
    expect(booking).toEqual({
      awb: '141123221084922',
      courierShipmentId: '236612717',
      courierOrderId: '237157589',
      carrierName: 'Xpressbees Surface',
      trackingUrl: 'https://shiprocket.co/tracking/141123221084922',
      recovered: true,
    });
  });

  it('refuses an order id that belongs to a cancelled Shiprocket order', async () => {
    h = harness();
    h.login();
    interceptCreate(422, fixture('create-order-422-duplicate'));
    interceptSearch(fixture('orders-search-cancelled'));
    const err = await rejection(h.client.createShipment(ORDER));
    expect(err).toMatchObject({ kind: 'permanent', code: 'duplicate' });
    expect((err as Error).message).toContain('cancelled Shiprocket order (16178831)');
  });

  it('reports a taken id whose order cannot be found yet as transient', async () => {
    h = harness();
    h.login();
    interceptCreate(422, fixture('create-order-422-duplicate'));
    interceptSearch(fixture('orders-search-empty'));
    interceptTrackByOrder([]);
    expect(await rejection(h.client.createShipment(ORDER))).toMatchObject({ kind: 'transient', code: 'duplicate', details: { httpStatus: 422 } });
  });

  it('reports a genuine validation error as permanent invalid_request with the field messages', async () => {
    h = harness();
    h.login();
    interceptCreate(422, fixture('create-order-422-fields'));
    interceptSearch(fixture('orders-search-empty'));
    interceptTrackByOrder([]);
    const err = await rejection(h.client.createShipment(ORDER));
    expect(err).toMatchObject({ kind: 'permanent', code: 'invalid_request', details: { httpStatus: 422 } });
    expect((err as CourierError).details.courierMessage).toBe(
      'Required field missing (billing_phone: The billing phone must be 10 digits.; billing_email: The billing email field is required.)',
    );
  });

  it('adopts the AWB when Shiprocket says one is already assigned', async () => {
    h = harness();
    h.login();
    interceptCreate(200, fixture('create-order-success'));
    interceptAssign(200, fixture('assign-awb-already-assigned'));
    interceptSearch(fixture('orders-search'));
    interceptPickup(400, fixture('pickup-already-queued'));

    const booking = await h.client.createShipment(ORDER);
    expect(booking).toMatchObject({ awb: '321055706540', courierShipmentId: '15151515', recovered: true });
    expect(booking.pickupScheduledAt).toBeUndefined();
  });

  it('takes "Cannot reassign courier" (400) as an AWB already assigned', async () => {
    h = harness();
    h.login();
    interceptCreate(200, fixture('create-order-success'));
    interceptAssign(400, fixture('assign-awb-reassign-400'));
    interceptSearch(fixture('orders-search'));
    interceptPickup(200, fixture('pickup-success'));
    expect(await h.client.createShipment(ORDER)).toMatchObject({ awb: '321055706540', recovered: true });
  });

  it('skips the AWB step when the create answer already carries one', async () => {
    h = harness();
    h.login();
    interceptCreate(200, { ...(fixture('create-order-success') as object), awb_code: '321055706540', courier_name: 'Amazon Surface', status: 'READY TO SHIP', status_code: 3 });
    interceptPickup(200, fixture('pickup-success'));
    expect(await h.client.createShipment(ORDER)).toMatchObject({ awb: '321055706540', recovered: true });
    expect(paths()).not.toContain(`POST ${BASE}/courier/assign/awb`);
  });
});
