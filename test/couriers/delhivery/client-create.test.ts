// createShipment against recorded Delhivery responses (undici MockAgent).
import { describe, expect, it } from 'vitest';
import { TOKEN, answer, failure, fixture, mockDelhivery, sampleRequest } from './helpers';

const CREATE = '/api/cmu/create.json';
const BY_REF = '/api/v1/packages/json/?ref_ids=ORD-1001';

describe('createShipment: request', () => {
  it('POSTs the literal form body format=json&data=<urlencoded JSON> with the static token', async () => {
    const m = mockDelhivery();
    const sent = answer(m.pool, { path: CREATE, method: 'POST' }, 200, fixture('create-success.json'));
    await m.client.createShipment(sampleRequest());

    expect(sent).toHaveLength(1);
    const req = sent[0]!;
    expect(req.path).toBe(CREATE);
    expect(req.headers.authorization).toBe(`Token ${TOKEN}`);
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req.body.startsWith('format=json&data=')).toBe(true);
    const data = JSON.parse(decodeURIComponent(req.body.slice('format=json&data='.length)));
    expect(data.pickup_location).toEqual({ name: 'Main WH' });
    expect(data.shipments).toHaveLength(1);
    expect(data.shipments[0]).toMatchObject({ order: 'ORD-1001', pin: '400064', weight: 750, payment_mode: 'COD', cod_amount: 1020 });
  });
});

describe('createShipment: success', () => {
  it('reads the real capture into a Booking', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: CREATE, method: 'POST' }, 200, fixture('create-success.json'));
    await expect(m.client.createShipment(sampleRequest())).resolves.toEqual({
      awb: '26805710004130',
      courierOrderId: 'ORD-1001',
      carrierName: 'Delhivery Surface',
      trackingUrl: 'https://www.delhivery.com/track/package/26805710004130',
      recovered: false,
    });
    expect(m.observations).toEqual([{ courier: 'delhivery', operation: 'createShipment', httpStatus: 200, outcome: 'ok', durationMs: 0 }]);
  });
});

describe('createShipment: HTTP 200 with success:false', () => {
  it.each([
    ['create-fail-unserviceable.json', 'permanent', 'unserviceable', /cannot serve this shipment.*non serviceable pincode/],
    ['create-fail-warehouse.json', 'permanent', 'invalid_request', /pickup location "Main WH" is not a warehouse registered with Delhivery \(names are case-sensitive/],
    ['create-fail-balance.json', 'permanent', 'insufficient_balance', /wallet balance too low/],
    ['create-fail-token-env.json', 'permanent', 'auth_rejected', /staging and production tokens differ/],
    ['create-fail-unknown.json', 'permanent', 'bad_response', /refused the shipment: .*something new went wrong/],
  ])('%s → %s %s', async (file, kind, code, message) => {
    const m = mockDelhivery();
    answer(m.pool, { path: CREATE, method: 'POST' }, 200, fixture(file));
    const e = await failure(m.client.createShipment(sampleRequest()));
    expect(e.name).toBe('CourierError');
    expect(e.kind).toBe(kind);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
    expect(e.details.httpStatus).toBe(200);
    expect(m.observations).toHaveLength(1);
    expect(m.observations[0]!.outcome).toBe(kind);
  });

  it('a full pincode capacity is rate limited until IST midnight', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: CREATE, method: 'POST' }, 200, fixture('create-fail-capacity.json'));
    const e = await failure(m.client.createShipment(sampleRequest()));
    expect(e.kind).toBe('rate_limited');
    // NOW is 10:00 IST: 14 hours to midnight.
    expect(e.details.retryAfterMs).toBe(14 * 3_600_000);
  });

  it('a package marked Fail is a failure even when success says true', async () => {
    const m = mockDelhivery();
    const body = fixture<Record<string, any>>('create-fail-unknown.json');
    body.success = true;
    answer(m.pool, { path: CREATE, method: 'POST' }, 200, body);
    const e = await failure(m.client.createShipment(sampleRequest()));
    expect(e.code).toBe('bad_response');
  });

  it('an HTML 200 (a proxy page) is a transient bad_response: a retry is safe', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: CREATE, method: 'POST' }, 200, '<html><body>Maintenance</body></html>', { 'content-type': 'text/html' });
    const e = await failure(m.client.createShipment(sampleRequest()));
    expect([e.kind, e.code]).toEqual(['transient', 'bad_response']);
  });
});

describe('createShipment: idempotent retry ("Duplicate Order Id")', () => {
  it('recovers the existing waybill by ref_ids instead of failing or booking twice', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: CREATE, method: 'POST' }, 200, fixture('create-fail-duplicate.json'));
    const lookups = answer(m.pool, { path: BY_REF }, 200, fixture('track-manifested.json'));
    await expect(m.client.createShipment(sampleRequest())).resolves.toEqual({
      awb: '26805710004130',
      courierOrderId: 'ORD-1001',
      carrierName: 'Delhivery Surface',
      trackingUrl: 'https://www.delhivery.com/track/package/26805710004130',
      expectedDeliveryAt: '2024-05-06T18:29:59.000Z',
      recovered: true,
    });
    expect(lookups[0]!.headers.authorization).toBe(`Token ${TOKEN}`);
    // One logical call, one observation, even though two requests went out.
    expect(m.observations).toHaveLength(1);
    expect(m.observations[0]).toMatchObject({ operation: 'createShipment', outcome: 'ok' });
  });

  it('is a transient duplicate when the earlier booking is not visible yet ("might have been partially saved")', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: CREATE, method: 'POST' }, 200, fixture('create-fail-duplicate.json'));
    answer(m.pool, { path: BY_REF }, 200, { Error: 'No such waybill or order ID found' });
    const e = await failure(m.client.createShipment(sampleRequest()));
    expect([e.kind, e.code]).toEqual(['transient', 'duplicate']);
  });

  it('refuses to hand back a booking that already went back to the seller', async () => {
    const m = mockDelhivery();
    const rto = fixture<Record<string, any>>('track-rto.json');
    rto.ShipmentData[0].Shipment.ReferenceNo = 'ORD-1001';
    answer(m.pool, { path: CREATE, method: 'POST' }, 200, fixture('create-fail-duplicate.json'));
    answer(m.pool, { path: BY_REF }, 200, rto);
    const e = await failure(m.client.createShipment(sampleRequest()));
    expect([e.kind, e.code]).toEqual(['permanent', 'duplicate']);
    expect(e.message).toMatch(/already booked with Delhivery as 26805710004199, now rto_delivered; book again under a new order reference/);
  });
});

describe('createShipment: invalid input never reaches Delhivery', () => {
  it('an order id Delhivery would reject fails before any request', async () => {
    const m = mockDelhivery();
    const e = await failure(m.client.createShipment(sampleRequest({ orderId: 'A'.repeat(60) })));
    expect([e.kind, e.code]).toEqual(['permanent', 'invalid_request']);
    expect(m.observations[0]).toMatchObject({ operation: 'createShipment', outcome: 'permanent', httpStatus: undefined });
  });
});
