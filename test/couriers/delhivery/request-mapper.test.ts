import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { delhiveryConfigSchema } from '../../../src/couriers/delhivery';
import { buildCreatePayload, encodeCreateForm, ndrUpdateFor } from '../../../src/couriers/delhivery/request-mapper';
import { FORBIDDEN_CHARS, sanitizeValue } from '../../../src/couriers/delhivery/sanitize';
import { sampleRequest } from './helpers';

const cfg = delhiveryConfigSchema.parse({ apiToken: 'tok-12345678', warehouseName: 'Main WH' });

describe('sanitizeValue (Delhivery forbids & # % ; \\ in values)', () => {
  it.each([
    ['#12, 3rd Cross & Main Road', 'No. 12, 3rd Cross and Main Road'],
    ['100% cotton; size M', '100 percent cotton, size M'],
    ['Block A\\B', 'Block A/B'],
    ['Flat 4\nSunrise Apts\r\nMalad', 'Flat 4, Sunrise Apts, Malad'],
    ['  spaced   out  ', 'spaced out'],
    ['Plot 7 &8', 'Plot 7 and 8'],
  ])('%j → %j', (input, output) => {
    expect(sanitizeValue(input)).toBe(output);
  });

  it('never leaves a forbidden or control character (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = sanitizeValue(s);
        expect(FORBIDDEN_CHARS.test(out)).toBe(false);
        expect(/[\u0000-\u001f\u007f]/.test(out)).toBe(false);
      }),
    );
  });

  it('leaves clean text untouched', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ,./()-]{0,40}[A-Za-z0-9)]$/), (s) => {
        fc.pre(!/\s{2}|\s[,.]|,\s*,/.test(s));
        expect(sanitizeValue(s)).toBe(s);
      }),
    );
  });
});

