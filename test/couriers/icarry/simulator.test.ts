// The simulator on its own, through raw HTTP: the iCarry behaviours the client must cope with are there.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createIcarrySimulator, ICARRY_SIM_DEFAULTS } from '../../../src/simulators/icarry';
import { parseStr, phpPost } from '../../../src/simulators/icarry/php-form';
import { ManualClock } from '../../../src/simulators/scenario';

const H = 3_600_000;
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const booking = (over: Record<string, string> = {}) => ({
  pickup_address_id: '55',
  client_order_id: 'ORD-9',
  'consignee[name]': 'A Kumar',
  'consignee[mobile]': '9876543210',
  'consignee[address]': '12 Example Street',
  'consignee[city]': 'Mumbai',
  'consignee[pincode]': '400001',
  'consignee[state]': 'MA',
  'consignee[country_code]': 'IN',
  'parcel[type]': 'Prepaid',
  'parcel[value]': '1500',
  'parcel[currency]': 'INR',
  'parcel[contents]': '2 x Herbal tea',
  'parcel[weight][weight]': '500',
  'parcel[weight][unit]': 'gm',
  'parcel[dimensions][length]': '10',
  'parcel[dimensions][breadth]': '10',
  'parcel[dimensions][height]': '10',
  'parcel[dimensions][unit]': 'cm',
  ...over,
});

function setup() {
  const clock = new ManualClock();
  const sim = createIcarrySimulator({ clock });
  const post = (path: string, body: string, type = 'application/x-www-form-urlencoded') => request(sim.app).post(path).set('content-type', type).send(body);
  const login = async () => {
    const res = await post('/api_login', form({ username: ICARRY_SIM_DEFAULTS.username, key: ICARRY_SIM_DEFAULTS.apiKey }));
    return res.body.api_token as string;
  };
  const book = async (token: string, over: Record<string, string> = {}) => (await post(`/api_add_shipment_surface&api_token=${token}`, form(booking(over)))).body;
  return { clock, sim, post, login, book };
}

