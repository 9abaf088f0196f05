// checkServiceability, cancel and ndrAction against recorded/plausible Delhivery responses (MockAgent).
import { describe, expect, it } from 'vitest';
import { CANCEL_NOTE } from '../../../src/couriers/delhivery/courier';
import { TOKEN, answer, failure, fixture, mockDelhivery } from './helpers';

const ref = { orderId: 'ORD-2237', awb: '26805710004060' };
const svc = (deliveryPincode: string, paymentMethod: 'cod' | 'prepaid' = 'cod') => ({
  pickupPincode: '560001',
  deliveryPincode,
  weightGrams: 500,
  paymentMethod,
  orderValue: 1000,
});

describe('checkServiceability', () => {
  it('GETs /c/api/pin-codes/json/?filter_codes=<pin> and reads Y/N flags', async () => {
    const m = mockDelhivery();
    const sent = answer(m.pool, { path: '/c/api/pin-codes/json/?filter_codes=400064' }, 200, fixture('pincode-serviceable.json'));
    await expect(m.client.checkServiceability(svc('400064'))).resolves.toEqual({ serviceable: true, cod: true, prepaid: true });
    expect(sent[0]!.headers.authorization).toBe(`Token ${TOKEN}`);
  });

  it('cod "N": prepaid serviceable, COD not', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: '/c/api/pin-codes/json/?filter_codes=400064' }, 200, fixture('pincode-prepaid-only.json'));
    await expect(m.client.checkServiceability(svc('400064', 'cod'))).resolves.toEqual({
      serviceable: false,
      cod: false,
      prepaid: true,
      reason: 'Delhivery does not take cash on delivery shipments to pincode 400064',
    });
    answer(m.pool, { path: '/c/api/pin-codes/json/?filter_codes=400064' }, 200, fixture('pincode-prepaid-only.json'));
    await expect(m.client.checkServiceability(svc('400064', 'prepaid'))).resolves.toMatchObject({ serviceable: true });
  });

  it('delivery_codes: [] is not serviceable (NSZ)', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: '/c/api/pin-codes/json/?filter_codes=110099' }, 200, fixture('pincode-nsz.json'));
    await expect(m.client.checkServiceability(svc('110099'))).resolves.toEqual({
      serviceable: false,
      cod: false,
      prepaid: false,
      reason: 'Delhivery does not deliver to pincode 110099',
    });
  });

  it('remarks "Embargo" is temporarily not serviceable', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: '/c/api/pin-codes/json/?filter_codes=400064' }, 200, fixture('pincode-embargo.json'));
    const r = await m.client.checkServiceability(svc('400064'));
    expect(r.serviceable).toBe(false);
    expect(r.reason).toMatch(/temporarily suspended.*embargo/);
  });

  it('"Login or API Key Required" under HTTP 200 is a rejected token', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: '/c/api/pin-codes/json/?filter_codes=400064' }, 200, { detail: 'Login or API Key Required' });
    const e = await failure(m.client.checkServiceability(svc('400064')));
    expect([e.kind, e.code]).toEqual(['permanent', 'auth_rejected']);
  });

  it('a malformed pincode never reaches Delhivery', async () => {
    const m = mockDelhivery();
    const e = await failure(m.client.checkServiceability(svc('4000')));
    expect(e.code).toBe('invalid_request');
  });
});

describe('cancel', () => {
  it('POSTs {"waybill", "cancellation": "true"} as JSON', async () => {
    const m = mockDelhivery();
    const sent = answer(m.pool, { path: '/api/p/edit', method: 'POST' }, 200, { status: true, remark: 'Shipment has been cancelled' });
    await expect(m.client.cancel(ref)).resolves.toEqual({ cancelled: true, note: CANCEL_NOTE });
    expect(sent[0]!.headers['content-type']).toBe('application/json');
    expect(sent[0]!.headers.authorization).toBe(`Token ${TOKEN}`);
    expect(JSON.parse(sent[0]!.body)).toEqual({ waybill: '26805710004060', cancellation: 'true' });
  });

  it('says what Delhivery does with a cancelled shipment (RTO after pickup)', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: '/api/p/edit', method: 'POST' }, 200, { status: 'True', remark: '' });
    const r = await m.client.cancel(ref);
    expect(r.note).toMatch(/before pickup as Manifested/);
    expect(r.note).toMatch(/after pickup becomes an RTO \(StatusType RT\)/);
  });

  it('reads the older XML answer', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: '/api/p/edit', method: 'POST' }, 200, '<?xml version="1.0"?><response><status>True</status><remark>Cancelled</remark></response>', {
      'content-type': 'application/xml',
    });
    await expect(m.client.cancel(ref)).resolves.toMatchObject({ cancelled: true });
  });

  it('an XML refusal is not_allowed with Delhivery\'s remark', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: '/api/p/edit', method: 'POST' }, 200, '<response><status>False</status><remark>Shipment already Delivered</remark></response>', {
      'content-type': 'application/xml',
    });
    const e = await failure(m.client.cancel(ref));
    expect([e.kind, e.code]).toEqual(['permanent', 'not_allowed']);
    expect(e.details.courierMessage).toBe('Shipment already Delivered');
  });

  it('an "already cancelled" refusal is success: a retried cancel must not fail', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: '/api/p/edit', method: 'POST' }, 200, { status: false, remark: 'Shipment has already been cancelled' });
    await expect(m.client.cancel(ref)).resolves.toMatchObject({ cancelled: true });
  });

  it('an unknown waybill is not_found', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: '/api/p/edit', method: 'POST' }, 200, { status: false, remark: 'No such waybill or order ID found' });
    const e = await failure(m.client.cancel(ref));
    expect(e.code).toBe('not_found');
  });

  it('an unreadable answer is a transient bad_response', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: '/api/p/edit', method: 'POST' }, 200, 'OK', { 'content-type': 'text/plain' });
    const e = await failure(m.client.cancel(ref));
    expect([e.kind, e.code]).toEqual(['transient', 'bad_response']);
  });
});