describe('buildCreatePayload', () => {
  it('builds the documented shipment with weight in grams and the warehouse verbatim', () => {
    expect(buildCreatePayload(sampleRequest(), cfg)).toEqual({
      shipments: [
        {
          name: 'Asha Rao',
          add: 'Flat 4, Sunrise Apartments, Link Road, Malad West',
          pin: '400064',
          city: 'Mumbai',
          state: 'Maharashtra',
          country: 'India',
          phone: '9876543210',
          order: 'ORD-1001',
          payment_mode: 'COD',
          cod_amount: 1020,
          total_amount: 1020,
          products_desc: 'Herbal tea x2, Honey',
          quantity: 3,
          weight: 750,
          shipment_length: 20,
          shipment_width: 15,
          shipment_height: 10,
          shipping_mode: 'Surface',
          address_type: 'home',
          waybill: '',
        },
      ],
      pickup_location: { name: 'Main WH' },
    });
  });

  it('prepaid orders send payment_mode Prepaid and cod_amount 0', () => {
    const s = (buildCreatePayload(sampleRequest({ paymentMethod: 'prepaid', codAmount: 0 }), cfg).shipments as Array<Record<string, unknown>>)[0]!;
    expect(s.payment_mode).toBe('Prepaid');
    expect(s.cod_amount).toBe(0);
  });

  it('adds the configured return address and Express mode', () => {
    const c = delhiveryConfigSchema.parse({
      apiToken: 'tok-12345678',
      warehouseName: 'Main WH',
      shippingMode: 'Express',
      returnAddress: { name: 'Returns Desk', address: 'Unit 7 & 8, Charkop', city: 'Mumbai', state: 'Maharashtra', pincode: '400067', phone: '9999999999' },
    });
    const s = (buildCreatePayload(sampleRequest(), c).shipments as Array<Record<string, unknown>>)[0]!;
    expect(s).toMatchObject({
      shipping_mode: 'Express',
      return_name: 'Returns Desk',
      return_add: 'Unit 7 and 8, Charkop',
      return_city: 'Mumbai',
      return_state: 'Maharashtra',
      return_pin: '400067',
      return_country: 'India',
      return_phone: '9999999999',
    });
  });

  it('sanitises every free-text value, so the encoded body never carries a forbidden character', () => {
    const req = sampleRequest({
      consignee: { ...sampleRequest().consignee, name: 'R&D; Team', address1: '#12 100% Lane\\2' },
      items: [{ name: 'Soap #1 & Co', sku: 'S', quantity: 1, unitPrice: 10 }],
    });
    const payload = buildCreatePayload(req, cfg);
    const json = JSON.stringify(payload);
    expect(json).not.toMatch(/[&#%;]|\\\\/);
    expect(json).toContain('"name":"R and D, Team"');
  });

  it('is deterministic, so a retry reproduces the fields Delhivery detects duplicates on', () => {
    expect(JSON.stringify(buildCreatePayload(sampleRequest(), cfg))).toBe(JSON.stringify(buildCreatePayload(sampleRequest(), cfg)));
  });

  it.each([
    ['x'.repeat(51), /1-50 characters/],
    ['', /1-50 characters/],
    ['ORD#1', /cannot take/],
    ['ORD 1', /cannot take/],
    ['ORD,1', /cannot take/],
  ])('refuses order id %j instead of rewriting it (it is the idempotency key)', (orderId, message) => {
    expect(() => buildCreatePayload(sampleRequest({ orderId }), cfg)).toThrow(message);
  });
});

describe('encodeCreateForm', () => {
  it('is the literal format=json&data=<urlencoded JSON>', () => {
    const body = encodeCreateForm({ a: 'b c', n: 1 });
    expect(body).toBe('format=json&data=%7B%22a%22%3A%22b%20c%22%2C%22n%22%3A1%7D');
    expect(decodeURIComponent(body.slice('format=json&data='.length))).toBe('{"a":"b c","n":1}');
  });
});

describe('ndrUpdateFor', () => {
  it('maps Waybill actions to Delhivery acts', () => {
    expect(ndrUpdateFor({ type: 'reattempt' })).toEqual({ act: 'RE-ATTEMPT' });
    expect(ndrUpdateFor({ type: 'reschedule', date: '2026-01-09' })).toEqual({ act: 'DEFER_DLV', action_data: { deferred_date: '2026-01-09' } });
    expect(ndrUpdateFor({ type: 'change_phone', phone: '9123456780' })).toEqual({ act: 'EDIT_DETAILS', action_data: { phone: '9123456780' } });
    expect(ndrUpdateFor({ type: 'change_address', address1: 'House #5', address2: 'MG Road' })).toEqual({
      act: 'EDIT_DETAILS',
      action_data: { add: 'House No. 5, MG Road' },
    });
  });

  it('refuses what Delhivery cannot do, loudly', () => {
    expect(() => ndrUpdateFor({ type: 'return_to_origin' })).toThrow(/no NDR return-to-origin action; cancel the shipment/);
    expect(() => ndrUpdateFor({ type: 'change_address', address1: 'x', pincode: '400001' })).toThrow(/cannot change the delivery pincode/);
    expect(() => ndrUpdateFor({ type: 'reschedule', date: '09/01/2026' })).toThrow(/YYYY-MM-DD/);
  });
});

describe('delhiveryConfigSchema', () => {
  it('defaults to production, Surface and 20 s, and trims a trailing slash', () => {
    expect(delhiveryConfigSchema.parse({ apiToken: 'tok-12345678', warehouseName: 'Main WH' })).toMatchObject({
      baseUrl: 'https://track.delhivery.com',
      shippingMode: 'Surface',
      timeoutMs: 20_000,
    });
    expect(delhiveryConfigSchema.parse({ apiToken: 'tok-12345678', warehouseName: 'W', baseUrl: 'https://staging-express.delhivery.com/' }).baseUrl).toBe(
      'https://staging-express.delhivery.com',
    );
  });

  it('rejects a warehouse name Delhivery could never match, and does not echo the token in its errors', () => {
    const r = delhiveryConfigSchema.safeParse({ apiToken: 'secret-token-value', warehouseName: 'WH #1 ' });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error)).not.toContain('secret-token-value');
    const short = delhiveryConfigSchema.safeParse({ apiToken: 'abc', warehouseName: 'W' });
    expect(short.success).toBe(false);
    expect(JSON.stringify(short.error)).not.toContain('"abc"');
  });
});
