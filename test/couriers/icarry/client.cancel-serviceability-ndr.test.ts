import { describe, expect, it } from 'vitest';
import { at, fixture, harness, rejection } from './support';

const ref = { orderId: 'ORD-1', awb: '345642367564', courierShipmentId: '252' };
const serviceability = (deliveryPincode: string, paymentMethod: 'prepaid' | 'cod' = 'prepaid') => ({
  pickupPincode: '560099',
  deliveryPincode,
  weightGrams: 500,
  paymentMethod,
  orderValue: 900,
});

describe('cancel', () => {
  it('posts the shipment id and warns that a picked-up parcel comes back with RTO charges', async () => {
    const h = harness();
    h.login();
    h.on(at('api_cancel_shipment'), fixture('cancel.success.json'));
    const result = await h.client.cancel(ref);
    expect(h.sent('api_cancel_shipment')[0]!.form).toEqual({ shipment_id: '252' });
    expect(result.cancelled).toBe(true);
    expect(result.note).toMatch(/RTO charges apply/);
  });

  it('"Shipment id not found. " is permanent not_found', async () => {
    const h = harness();
    h.login();
    h.on(at('api_cancel_shipment'), fixture('cancel.not-found.json'));
    const e = await rejection(h.client.cancel(ref));
    expect(e).toMatchObject({ kind: 'permanent', code: 'not_found' });
    expect(e.message).toContain('Shipment id not found.');
  });

  it('a repeated cancel that iCarry reports as already cancelled has reached its goal', async () => {
    const h = harness();
    h.login();
    h.on(at('api_cancel_shipment'), '{"error":"Shipment is already cancelled. "}');
    await expect(h.client.cancel(ref)).resolves.toMatchObject({ cancelled: true });
  });

  it('needs the shipment id', async () => {
    const h = harness();
    await expect(h.client.cancel({ orderId: 'ORD-1', awb: 'X' })).rejects.toMatchObject({ kind: 'permanent', code: 'invalid_request' });
  });
});

describe('checkServiceability', () => {
  it('reads the per-service-level Y/N flags, despite the repeated "pickup" key', async () => {
    const h = harness();
    h.login();
    h.on(at('api_check_pincode'), fixture('pincode.serviceable.json'), 2);
    await expect(h.client.checkServiceability(serviceability('400001'))).resolves.toEqual({ serviceable: true, cod: true, prepaid: true });
    await expect(h.client.checkServiceability(serviceability('400001', 'cod'))).resolves.toMatchObject({ serviceable: true });
    expect(h.sent('api_check_pincode')[0]!.form).toEqual({ pincode: '400001' });
  });

  it('U is not a yes: COD unknown means not serviceable for COD, with the reason', async () => {
    const h = harness();
    h.login();
    h.on(at('api_check_pincode'), fixture('pincode.flags-shadowed.json'), 2);
    const cod = await h.client.checkServiceability(serviceability('400001', 'cod'));
    expect(cod).toMatchObject({ serviceable: false, cod: false, prepaid: true });
    expect(cod.reason).toContain('does not know');
    await expect(h.client.checkServiceability(serviceability('400001', 'prepaid'))).resolves.toMatchObject({ serviceable: true });
  });

  it('success 0 with an empty list is not serviceable', async () => {
    const h = harness();
    h.login();
    h.on(at('api_check_pincode'), fixture('pincode.unserviceable.json'));
    const s = await h.client.checkServiceability(serviceability('999999'));
    expect(s).toMatchObject({ serviceable: false, cod: false, prepaid: false });
    expect(s.reason).toContain('999999');
  });

  it('a worded refusal is an answer, not an error', async () => {
    const h = harness();
    h.login();
    h.on(at('api_check_pincode'), '{"error":"Invalid pincode. "}');
    await expect(h.client.checkServiceability(serviceability('000000'))).resolves.toMatchObject({ serviceable: false, reason: 'Invalid pincode.' });
  });

  it('an HTTP 404 (a wrong base URL) is an error, not "not serviceable"', async () => {
    const h = harness();
    h.login();
    h.on(at('api_check_pincode'), { status: 404, text: '<h1>The page you requested cannot be found!</h1>' });
    await expect(h.client.checkServiceability(serviceability('400001'))).rejects.toMatchObject({ kind: 'permanent', code: 'not_found' });
  });

  it('a malformed pincode is refused without asking iCarry', async () => {
    const h = harness();
    await expect(h.client.checkServiceability(serviceability('4000'))).resolves.toMatchObject({ serviceable: false });
    expect(h.attempts('api_login')).toBe(0);
  });
});

describe('ndrAction', () => {
  it('iCarry has no NDR API: permanent unsupported, sending ops to the panel', async () => {
    const h = harness();
    expect(h.client.capabilities.ndrActions).toBe(false);
    const e = await rejection(h.client.ndrAction(ref, { type: 'reattempt' }));
    expect(e).toMatchObject({ kind: 'permanent', code: 'unsupported' });
    expect(e.message).toContain('iCarry panel');
    expect(h.attempts('api_login')).toBe(0);
  });
});