describe('ndrAction', () => {
  const UPDATE = '/api/p/update';
  const UPL = 'UPL70200521839149515';
  const status = (body: object) => (m: ReturnType<typeof mockDelhivery>) =>
    answer(m.pool, { path: `/api/cmu/get_bulk_upl/${UPL}?verbose=true` }, 200, body);

  it('RE-ATTEMPT: POSTs {"data":[{"waybill","act"}]}, returns the UPL id once the status read shows success', async () => {
    const m = mockDelhivery();
    const sent = answer(m.pool, { path: UPDATE, method: 'POST' }, 200, { request_id: UPL });
    const reads = status({ request_id: UPL, result: [{ waybill: ref.awb, status: 'Success', remark: '' }] })(m);
    await expect(m.client.ndrAction(ref, { type: 'reattempt' })).resolves.toEqual({ accepted: true, reference: UPL });
    expect(JSON.parse(sent[0]!.body)).toEqual({ data: [{ waybill: ref.awb, act: 'RE-ATTEMPT' }] });
    expect(sent[0]!.headers['content-type']).toBe('application/json');
    expect(reads).toHaveLength(1);
    expect(m.observations).toHaveLength(1);
  });

  it.each([[{ upl_id: UPL }], [{ upl: UPL }], [{ status: 'Success', something: UPL }]])('finds the UPL id in %j', async (body) => {
    const m = mockDelhivery();
    answer(m.pool, { path: UPDATE, method: 'POST' }, 200, body);
    status({ status: 'In Progress' })(m);
    await expect(m.client.ndrAction(ref, { type: 'reattempt' })).resolves.toEqual({ accepted: true, reference: UPL });
  });

  it('"Package in incorrect status" in the UPL status → permanent not_allowed', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: UPDATE, method: 'POST' }, 200, { request_id: UPL });
    status({ request_id: UPL, result: [{ waybill: ref.awb, status: 'Failure', remark: 'Package in incorrect status' }] })(m);
    const e = await failure(m.client.ndrAction(ref, { type: 'reattempt' }));
    expect([e.kind, e.code]).toEqual(['permanent', 'not_allowed']);
    expect(e.message).toMatch(/Package in incorrect status/);
  });

  it('a failed status read leaves the action accepted (resubmitting would double it)', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: UPDATE, method: 'POST' }, 200, { request_id: UPL });
    answer(m.pool, { path: `/api/cmu/get_bulk_upl/${UPL}?verbose=true` }, 502, 'Bad Gateway', { 'content-type': 'text/plain' });
    await expect(m.client.ndrAction(ref, { type: 'reattempt' })).resolves.toEqual({ accepted: true, reference: UPL });
    expect(m.observations).toEqual([{ courier: 'delhivery', operation: 'ndrAction', httpStatus: 200, outcome: 'ok', durationMs: 0 }]);
  });

  it('reschedule → DEFER_DLV with action_data.deferred_date; change_phone/address → EDIT_DETAILS', async () => {
    const m = mockDelhivery();
    const a = answer(m.pool, { path: UPDATE, method: 'POST' }, 200, { request_id: UPL });
    status({})(m);
    await m.client.ndrAction(ref, { type: 'reschedule', date: '2024-09-23' });
    expect(JSON.parse(a[0]!.body)).toEqual({ data: [{ waybill: ref.awb, act: 'DEFER_DLV', action_data: { deferred_date: '2024-09-23' } }] });

    const b = answer(m.pool, { path: UPDATE, method: 'POST' }, 200, { request_id: UPL });
    status({})(m);
    await m.client.ndrAction(ref, { type: 'change_address', address1: 'House #5; Lane 2' });
    expect(JSON.parse(b[0]!.body).data[0]).toEqual({ waybill: ref.awb, act: 'EDIT_DETAILS', action_data: { add: 'House No. 5, Lane 2' } });
  });

  it('return_to_origin is unsupported, with the way out, and makes no call', async () => {
    const m = mockDelhivery();
    const e = await failure(m.client.ndrAction(ref, { type: 'return_to_origin' }));
    expect([e.kind, e.code]).toEqual(['permanent', 'unsupported']);
    expect(e.message).toMatch(/cancel the shipment instead/);
  });

  it.each([
    [{ error: 'Invalid data provided' }, 'invalid_request'],
    [{ status: false, error: 'Package in incorrect status' }, 'not_allowed'],
    [{ success: false, message: 'Something else' }, 'bad_response'],
  ])('a refusal without an UPL id: %j → %s', async (body, code) => {
    const m = mockDelhivery();
    answer(m.pool, { path: UPDATE, method: 'POST' }, 200, body);
    const e = await failure(m.client.ndrAction(ref, { type: 'reattempt' }));
    expect([e.kind, e.code]).toEqual(['permanent', code]);
  });
});
