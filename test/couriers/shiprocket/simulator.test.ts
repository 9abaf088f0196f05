// The simulator on its own: the reference's shapes, validation and quirks, checked at the HTTP level.
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/simulators/scenario';
import { createShiprocketSimulator, SHIPROCKET_SIM_DEFAULTS, type ShiprocketSimulator } from '../../../src/simulators/shiprocket';
import type { WebhookDelivery } from '../../../src/simulators/webhook-pusher';

let clock: ManualClock;
let sim: ShiprocketSimulator;
let token: string;

const ORDER_BODY = {
  order_id: 'SIM-1',
  order_date: '2026-01-05 10:00',
  pickup_location: 'Primary',
  billing_customer_name: 'Asha',
  billing_last_name: 'Rao',
  billing_address: 'Flat 4B',
  billing_city: 'Mumbai',
  billing_pincode: '400064',
  billing_state: 'Maharashtra',
  billing_country: 'India',
  billing_email: 'asha@example.com',
  billing_phone: '9876543210',
  shipping_is_billing: 'true',
  order_items: [{ name: 'Kurta', sku: 'K1', units: 1, selling_price: '450' }],
  payment_method: 'COD',
  sub_total: 450,
  length: 10,
  breadth: 10,
  height: 5,
  weight: '0.5',
};

const api = () => request(sim.app);
const authed = (r: request.Test) => r.set('authorization', `Bearer ${token}`);
const post = (path: string, body: unknown) => authed(api().post(path)).send(body as object);
const get = (path: string) => authed(api().get(path));

beforeEach(async () => {
  clock = new ManualClock();
  sim = createShiprocketSimulator({ clock });
  const login = await api().post('/auth/login').send({ email: SHIPROCKET_SIM_DEFAULTS.email, password: SHIPROCKET_SIM_DEFAULTS.password });
  token = login.body.token;
});

async function book(orderId = 'SIM-1'): Promise<{ awb: string; shipmentId: number }> {
  const created = await post('/orders/create/adhoc', { ...ORDER_BODY, order_id: orderId });
  const assigned = await post('/courier/assign/awb', { shipment_id: created.body.shipment_id });
  await post('/courier/generate/pickup', { shipment_id: [created.body.shipment_id] });
  return { awb: assigned.body.response.data.awb_code, shipmentId: created.body.shipment_id };
}

describe('auth', () => {
  it('logs in with the documented defaults and refuses other credentials', async () => {
    expect(token).toMatch(/^eyJ/);
    const bad = await api().post('/auth/login').send({ email: SHIPROCKET_SIM_DEFAULTS.email, password: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ message: 'Invalid email and password combination', status_code: 400 });
  });

  it('answers 401 without a token, with an unknown one, and once a token is 10 days old', async () => {
    expect((await api().get('/courier/track/awb/1')).status).toBe(401);
    expect((await api().get('/courier/track/awb/1').set('authorization', 'Bearer forged')).body).toEqual({ message: 'Unauthenticated.', status_code: 401 });
    clock.advance(10 * 86_400_000 - 1);
    expect((await get('/courier/track/awb/1')).status).toBe(404);
    clock.advance(1);
    expect(await get('/courier/track/awb/1')).toMatchObject({ status: 401, body: { message: 'Token has expired' } });
  });

  it('expires tokens on demand through the control route', async () => {
    await api().post('/__sim/tokens/expire').expect(200);
    expect((await get('/courier/track/awb/1')).status).toBe(401);
  });
});

