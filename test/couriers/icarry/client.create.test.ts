import { errors as undiciErrors } from 'undici';
import { describe, expect, it } from 'vitest';
import { MemoryBookingJournal } from '../../../src/couriers/icarry';
import { at, BASE, fixture, harness, rejection, shipmentRequest } from './support';

const PHP_NOTICE = '<br />\n<b>Notice</b>:  Undefined index: alt_mobile in <b>/home/icarry/catalog/controller/api/shipment.php</b> on line <b>212</b><br />\n';

describe('createShipment: request', () => {
  it('posts a form with bracketed keys to api_add_shipment_surface&api_token=…', async () => {
    const h = harness({ returnAddressId: 77 });
    h.login();
    h.on(at('api_add_shipment_surface'), fixture('book.success.json'));
    await h.client.createShipment(shipmentRequest());

    const [req] = h.sent('api_add_shipment_surface');
    expect(req!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(() => JSON.parse(req!.body)).toThrow();
    expect(req!.form).toEqual({
      pickup_address_id: '55',
      return_address_id: '77',
      rto_address_id: '77',
      client_order_id: 'ORD-1001',
      'consignee[name]': 'A Kumar',
      'consignee[mobile]': '9876543210',
      'consignee[address]': '12 Example Street, Near Park',
      'consignee[city]': 'Mumbai',
      'consignee[pincode]': '400001',
      'consignee[state]': 'MA',
      'consignee[country_code]': 'IN',
      'parcel[type]': 'Prepaid',
      'parcel[value]': '1500',
      'parcel[currency]': 'INR',
      'parcel[contents]': '2 x Herbal tea, 1 x Cold pressed groundnut oil',
      'parcel[items][0][name]': 'Herbal tea',
      'parcel[items][0][pid]': 'TEA-1',
      'parcel[items][0][price]': '250',
      'parcel[items][0][quantity]': '2',
      'parcel[items][1][name]': 'Cold pressed groundnut oil',
      'parcel[items][1][pid]': 'OIL-1',
      'parcel[items][1][price]': '1000',
      'parcel[items][1][quantity]': '1',
      'parcel[dimensions][length]': '20',
      'parcel[dimensions][breadth]': '15',
      'parcel[dimensions][height]': '11',
      'parcel[dimensions][unit]': 'cm',
      'parcel[weight][weight]': '1500',
      'parcel[weight][unit]': 'gm',
    });
  });

  it('COD sends type COD and the amount to collect; Delhi is DE; +91 and 0 prefixes are stripped', async () => {
    const h = harness();
    h.login();
    h.on(at('api_add_shipment_surface'), fixture('book.success.json'));
    await h.client.createShipment(
      shipmentRequest({
        paymentMethod: 'cod',
        codAmount: 900,
        orderValue: 1500,
        consignee: { ...shipmentRequest().consignee, phone: '+91 98765-43210', state: 'NCT of Delhi', city: 'New Delhi', pincode: '110001', address2: undefined },
      }),
    );
    const form = h.sent('api_add_shipment_surface')[0]!.form;
    expect(form['parcel[type]']).toBe('COD');
    expect(form['parcel[value]']).toBe('900');
    expect(form['consignee[state]']).toBe('DE');
    expect(form['consignee[mobile]']).toBe('9876543210');
    expect(form['consignee[address]']).toBe('12 Example Street');
    expect(form.return_address_id).toBeUndefined();
  });

  it('books by air through api_add_shipment_air when configured for express', async () => {
    const h = harness({ shipmentMode: 'E' });
    h.login();
    h.on(at('api_add_shipment_air'), fixture('book.success.json'));
    await expect(h.client.createShipment(shipmentRequest())).resolves.toMatchObject({ awb: '345642367564' });
  });

  it('keeps parcel contents within 255 bytes and item names within 50', async () => {
    const h = harness();
    h.login();
    h.on(at('api_add_shipment_surface'), fixture('book.success.json'));
    const long = 'मसाला चाय पत्ती प्रीमियम '.repeat(6);
    await h.client.createShipment(shipmentRequest({ items: Array.from({ length: 8 }, (_, i) => ({ name: long, sku: `S${i}`, quantity: 1, unitPrice: 10 })) }));
    const form = h.sent('api_add_shipment_surface')[0]!.form;
    expect(Buffer.byteLength(form['parcel[contents]']!)).toBeLessThanOrEqual(255);
    expect(form['parcel[contents]']!.endsWith('...')).toBe(true);
    expect(Buffer.byteLength(form['parcel[items][0][name]']!)).toBeLessThanOrEqual(50);
    expect(form['parcel[contents]']).not.toContain('\uFFFD');
  });

  it('refuses bad input before calling iCarry, listing every problem', async () => {
    const h = harness();
    const e = await rejection(
      h.client.createShipment(
        shipmentRequest({
          paymentMethod: 'cod',
          codAmount: 0,
          consignee: { ...shipmentRequest().consignee, phone: '12345', state: 'Atlantis', pincode: '4000' },
          parcel: { weightGrams: 0, lengthCm: 10, breadthCm: 10, heightCm: 10 },
        }),
      ),
    );
    expect(e).toMatchObject({ kind: 'permanent', code: 'invalid_request' });
    for (const part of ['10-digit', 'Atlantis', 'pincode', 'weight', 'COD amount']) expect(e.message).toContain(part);
    expect(h.attempts('api_login') + h.attempts('api_add_shipment_surface')).toBe(0);
  });
});

describe('createShipment: reply', () => {
  it('turns the numeric awb into a string, fixes the tracking URL and reads the pickup slot', async () => {
    const h = harness();
    h.login();
    h.on(at('api_add_shipment_surface'), fixture('book.success.json'));
    const booking = await h.client.createShipment(shipmentRequest());
    expect(booking).toEqual({
      awb: '345642367564',
      courierShipmentId: '352',
      carrierName: 'Shadowfax',
      trackingUrl: 'https://www.icarry.in/track-shipment?shipment_id=352&awb=345642367564&courier_id=7',
      pickupScheduledAt: '2019-06-14T10:30:00.000Z',
      recovered: false,
    });
  });

  it('reads a reply that has a PHP notice in front of the JSON', async () => {
    const h = harness();
    h.login();
    h.on(at('api_add_shipment_surface'), PHP_NOTICE + fixture('book.success.json'));
    await expect(h.client.createShipment(shipmentRequest())).resolves.toMatchObject({ awb: '345642367564', courierShipmentId: '352' });
  });

  it('reads an AWB too long for a JavaScript number from the raw text', async () => {
    const h = harness();
    h.login();
    h.on(at('api_add_shipment_surface'), '{"error":"","shipment_id":353,"awb":12345678901234567891,"courier_name":"Delhivery"}');
    await expect(h.client.createShipment(shipmentRequest())).resolves.toMatchObject({
      awb: '12345678901234567891',
      trackingUrl: `${BASE}/track-shipment?shipment_id=353&awb=12345678901234567891`,
    });
  });

  it.each([
    ['book.error-mandatory.json', 'invalid_request', 'Pickup Address is mandatory. Consignee array is mandatory. Parcel array is mandatory.'],
    ['book.error-fields.json', 'invalid_request', 'Consignee name is mandatory. Telephone must be 10 digits without any spaces.'],
  ])('%s → permanent %s with iCarry\'s sentences kept', async (file, code, sentences) => {
    const h = harness();
    h.login();
    h.on(at('api_add_shipment_surface'), fixture(file));
    const e = await rejection(h.client.createShipment(shipmentRequest()));
    expect(e).toMatchObject({ kind: 'permanent', code });
    expect(e.message).toContain(sentences);
    expect((e.details as { courierMessage: string }).courierMessage).toBe(sentences);
  });

  it('a wallet without balance is insufficient_balance', async () => {
    const h = harness();
    h.login();
    h.on(at('api_add_shipment_surface'), '{"error":"Insufficient wallet balance. Please recharge. "}');
    await expect(h.client.createShipment(shipmentRequest())).rejects.toMatchObject({ kind: 'permanent', code: 'insufficient_balance' });
  });
});

describe('createShipment: one booking per order', () => {
  it('a retry after a successful booking returns it, recovered, without booking again', async () => {
    const h = harness();
    h.login();
    h.on(at('api_add_shipment_surface'), fixture('book.success.json'), 1);
    const first = await h.client.createShipment(shipmentRequest());
    const again = await h.client.createShipment(shipmentRequest());
    expect(again).toEqual({ ...first, recovered: true });
    expect(h.attempts('api_add_shipment_surface')).toBe(1);
  });

  it('a double click books once: the second call is refused while the first is in flight', async () => {
    const h = harness();
    h.login();
    h.on(at('api_add_shipment_surface'), fixture('book.success.json'), 1);
    const [a, b] = await Promise.allSettled([h.client.createShipment(shipmentRequest()), h.client.createShipment(shipmentRequest())]);
    expect(a.status).toBe('fulfilled');
    expect(b).toMatchObject({ status: 'rejected', reason: { kind: 'permanent', code: 'duplicate' } });
    expect(h.attempts('api_add_shipment_surface')).toBe(1);
  });

  it.each([
    ['a timeout', (h: ReturnType<typeof harness>) => h.agent.get(BASE).intercept({ path: at('api_add_shipment_surface'), method: 'POST' }).replyWithError(new undiciErrors.HeadersTimeoutError())],
    ['a dropped connection', (h: ReturnType<typeof harness>) => h.agent.get(BASE).intercept({ path: at('api_add_shipment_surface'), method: 'POST' }).replyWithError(new Error('other side closed'))],
    ['HTTP 502', (h: ReturnType<typeof harness>) => h.on(at('api_add_shipment_surface'), { status: 502, text: 'Bad gateway' })],
    ['a PHP fatal error page', (h: ReturnType<typeof harness>) => h.on(at('api_add_shipment_surface'), '<b>Fatal error</b>: Maximum execution time exceeded')],
    ['"already exists"', (h: ReturnType<typeof harness>) => h.on(at('api_add_shipment_surface'), '{"error":"Client order id already exists. "}')],
  ])('after %s the outcome is unknown: permanent duplicate, and no retry books again', async (_what, failWith) => {
    const journal = new MemoryBookingJournal();
    const h = harness({}, { journal });
    h.login();
    failWith(h);
    const first = await rejection(h.client.createShipment(shipmentRequest()));
    expect(first).toMatchObject({ kind: 'permanent', code: 'duplicate' });
    expect(first.message).toContain('client_order_id ORD-1001');
    expect(journal.get('ORD-1001')?.state).toBe('in_doubt');

    const second = await rejection(h.client.createShipment(shipmentRequest()));
    expect(second).toMatchObject({ kind: 'permanent', code: 'duplicate' });
    expect(h.attempts('api_add_shipment_surface')).toBe(1);
  });

  it('a journal that fails to record a booking does not lose it: the booking is returned, a retry refused', async () => {
    const journal = new MemoryBookingJournal();
    journal.booked = async () => {
      throw new Error('journal store unavailable');
    };
    const h = harness({}, { journal });
    h.login();
    h.on(at('api_add_shipment_surface'), fixture('book.success.json'));
    await expect(h.client.createShipment(shipmentRequest())).resolves.toMatchObject({ awb: '345642367564', recovered: false });
    await expect(h.client.createShipment(shipmentRequest())).rejects.toMatchObject({ code: 'duplicate' });
    expect(h.attempts('api_add_shipment_surface')).toBe(1);
  });

  it('ops can release an in-doubt order once they have checked the panel', async () => {
    const journal = new MemoryBookingJournal();
    const h = harness({}, { journal });
    h.login();
    h.on(at('api_add_shipment_surface'), { status: 504, text: 'Gateway Timeout' });
    await rejection(h.client.createShipment(shipmentRequest()));
    await journal.release('ORD-1001');
    h.on(at('api_add_shipment_surface'), fixture('book.success.json'));
    await expect(h.client.createShipment(shipmentRequest())).resolves.toMatchObject({ awb: '345642367564', recovered: false });
  });

  it('a reply with a shipment id but no AWB is in doubt, and names the shipment', async () => {
    const journal = new MemoryBookingJournal();
    const h = harness({}, { journal });
    h.login();
    h.on(at('api_add_shipment_surface'), '{"error":"","success":"Success: You have added a new shipment with id 360.","shipment_id":360,"awb":""}');
    const e = await rejection(h.client.createShipment(shipmentRequest()));
    expect(e).toMatchObject({ kind: 'permanent', code: 'duplicate' });
    expect(e.message).toContain('shipment id 360');
    expect(journal.get('ORD-1001')).toMatchObject({ state: 'in_doubt', shipmentId: '360' });
  });

  it.each([
    ['a validation error', (h: ReturnType<typeof harness>) => h.on(at('api_add_shipment_surface'), fixture('book.error-mandatory.json')), 'permanent'],
    ['HTTP 429', (h: ReturnType<typeof harness>) => h.on(at('api_add_shipment_surface'), { status: 429, text: 'Too many', headers: { 'retry-after': '7' } }), 'rate_limited'],
    [
      'a refused connection',
      (h: ReturnType<typeof harness>) =>
        h.agent.get(BASE).intercept({ path: at('api_add_shipment_surface'), method: 'POST' }).replyWithError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' })),
      'transient',
    ],
    ['a login failure', (h: ReturnType<typeof harness>) => h.on('/api_login', { status: 503, text: 'busy' }), 'transient'],
  ])('after %s iCarry certainly did not book, so a retry may', async (_what, failWith, kind) => {
    const journal = new MemoryBookingJournal();
    const h = harness({}, { journal });
    if (_what !== 'a login failure') h.login();
    failWith(h);
    await expect(h.client.createShipment(shipmentRequest())).rejects.toMatchObject({ kind });
    expect(journal.get('ORD-1001')).toBeUndefined();

    if (_what === 'a login failure') h.login();
    h.on(at('api_add_shipment_surface'), fixture('book.success.json'));
    await expect(h.client.createShipment(shipmentRequest())).resolves.toMatchObject({ awb: '345642367564', recovered: false });
  });

  it('a refused token mid-booking is retried once with a fresh login: iCarry had not acted on it', async () => {
    const h = harness();
    h.login('stale');
    h.on(at('api_add_shipment_surface', 'stale'), '{"error":{"key":"Warning: Incorrect API Key!"}}');
    h.login('fresh');
    h.on(at('api_add_shipment_surface', 'fresh'), fixture('book.success.json'));
    await expect(h.client.createShipment(shipmentRequest())).resolves.toMatchObject({ awb: '345642367564', recovered: false });
  });
});
