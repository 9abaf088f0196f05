// The simulator's own fidelity: Delhivery's validation, shapes and quirks, checked over HTTP with supertest.
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDelhiverySimulator, SIM_DEFAULTS, type DelhiverySimulator } from '../../../src/simulators/delhivery';
import { ManualClock } from '../../../src/simulators/scenario';
import { NOW } from './helpers';

const AUTH = { Authorization: `Token ${SIM_DEFAULTS.token}` };
const H = 3_600_000;

function shipment(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Asha Rao',
    add: 'Flat 4, Link Road',
    pin: '400064',
    city: 'Mumbai',
    state: 'Maharashtra',
    country: 'India',
    phone: '9876543210',
    order: 'ORD-1',
    payment_mode: 'COD',
    cod_amount: 500,
    total_amount: 500,
    products_desc: 'Tea',
    quantity: 1,
    weight: 500,
    ...overrides,
  };
}

const form = (data: unknown) => `format=json&data=${encodeURIComponent(JSON.stringify(data))}`;
const payload = (s: Record<string, unknown> = shipment(), warehouse: string = SIM_DEFAULTS.warehouse) => ({ shipments: [s], pickup_location: { name: warehouse } });

let clock: ManualClock;
let sim: DelhiverySimulator;
beforeEach(() => {
  clock = new ManualClock(NOW);
  sim = createDelhiverySimulator({ clock });
});

async function create(body: string, headers: Record<string, string> = AUTH) {
  return request(sim.app).post('/api/cmu/create.json').set(headers).set('content-type', 'application/x-www-form-urlencoded').send(body);
}

async function book(s: Record<string, unknown> = shipment()): Promise<string> {
  const res = await create(form(payload(s)));
  expect(res.body.success).toBe(true);
  return res.body.packages[0].waybill as string;
}

const track = (q: string, headers: Record<string, string> = AUTH) => request(sim.app).get(`/api/v1/packages/json/?${q}`).set(headers);

describe('auth', () => {
  it('401 without a token, 401 with a wrong one, 200 with Token <t> or ?token= on GET', async () => {
    expect((await track('waybill=1', {})).status).toBe(401);
    expect((await track('waybill=1', { Authorization: 'Token nope' })).status).toBe(401);
    expect((await track('waybill=1', { Authorization: `Bearer ${SIM_DEFAULTS.token}` })).status).toBe(401);
    expect((await track('waybill=1')).status).toBe(200);
    expect((await track(`waybill=1&token=${SIM_DEFAULTS.token}`, {})).status).toBe(200);
  });
});