describe('orders', () => {
  it('creates an order: Shiprocket ids are integers, status NEW', async () => {
    const res = await post('/orders/create/adhoc', ORDER_BODY);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      order_id: expect.any(Number),
      shipment_id: expect.any(Number),
      status: 'NEW',
      status_code: 1,
      onboarding_completed_now: 0,
      awb_code: null,
      courier_company_id: null,
      courier_name: null,
    });
  });

  it('reports every missing field in the 422 envelope', async () => {
    const res = await post('/orders/create/adhoc', { order_id: 'SIM-2' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ message: 'Required field missing', status_code: 422 });
    expect(Object.keys(res.body.errors)).toEqual(expect.arrayContaining(['billing_phone', 'weight', 'pickup_location', 'order_items']));
    expect(res.body.errors.billing_phone).toEqual(['The billing phone field is required.']);
  });

  it('checks formats and limits', async () => {
    const res = await post('/orders/create/adhoc', { ...ORDER_BODY, order_id: 'X'.repeat(51), billing_city: 'C'.repeat(31), billing_phone: '98765', length: 0.5, payment_method: 'cod', shipping_is_billing: 'yes' });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors).sort()).toEqual(['billing_city', 'billing_phone', 'length', 'order_id', 'payment_method', 'shipping_is_billing']);
  });

  it('requires the shipping address when shipping_is_billing is false', async () => {
    const res = await post('/orders/create/adhoc', { ...ORDER_BODY, shipping_is_billing: 0 });
    expect(res.status).toBe(422);
    expect(res.body.errors).toHaveProperty('shipping_address');
  });

  it('refuses an unknown pickup location and a reused order id, cancelled or not', async () => {
    expect((await post('/orders/create/adhoc', { ...ORDER_BODY, pickup_location: 'Warehouse 9' })).body.message).toMatch(/Wrong Pickup location/);
    await post('/orders/create/adhoc', ORDER_BODY).expect(200);
    const again = await post('/orders/create/adhoc', ORDER_BODY);
    expect(again.status).toBe(422);
    expect(again.body.errors).toEqual({ order_id: ['The order id has already been taken.'] });
  });

  it('treats a body that is not JSON as no body', async () => {
    const res = await authed(api().post('/orders/create/adhoc')).set('content-type', 'application/json').send('{"order_id": ');
    expect(res.status).toBe(422);
  });

  it('searches orders by substring, so exact matching is the client’s job', async () => {
    await post('/orders/create/adhoc', ORDER_BODY);
    await post('/orders/create/adhoc', { ...ORDER_BODY, order_id: 'SIM-10' });
    const res = await get('/orders?search=SIM-1');
    expect(res.body.data.map((o: { channel_order_id: string }) => o.channel_order_id).sort()).toEqual(['SIM-1', 'SIM-10']);
    expect(res.body.data[0]).toMatchObject({ status: 'NEW', status_code: 1, shipments: [{ awb: '', pickup_scheduled_date: null }] });
  });
});

describe('AWB and pickup', () => {
  it('assigns a digits-only AWB once; a second assignment is refused under HTTP 200', async () => {
    const created = await post('/orders/create/adhoc', ORDER_BODY);
    const first = await post('/courier/assign/awb', { shipment_id: created.body.shipment_id });
    expect(first.body).toMatchObject({ awb_assign_status: 1, response: { data: { awb_code: expect.stringMatching(/^\d+$/), courier_company_id: 43, courier_name: 'Delhivery Surface' } } });
    expect(first.body.response.data.assigned_date_time).toEqual({ date: '2026-01-05 10:00:00.000000', timezone_type: 3, timezone: 'Asia/Kolkata' });
    const second = await post('/courier/assign/awb', { shipment_id: created.body.shipment_id });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ awb_assign_status: 0, response: { data: { awb_assign_error: 'AWB is already assigned' } } });
  });

  it('answers the documented 422 for a missing shipment id and 400 for a reassignment', async () => {
    expect((await post('/courier/assign/awb', {})).body).toEqual({ message: 'Required field missing', errors: { shipment_id: ['The shipment id field is required.'] }, status_code: 422 });
    const created = await post('/orders/create/adhoc', ORDER_BODY);
    expect((await post('/courier/assign/awb', { shipment_id: created.body.shipment_id, status: 'reassign' })).body).toEqual({ message: 'Oops! Cannot reassign courier for this shipment.', status_code: 400 });
  });

  it('generates a pickup whose `others` is a JSON-encoded string, then refuses a second', async () => {
    const created = await post('/orders/create/adhoc', ORDER_BODY);
    expect((await post('/courier/generate/pickup', { shipment_id: [created.body.shipment_id] })).body.message).toMatch(/assign AWB/);
    await post('/courier/assign/awb', { shipment_id: created.body.shipment_id });
    const res = await post('/courier/generate/pickup', { shipment_id: [created.body.shipment_id] });
    expect(res.body).toMatchObject({ pickup_status: 1, response: { status: 3, pickup_scheduled_date: '2026-01-05 14:00:00' } });
    expect(typeof res.body.response.others).toBe('string');
    expect(JSON.parse(res.body.response.others)).toHaveProperty('tracking_id');
    expect((await post('/courier/generate/pickup', { shipment_id: [created.body.shipment_id] })).body).toEqual({ message: 'Already in Pickup Queue.', status_code: 400 });
  });

  it('moves a pickup generated after the 11:00 cut-off on a Saturday to Monday', async () => {
    clock.set(Date.UTC(2026, 0, 10, 7, 0)); // Saturday 12:30 IST
    const login = await api().post('/auth/login').send({ email: SHIPROCKET_SIM_DEFAULTS.email, password: SHIPROCKET_SIM_DEFAULTS.password });
    token = login.body.token;
    const created = await post('/orders/create/adhoc', ORDER_BODY);
    await post('/courier/assign/awb', { shipment_id: created.body.shipment_id });
    const res = await post('/courier/generate/pickup', { shipment_id: [created.body.shipment_id] });
    expect(res.body.response.pickup_scheduled_date).toBe('2026-01-12 14:00:00');
  });
});