describe('PHP $_POST', () => {
  it('nests bracketed keys, appends [] and renames dots and spaces in top-level names', () => {
    expect(parseStr('a[b][c]=1&a[b][d]=2&l[]=x&l[]=y&m.n=3&o p=4&e&q=%E2%82%B9+1')).toEqual({
      a: { b: { c: '1', d: '2' } },
      l: { 0: 'x', 1: 'y' },
      m_n: '3',
      o_p: '4',
      e: '',
      q: '₹ 1',
    });
  });

  it('only a form body fills it: JSON leaves $_POST empty', () => {
    expect(phpPost('application/json', '{"shipment_id":"1"}')).toEqual({});
    expect(phpPost('application/x-www-form-urlencoded; charset=UTF-8', 'shipment_id=1')).toEqual({ shipment_id: '1' });
  });

  it('never writes to a prototype', () => {
    parseStr('__proto__[x]=1&a[__proto__][y]=2');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('iCarry simulator', () => {
  it('routes /api_<name>&api_token=… (the token inside the path) and the ?api_token= form alike', async () => {
    const { login, post } = setup();
    const token = await login();
    expect(token).toMatch(/^[0-9a-f]{26}$/);
    const amp = await post(`/api_check_pincode&api_token=${token}`, form({ pincode: '400001' }));
    const q = await post(`/api_check_pincode?api_token=${token}`, form({ pincode: '400001' }));
    expect(amp.body.success).toBe(1);
    expect(q.body.success).toBe(1);
  });

  it('a JSON body fails silently, as integrators report: every field is missing', async () => {
    const { login, post } = setup();
    const loginJson = await post('/api_login', JSON.stringify({ username: ICARRY_SIM_DEFAULTS.username, key: ICARRY_SIM_DEFAULTS.apiKey }), 'application/json');
    expect(loginJson.status).toBe(200);
    expect(loginJson.body).toEqual({ error: { key: 'Warning: Incorrect API Key!' } });
    const token = await login();
    const res = await post(`/api_add_shipment_surface&api_token=${token}`, JSON.stringify(booking()), 'application/json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ error: 'Pickup Address is mandatory. Consignee array is mandatory. Parcel array is mandatory. ' });
  });

  it('tokens last 60 minutes of sim time, and can be revoked early', async () => {
    const { login, post, clock, sim } = setup();
    const token = await login();
    clock.advance(59 * 60_000);
    expect((await post(`/api_check_pincode&api_token=${token}`, form({ pincode: '400001' }))).body.success).toBe(1);
    clock.advance(60_000);
    expect((await post(`/api_check_pincode&api_token=${token}`, form({ pincode: '400001' }))).body).toEqual({
      error: { warning: 'Warning: You do not have permission to access the API!' },
    });
    const fresh = await login();
    sim.expireTokens();
    expect((await post(`/api_check_pincode&api_token=${fresh}`, form({ pincode: '400001' }))).body.error).toBeDefined();
  });

  it('refuses a login from outside the IP allow-list, with OpenCart\'s message', async () => {
    const { sim, post } = setup();
    sim.setQuirks({ allowedIps: ['10.1.2.3'] });
    const res = await post('/api_login', form({ username: ICARRY_SIM_DEFAULTS.username, key: ICARRY_SIM_DEFAULTS.apiKey }));
    expect(res.body).toEqual({ error: { ip: expect.stringMatching(/^Warning: Your IP [\d.:a-f]+ is not allowed to access this API!$/) } });
  });

  it('prepends a PHP notice when asked', async () => {
    const { sim } = setup();
    sim.setQuirks({ phpNotice: true });
    const res = await request(sim.app)
      .post('/api_login')
      .type('form')
      .send(form({ username: ICARRY_SIM_DEFAULTS.username, key: ICARRY_SIM_DEFAULTS.apiKey }))
      .buffer(true)
      .parse((r, done) => {
        let text = '';
        r.on('data', (c: Buffer) => (text += c.toString()));
        r.on('end', () => done(null, text));
      });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatch(/^<br \/>\n<b>Notice<\/b>:/);
    expect(res.body).toContain('"api_token"');
  });

  it('books with a numeric AWB and a tracking URL with the stray space; validation errors are concatenated sentences', async () => {
    const { login, book, sim } = setup();
    const token = await login();
    const ok = await book(token);
    expect(ok).toMatchObject({ error: '', shipment_id: 352, awb: 345642367564, courier_name: 'Delhivery Surface' });
    expect(typeof ok.awb).toBe('number');
    expect(ok.tracking_url).toMatch(/\/track- shipment\?shipment_id=352&awb=345642367564&courier_id=7$/);
    expect(ok.success).toMatch(/Pick up scheduled for : \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    // the customer page answers at the URL as given (space and all) and as the client fixes it
    const page = new URL((ok.tracking_url as string).replace(' ', '%20'));
    expect((await request(sim.app).get(page.pathname + page.search)).body).toMatchObject({ status: 'Manifested' });
    expect((await request(sim.app).get(`/track-shipment${page.search}`)).body).toMatchObject({ status: 'Manifested' });

    const bad = await book(token, { 'consignee[name]': '', 'consignee[mobile]': '+919876543210', 'consignee[state]': 'DL', 'parcel[type]': 'C', 'parcel[weight][unit]': 'kg' });
    expect(bad.error).toBe(
      'Consignee name is mandatory. Telephone must be 10 digits without any spaces, 0 or +91. Consignee state code is invalid. Parcel type must be Prepaid or COD. Parcel weight unit must be gm. ',
    );
    expect((await book(token, { 'consignee[pincode]': '900001' })).error).toBe('Pincode 900001 is not serviceable. ');
  });

  it('takes a second booking for the same client_order_id: iCarry documents no uniqueness', async () => {
    const { login, book, sim } = setup();
    const token = await login();
    await book(token);
    await book(token);
    expect(sim.store.bookingsFor('ORD-9')).toHaveLength(2);
  });

  it('status sync: string codes and the "date_picked " key; track: free text, mixed-precision times', async () => {
    const { login, book, post, clock, sim } = setup();
    const { shipment_id } = await book(await login());
    clock.advance(8 * H);
    sim.tick();
    const token = await login();
    const sync = await post(`/api_shipment_status_sync&api_token=${token}`, `shipment_ids[0]=${shipment_id}&shipment_ids[1]=99999`);
    expect(sync.body.msg).toEqual([{ shipment_id: '352', status: '3', date_delivered: '', 'date_picked ': expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/) }]);
    const track = await post(`/api_track_shipment&api_token=${token}`, `shipment_id=${shipment_id}`);
    expect(track.body).toMatchObject({ success: 1, status: 'In Transit', courier_name: 'DELHIVERY SURFACE' });
    const times = (track.body.details as Array<{ datetime: string }>).map((d) => d.datetime);
    expect(times[1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(times[2]).toMatch(/\+05:30$/);
  });

  it('a cancel before pickup: code 7 once processed, but the courier text still says "Manifested"', async () => {
    const { login, book, post, clock, sim } = setup();
    const token = await login();
    const { shipment_id } = await book(token);
    const cancel = await post(`/api_cancel_shipment&api_token=${token}`, `shipment_id=${shipment_id}`);
    expect(cancel.body).toEqual({ success: `Cancelled iCarry Shipment Id ${shipment_id}`, shipment_id: String(shipment_id) });
    expect((await post(`/api_cancel_shipment&api_token=${token}`, `shipment_id=${shipment_id}`)).body).toEqual({ error: 'Shipment is already cancelled. ' });
    clock.advance(H);
    sim.tick();
    const fresh = await login();
    const track = await post(`/api_track_shipment&api_token=${fresh}`, `shipment_id=${shipment_id}`);
    expect(track.body.status).toBe('Manifested');
    expect(track.body.details.map((d: { notes: string }) => d.notes)).toContain('Seller cancelled the order');
    const sync = await post(`/api_shipment_status_sync&api_token=${fresh}`, `shipment_ids[]=${shipment_id}`);
    expect(sync.body.msg[0].status).toBe('7');
    expect((await post(`/api_cancel_shipment&api_token=${fresh}`, 'shipment_id=1')).body).toEqual({ error: 'Shipment id not found. ' });
  });

  it('pincode check: a 9xxxxx pincode is not serviceable; the reply repeats the "pickup" key', async () => {
    const { login, post } = setup();
    const token = await login();
    const yes = await post(`/api_check_pincode&api_token=${token}`, form({ pincode: '400001' }));
    expect(yes.text.match(/"pickup"/g)).toHaveLength(4);
    expect((await post(`/api_check_pincode&api_token=${token}`, form({ pincode: '900001' }))).body).toEqual({ success: 0, msg: [] });
  });

  it('unknown paths get OpenCart\'s 404 page; documented but unsimulated endpoints an error', async () => {
    const { login, post } = setup();
    const token = await login();
    expect((await post('/api_nothing&api_token=x', '')).status).toBe(404);
    expect((await post('/index.php', '')).status).toBe(404);
    expect((await post(`/api_get_estimate&api_token=${token}`, '')).body.error).toContain('not simulated');
  });
});