describe('POST /api/cmu/create.json', () => {
  it('books: the real capture shape, a 14-digit waybill, and a Manifested X-UCI scan', async () => {
    const res = await create(form(payload()));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      package_count: 1,
      success: true,
      cod_count: 1,
      prepaid_count: 0,
      cod_amount: 500,
      packages: [{ status: 'Success', client: SIM_DEFAULTS.clientName, remarks: [''], payment: 'COD', serviceable: true, refnum: 'ORD-1' }],
    });
    expect(res.body.upload_wbn).toMatch(/^UPL\d+$/);
    expect(res.body.packages[0].waybill).toMatch(/^\d{14}$/);
    const t = await track(`waybill=${res.body.packages[0].waybill}`);
    expect(t.body.ShipmentData[0].Shipment.Status).toMatchObject({ Status: 'Manifested', StatusType: 'UD', StatusCode: 'X-UCI' });
  });

  it('"format key missing in the post" without format=json', async () => {
    const res = await create(`data=${encodeURIComponent(JSON.stringify(payload()))}`);
    expect(res.body).toEqual({ waybill: '', success: false, error: true, rmk: 'format key missing in the post' });
  });

  it('matches the warehouse name case-sensitively', async () => {
    const res = await create(form(payload(shipment(), SIM_DEFAULTS.warehouse.toLowerCase())));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ waybill: '', success: false, error: true, rmk: 'ClientWarehouse matching query does not exist.' });
  });

  it('an unescaped & cuts the JSON short, as Delhivery\'s form parser does', async () => {
    const raw = `format=json&data=${JSON.stringify(payload(shipment({ add: 'Plot 7 & 8' })))}`;
    const res = await create(raw);
    expect(res.body.success).toBe(false);
    expect(res.body.rmk).toMatch(/^Unterminated string starting at: line 1 column \d+ \(char \d+\)$/);
  });

  it('refuses forbidden characters even when percent-encoded', async () => {
    const res = await create(form(payload(shipment({ add: '#12 Main Road' }))));
    expect(res.body.success).toBe(false);
    expect(res.body.packages[0]).toMatchObject({ status: 'Fail', waybill: '' });
    expect(res.body.packages[0].remarks[0]).toMatch(/special characters/);
  });

  it('duplicate detection uses the six documented fields', async () => {
    await book();
    const dup = await create(form(payload()));
    expect(dup.status).toBe(200);
    expect(dup.body).toMatchObject({ success: false, error: true, err_code: 'ER0005' });
    expect(dup.body.packages[0].remarks[0]).toBe("Crashing while saving package due to exception 'Duplicate Order Id'. Package might have been partially saved.");
    // Same order id, different amount: Delhivery books it again, which is why the client keeps payloads deterministic.
    const other = await create(form(payload(shipment({ total_amount: 501 }))));
    expect(other.body.success).toBe(true);
  });

  it.each([
    [{ pin: '900001' }, "Crashing while saving package due to exception '900001 is non serviceable pincode'. Package might have been partially saved."],
    [{ phone: '12345' }, 'Incorrect phone number(s) for order ORD-1'],
    [{ order: 'X'.repeat(51) }, 'oid does not pass the validator <lambda>.check if there any extra character or dots in column'],
    [{ payment_mode: 'Pickup' }, /Package type Pickup not serviceable for this account/],
  ])('%j fails the package with Delhivery\'s remark', async (over, remark) => {
    const res = await create(form(payload(shipment(over))));
    expect(res.body.success).toBe(false);
    expect(res.body.packages[0].status).toBe('Fail');
    expect(res.body.packages[0].remarks[0]).toMatch(remark instanceof RegExp ? remark : new RegExp(`^${remark.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(res.body.rmk).toBe(res.body.packages[0].remarks[0]);
  });

  it('accepts phone prefixes Delhivery documents (+91, 91-, 0)', async () => {
    for (const [i, phone] of ['+919876543210', '91-9876543210', '09876543210'].entries()) {
      const res = await create(form(payload(shipment({ phone, order: `P-${i}` }))));
      expect(res.body.success, phone).toBe(true);
    }
  });

  it('a token of the other environment gets the end_date error', async () => {
    const res = await create(form(payload()), { Authorization: `Token ${SIM_DEFAULTS.otherEnvToken}` });
    expect(res.body.rmk).toMatch(/'NoneType' object has no attribute 'end_date'/);
  });

  it('below ₹500 of wallet balance, manifesting fails', async () => {
    sim.setWalletBalance(499);
    const res = await create(form(payload()));
    expect(res.body.packages[0].remarks[0]).toMatch(/insufficient balance/);
  });
});

describe('GET /api/v1/packages/json/', () => {
  it('more than 50 waybills is a 403 from the WAF (HTML), not a validation error', async () => {
    const waybills = Array.from({ length: 51 }, (_, i) => String(i)).join(',');
    const res = await track(`waybill=${waybills}`);
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/html/);
    expect(res.text).toMatch(/403 Forbidden/);
  });

  it('unknown waybills: HTTP 200 {"Error": …}', async () => {
    expect((await track('waybill=123')).body).toEqual({ Error: 'Data does not exists for provided Waybill(s)' });
    expect((await track('ref_ids=NOPE')).body).toEqual({ Error: 'No such waybill or order ID found' });
  });

  it('finds by ref_ids, and lists known waybills only', async () => {
    const awb = await book();
    expect((await track('ref_ids=ORD-1')).body.ShipmentData.map((d: any) => d.Shipment.AWB)).toEqual([awb]);
    expect((await track(`waybill=${awb},999`)).body.ShipmentData).toHaveLength(1);
  });

  it('timestamps are IST without offset, with a varying number of fractional digits', async () => {
    const awb = await book();
    clock.advance(30 * H);
    sim.tick();
    const scans = (await track(`waybill=${awb}`)).body.ShipmentData[0].Shipment.Scans as Array<{ ScanDetail: { StatusDateTime: string } }>;
    const times = scans.map((s) => s.ScanDetail.StatusDateTime);
    for (const t of times) expect(t).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?$/);
    // NOW is 04:30 UTC = 10:00 IST.
    expect(times[0]!.slice(0, 16)).toBe('2026-01-05T10:00');
    expect(new Set(times.map((t) => t.split('.')[1]?.length ?? 0)).size).toBeGreaterThan(1);
  });

  it('throttles past its per-5-minute limit with the WAF page, then lets calls through again', async () => {
    sim = createDelhiverySimulator({ clock, limits: { trackingPer5Min: 2 } });
    expect((await track('waybill=1')).status).toBe(200);
    expect((await track('waybill=1')).status).toBe(200);
    expect((await track('waybill=1')).status).toBe(403);
    clock.advance(5 * 60_000);
    expect((await track('waybill=1')).status).toBe(200);
  });
});

describe('GET /c/api/pin-codes/json/', () => {
  const pin = (p: string) => request(sim.app).get(`/c/api/pin-codes/json/?filter_codes=${p}`).set(AUTH);
  it('serves civil pincodes with Y/N flags and a numeric pin', async () => {
    const res = await pin('400064');
    expect(res.body.delivery_codes[0].postal_code).toMatchObject({ pin: 400064, cod: 'Y', pre_paid: 'Y', remarks: '' });
  });
  it('pincodes starting with 9: delivery_codes []; ending 999: Embargo; ending 77: no COD', async () => {
    expect((await pin('900001')).body).toEqual({ delivery_codes: [] });
    expect((await pin('400999')).body.delivery_codes[0].postal_code.remarks).toBe('Embargo');
    expect((await pin('400077')).body.delivery_codes[0].postal_code.cod).toBe('N');
  });
});

describe('POST /api/p/edit (cancel)', () => {
  const cancel = (awb: string) => request(sim.app).post('/api/p/edit').set(AUTH).send({ waybill: awb, cancellation: 'true' });
  const current = async (awb: string) => (await track(`waybill=${awb}`)).body.ShipmentData[0].Shipment.Status;

  it('before pickup: cancelled, and the shipment stays UD/Manifested for good', async () => {
    const awb = await book();
    clock.advance(2 * H);
    sim.tick(); // FMPUR-101
    expect((await cancel(awb)).body).toEqual({ status: true, remark: 'Shipment has been cancelled', waybill: awb });
    clock.advance(100 * H);
    sim.tick();
    expect(await current(awb)).toMatchObject({ StatusType: 'UD', Status: 'Manifested', StatusCode: 'FMPUR-101' });
  });

  it('after pickup: it turns RT at once and comes back', async () => {
    const awb = await book();
    clock.advance(12 * H);
    sim.tick(); // picked up, at the origin centre
    expect((await cancel(awb)).body.status).toBe(true);
    expect(await current(awb)).toMatchObject({ StatusType: 'RT', Status: 'In Transit' });
    expect((await track(`waybill=${awb}`)).body.ShipmentData[0].Shipment.RTOStartedDate).toMatch(/^2026-01-05T/);
    clock.advance(200 * H);
    sim.tick();
    expect(await current(awb)).toMatchObject({ StatusType: 'DL', Status: 'RTO' });
    expect((await cancel(awb)).body).toMatchObject({ status: false });
  });

  it('a second cancel of a returning shipment says it is already cancelled', async () => {
    const awb = await book();
    clock.advance(12 * H);
    sim.tick();
    await cancel(awb);
    expect((await cancel(awb)).body).toMatchObject({ status: false, remark: 'Shipment has already been cancelled' });
  });

  it('out for delivery cannot be cancelled', async () => {
    const awb = await book();
    clock.advance(44 * H);
    sim.tick();
    expect((await current(awb)).Status).toBe('Dispatched');
    expect((await cancel(awb)).body).toMatchObject({ status: false, remark: 'Cancellation not allowed in current status Dispatched' });
  });
});

describe('POST /api/p/update (NDR) and GET /api/cmu/get_bulk_upl/:id', () => {
  const update = (data: unknown) => request(sim.app).post('/api/p/update').set(AUTH).send({ data });
  const upl = (id: string) => request(sim.app).get(`/api/cmu/get_bulk_upl/${id}?verbose=true`).set(AUTH);

  async function inNdr(): Promise<string> {
    sim.setScenario('ORD-1', 'ndr_reattempt_delivered');
    const awb = await book();
    clock.advance(50 * H);
    sim.tick();
    const s = (await track(`waybill=${awb}`)).body.ShipmentData[0].Shipment.Status;
    expect(s).toMatchObject({ StatusType: 'UD', Status: 'Pending', StatusCode: 'EOD-11' });
    return awb;
  }

  it('RE-ATTEMPT on an NDR package: an UPL id, then Success in its status, recorded by the engine', async () => {
    const awb = await inNdr();
    const res = await update([{ waybill: awb, act: 'RE-ATTEMPT' }]);
    expect(res.status).toBe(200);
    expect(res.body.request_id).toMatch(/^UPL\d+$/);
    expect((await upl(res.body.request_id)).body).toMatchObject({ status: 'Completed', result: [{ waybill: awb, act: 'RE-ATTEMPT', status: 'Success' }] });
    expect(sim.engine.get(awb)!.ndrActions.map((a) => a.action)).toEqual(['reattempt']);
  });

  it('"Package in incorrect status" outside an NDR', async () => {
    const awb = await book();
    const res = await update([{ waybill: awb, act: 'RE-ATTEMPT' }]);
    expect((await upl(res.body.request_id)).body.result[0]).toMatchObject({ status: 'Failure', remark: 'Package in incorrect status' });
    expect(sim.engine.get(awb)!.ndrActions).toEqual([]);
  });

  it('DEFER_DLV takes a date up to 6 days after the first NDR, EDIT_DETAILS updates the consignee', async () => {
    const awb = await inNdr();
    const tooLate = await update([{ waybill: awb, act: 'DEFER_DLV', action_data: { deferred_date: '2026-02-01' } }]);
    expect((await upl(tooLate.body.request_id)).body.result[0].status).toBe('Failure');
    const ok = await update([
      { waybill: awb, act: 'DEFER_DLV', action_data: { deferred_date: '2026-01-09' } },
      { waybill: awb, act: 'EDIT_DETAILS', action_data: { phone: '9123456780' } },
    ]);
    expect((await upl(ok.body.request_id)).body.result.map((r: any) => r.status)).toEqual(['Success', 'Success']);
    expect(sim.engine.get(awb)!.ndrActions.map((a) => a.action)).toEqual(['reschedule', 'edit']);
  });

  it('"Invalid data provided" when data is not a list; at most 1000 records', async () => {
    expect((await request(sim.app).post('/api/p/update').set(AUTH).send({ data: { waybill: '1' } })).body).toEqual({ error: 'Invalid data provided' });
    const many = Array.from({ length: 1001 }, () => ({ waybill: '1', act: 'RE-ATTEMPT' }));
    expect((await update(many)).body).toEqual({ error: 'Can not update more than 1000 records' });
  });
});

describe('faults', () => {
  it('injected rate limiting answers Delhivery\'s 403 WAF page by default, even when set over the control route', async () => {
    await request(sim.app).post('/__sim/faults').send({ burst429: { every: 1, length: 1, retryAfterSeconds: 1 } });
    expect((await track('waybill=1')).status).toBe(200);
    const blocked = await track('waybill=1');
    expect(blocked.status).toBe(403);
    expect(blocked.text).toMatch(/403 Forbidden/);
  });

  it('unknown paths are Django-style HTML 404s', async () => {
    const res = await request(sim.app).get('/api/nope').set(AUTH);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/html/);
  });
});