describe('tracking', () => {
  it('answers track_status 0 under HTTP 200 before the first scan, 404 for an unknown AWB', async () => {
    const { awb } = await book();
    expect((await get(`/courier/track/awb/${awb}`)).body).toEqual({
      tracking_data: { track_status: 0, error: 'Aahh! There is no activities found in our DB. Please have some patience it will be updated soon.' },
    });
    expect((await get('/courier/track/awb/123')).body).toEqual({ message: '404 Not Found', status_code: 404 });
  });

  it('lists activities newest-first with string sr-status, NA scans and the double-slash track_url', async () => {
    const { awb } = await book();
    clock.advance(36 * 3_600_000);
    sim.tick();
    const { tracking_data: t } = (await get(`/courier/track/awb/${awb}`)).body;
    expect(t.track_status).toBe(1);
    expect(t.shipment_status).toBe(18);
    expect(t.track_url).toBe(`https://shiprocket.co//tracking/${awb}`);
    expect(t.shipment_track_activities.map((a: Record<string, string>) => [a.status, a['sr-status']])).toEqual([
      ['X-ILL1F', '18'],
      ['X-DBL1F', 'NA'],
      ['X-PIOM', '6'],
      ['X-PPOM', '42'],
      ['FMPUR-101', '19'],
    ]);
    expect(t.shipment_track_activities[4]).toEqual({
      date: '2026-01-05 12:00:00',
      status: 'FMPUR-101',
      activity: 'Manifested - Out for pickup',
      location: 'Bengaluru_Bomsndra_PC (Karnataka)',
      'sr-status': '19',
      'sr-status-label': 'OUT FOR PICKUP',
    });
    expect(t.shipment_track[0]).toMatchObject({ awb_code: awb, current_status: 'In Transit', courier_name: 'Delhivery Surface' });
  });

  it('bulk-tracks keyed by AWB in the older shape, and keeps the PHP quirks', async () => {
    const { awb } = await book();
    clock.advance(3 * 3_600_000);
    sim.tick();
    const res = await post('/courier/track/awbs', { awbs: [awb, '404404404'] });
    expect(Object.keys(res.body)).toEqual([awb]);
    expect(res.body[awb].tracking_data.shipment_track_activities).toEqual([{ date: '2026-01-05 12:00:00', activity: 'Manifested - Out for pickup', location: 'Bengaluru_Bomsndra_PC (Karnataka)' }]);
    expect(res.body[awb].tracking_data.track_url).toBe(`https://app.shiprocket.in/tracking/awb/${awb}`);
    expect((await post('/courier/track/awbs', {})).body).toEqual({});
    expect(await post('/courier/track/awbs', { awbs: awb })).toMatchObject({ status: 500, body: { message: 'Invalid argument supplied for foreach()', status_code: 500 } });
    expect((await post('/courier/track/awbs', { awbs: Array.from({ length: 51 }, (_, i) => String(i)) })).status).toBe(422);
  });

  it('tracks by order id as a top-level array', async () => {
    const { awb } = await book();
    const res = await get('/courier/track?order_id=SIM-1');
    expect(res.body).toEqual([{ tracking_data: expect.objectContaining({ track_status: 0 }) }]);
    clock.advance(3 * 3_600_000);
    sim.tick();
    expect((await get('/courier/track?order_id=SIM-1')).body[0].tracking_data.shipment_track[0].awb_code).toBe(awb);
    expect((await get('/courier/track?order_id=NOPE')).body).toEqual([]);
  });
});

describe('serviceability', () => {
  it('requires the postcodes and either an order id or cod and weight', async () => {
    const res = await get('/courier/serviceability/?pickup_postcode=560068');
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors).sort()).toEqual(['cod', 'delivery_postcode', 'weight']);
  });

  it('lists couriers, none for a pincode starting with 9', async () => {
    const ok = await get('/courier/serviceability/?pickup_postcode=560068&delivery_postcode=400064&cod=1&weight=0.5');
    expect(ok.body.data.available_courier_companies.map((c: { courier_company_id: number }) => c.courier_company_id)).toEqual([43, 51]);
    expect(typeof ok.body.data.available_courier_companies[0].others).toBe('string');
    const none = await get('/courier/serviceability/?pickup_postcode=560068&delivery_postcode=999999&cod=1&weight=0.5');
    expect(none.body.data.available_courier_companies).toEqual([]);
    expect((await get('/courier/serviceability/?pickup_postcode=560068&delivery_postcode=400064&order_id=1')).body).toEqual({ status: 404, message: 'Order does not exist!' });
  });
});

describe('NDR', () => {
  it('validates the action body and answers 202 "Data Updated Sucessfully" for an open NDR', async () => {
    sim.setScenario('SIM-1', 'ndr_reattempt_delivered');
    const { awb } = await book();
    expect((await post(`/ndr/${awb}/action`, { action: 're-attempt', comments: 'x' })).status).toBe(400);
    clock.advance(48 * 3_600_000);
    sim.tick();
    expect((await post(`/ndr/${awb}/action`, { action: 'deliver-somehow' })).body.errors).toHaveProperty('comments');
    const res = await post(`/ndr/${awb}/action`, { action: 're-attempt', comments: 'Customer home after 6pm', phone: '9123456789' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'Data Updated Sucessfully' });
    expect(sim.engine.get(awb)!.ndrActions).toEqual([{ at: clock.now(), action: 'reattempt', detail: { comments: 'Customer home after 6pm', phone: '9123456789' } }]);
    const listed = await get('/ndr/all');
    expect(listed.body.data[0]).toMatchObject({ awb_code: awb, reason: 'Consignee Unavailable', status: 'UNDELIVERED', status_code: 36, history: [{ comment: 'Customer home after 6pm' }] });
    expect(listed.body.data[0].created_at).toMatch(/^\d{2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} [AP]M$/);
  });
});

describe('webhooks', () => {
  it('pushes the documented format with both enums and the configured x-api-key', async () => {
    const sent: WebhookDelivery[] = [];
    sim.pusher.options.url = 'http://127.0.0.1:9/unused';
    sim.pusher.push = (d) => void sent.push(d);
    const { awb } = await book();
    clock.advance(12 * 3_600_000);
    expect(sim.tick()).toBe(3);

    expect(sent).toHaveLength(3);
    expect(sent[2]!.headers).toEqual({ 'content-type': 'application/json', 'x-api-key': SHIPROCKET_SIM_DEFAULTS.webhookSecret });
    const body = JSON.parse(sent[2]!.body);
    expect(body).toMatchObject({
      awb,
      courier_name: 'Delhivery Surface',
      current_status: 'SHIPPED',
      current_status_id: 6,
      shipment_status: 'SHIPPED',
      shipment_status_id: 6,
      current_timestamp: '05 01 2026 22:00:00',
      order_id: 'SIM-1',
      is_return: 0,
    });
    expect(body.scans.map((s: Record<string, string>) => s['sr-status'])).toEqual(['19', '42', '6']);
    const inTransit = JSON.parse(sent[1]!.body);
    expect([inTransit.shipment_status_id, inTransit.current_status_id]).toEqual([42, 51]);
  });

  it('keeps control routes out of fault injection', async () => {
    sim.faults.set({ errorRate: 1 });
    expect((await get('/courier/track/awb/1')).status).toBe(500);
    expect((await api().post('/__sim/tick')).status).toBe(200);
  });
});
