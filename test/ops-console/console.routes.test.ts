// The console over HTTP: nothing without a session, sign-in with an admin token only, sessions that
// cannot be forged or outlive their token, CSRF on every POST, secrets that never come back out.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ShipmentGatewayError } from '../../src/shipments/gateway';
import type { Mongo } from '../../src/storage/mongo';
import { freshMongo } from '../support/mongo';
import { ADMIN, consoleApp, hidden, OTHER_ADMIN, seedConsole, SESSION_SECRET, sessionCookie, setCookie, signedIn, TEMPORAL_UI } from './support';

let mongo: Mongo;
let c: ReturnType<typeof consoleApp>;

beforeAll(async () => {
  mongo = await freshMongo('ops_console_routes');
  c = consoleApp(mongo);
  await seedConsole(mongo, c.gateway);
});
afterAll(async () => mongo.close());
beforeEach(() => {
  c.gateway.updates.length = 0;
  c.gateway.fail = undefined;
});

const rows = (page: string) => [...page.matchAll(/<tr data-order="([^"]+)"/g)].map((m) => m[1]);

describe('signing in', () => {
  it.each(['/ops/shipments', '/ops/shipments/ORD-1001', '/ops/ndr', '/ops/stuck', '/ops/couriers', '/ops/analytics', '/ops/analytics.csv'])('sends %s to the sign-in page without a session', async (path) => {
    const res = await request(c.app).get(path).expect(303);
    expect(res.headers.location).toBe(`/ops/login?next=${encodeURIComponent(path)}`);
  });

  it('does nothing for a POST without a session', async () => {
    await request(c.app).post('/ops/ndr/ORD-1003').type('form').send({ action: 'reattempt', requestId: 'req-00000001' }).expect(303).expect('location', '/ops/login');
    await request(c.app).post('/ops/shipments/ORD-1005/refresh').type('form').send({}).expect(303);
    expect(c.gateway.updates).toEqual([]);
  });

  it('refuses a wrong token, and sets no session', async () => {
    const agent = request.agent(c.app);
    const form = await agent.get('/ops/login').expect(200);
    const res = await agent.post('/ops/login').type('form').send({ nonce: hidden(form.text, 'nonce'), token: 'not-an-admin-token' }).expect(401);
    expect(res.text).toContain('That token is not valid.');
    expect(String(res.headers['set-cookie'] ?? '')).not.toContain('ops_session=v1');
    await agent.get('/ops/shipments').expect(303);
  });

  it('refuses a sign-in form that did not come from the console (login CSRF)', async () => {
    await request(c.app).post('/ops/login').type('form').send({ token: ADMIN, nonce: 'made-up' }).expect(403);
    const other = await request(c.app).get('/ops/login');
    // A nonce from one browser's form does not go with another browser's cookie.
    await request(c.app).post('/ops/login').set('Cookie', 'ops_login=forged').type('form').send({ token: ADMIN, nonce: hidden(other.text, 'nonce') }).expect(403);
  });

  it('signs in with an admin token: an HttpOnly, SameSite=Strict cookie scoped to /ops, then back to the page asked for', async () => {
    const agent = request.agent(c.app);
    const form = await agent.get('/ops/login?next=%2Fops%2Fstuck').expect(200);
    const res = await agent.post('/ops/login').type('form').send({ nonce: hidden(form.text, 'nonce'), token: ADMIN, next: hidden(form.text, 'next') }).expect(303);
    expect(res.headers.location).toBe('/ops/stuck');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((h) => h.startsWith('ops_session='))!;
    expect(cookie).toMatch(/; Path=\/ops/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/); // plain HTTP here
    expect(cookie).not.toContain(ADMIN);
    const page = await agent.get('/ops/stuck').expect(200);
    expect(page.text).toContain('Signed in as admin:0');
  });

  it('marks the cookie Secure over HTTPS (behind a TLS proxy too)', async () => {
    for (const app of [consoleApp(mongo, { secureCookies: true }).app, c.app]) {
      const form = await request(app).get('/ops/login').set('X-Forwarded-Proto', 'https');
      const res = await request(app)
        .post('/ops/login')
        .set('X-Forwarded-Proto', 'https')
        .set('Cookie', `ops_login=${setCookie(form, 'ops_login')}`)
        .type('form')
        .send({ nonce: hidden(form.text, 'nonce'), token: ADMIN })
        .expect(303);
      expect((res.headers['set-cookie'] as unknown as string[]).find((h) => h.startsWith('ops_session='))).toMatch(/; Secure/);
    }
  });

  it('never redirects off the console after sign-in', async () => {
    const agent = request.agent(c.app);
    for (const next of ['https://evil.example/', '//evil.example/ops', '/ops\\@evil.example']) {
      const form = await agent.get(`/ops/login?next=${encodeURIComponent(next)}`);
      const res = await agent.post('/ops/login').type('form').send({ nonce: hidden(form.text, 'nonce'), token: ADMIN, next }).expect(303);
      expect(res.headers.location).toBe('/ops/shipments');
      await agent.post('/ops/logout').type('form').send({ _csrf: hidden((await agent.get('/ops/shipments')).text, '_csrf') });
    }
  });

  it('ends sessions that are tampered with, expired, or whose token was withdrawn', async () => {
    const cookie = await sessionCookie(c.app, OTHER_ADMIN);
    const [v, body, mac] = cookie.split('.');
    const forged = JSON.parse(Buffer.from(body!, 'base64url').toString());
    forged.a = 'admin:0';
    const tampered = `${v}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${mac}`;
    await request(c.app).get('/ops/shipments').set('Cookie', `ops_session=${tampered}`).expect(303);
    await request(c.app).get('/ops/shipments').set('Cookie', `ops_session=${cookie}`).expect(200);
    // The same cookie, once OTHER_ADMIN is no longer an admin token…
    const withdrawn = consoleApp(mongo, { adminTokens: [ADMIN] }).app;
    await request(withdrawn).get('/ops/shipments').set('Cookie', `ops_session=${cookie}`).expect(303);
    // …or 12 hours later, or after OPS_SESSION_SECRET changed.
    const later = consoleApp(mongo, { now: () => Date.now() + 12 * 3_600_000 + 1000 }).app;
    await request(later).get('/ops/shipments').set('Cookie', `ops_session=${cookie}`).expect(303);
    const rotated = consoleApp(mongo, { sessionSecret: SESSION_SECRET.replace('test', 'next') }).app;
    await request(rotated).get('/ops/shipments').set('Cookie', `ops_session=${cookie}`).expect(303);
  });

  it('signs out (a POST with the CSRF token)', async () => {
    const { agent, csrf } = await signedIn(c.app);
    await agent.post('/ops/logout').type('form').send({}).expect(403);
    await agent.get('/ops/shipments').expect(200);
    await agent.post('/ops/logout').type('form').send({ _csrf: csrf }).expect(303).expect('location', '/ops/login');
    await agent.get('/ops/shipments').expect(303);
  });
});

describe('CSRF on every POST', () => {
  it.each([
    ['/ops/ndr/ORD-1003', { action: 'reattempt', requestId: 'req-00000002' }],
    ['/ops/shipments/ORD-1005/refresh', { requestId: 'req-00000003' }],
    ['/ops/couriers/delhivery', { enabled: 'on', provider: 'delhivery', field_warehouseName: 'Main', secret_apiKey: 'tok-123456' }],
  ])('refuses %s with a missing or wrong token, changing nothing', async (path, form) => {
    const { agent, csrf } = await signedIn(c.app);
    await agent.post(path).type('form').send(form).expect(403);
    await agent.post(path).type('form').send({ ...form, _csrf: csrf.slice(0, -2) + 'xx' }).expect(403);
    const { csrf: otherSessions } = await signedIn(c.app);
    await agent.post(path).type('form').send({ ...form, _csrf: otherSessions }).expect(403);
    expect(c.gateway.updates).toEqual([]);
    expect(await c.courierSettings.getView('delhivery')).toBeNull();
  });
});

describe('pages', () => {
  it('lists shipments newest change first, with filters and search', async () => {
    const { agent } = await signedIn(c.app);
    expect(rows((await agent.get('/ops/shipments').expect(200)).text)).toEqual(['ORD-1001', 'ORD-1002', 'ORD-1003', 'ORD-1004', 'ORD-1005', 'ORD-1006']);
    const cases: Array<[string, string[]]> = [
      ['status=undelivered', ['ORD-1003', 'ORD-1004']],
      ['courier=delhivery', ['ORD-1001', 'ORD-1004', 'ORD-1005']],
      ['ndr=open&courier=icarry', ['ORD-1003']],
      ['stuck=1', ['ORD-1005']],
      ['q=ORD-1002', ['ORD-1002']],
      ['q=AWB-ORD-1006', ['ORD-1006']],
      ['q=ORD-10', []],
    ];
    for (const [q, expected] of cases) expect(rows((await agent.get(`/ops/shipments?${q}`).expect(200)).text), q).toEqual(expected);
    await agent.get('/ops/shipments?status=bogus').expect(400);
  });

  it('serves the live region alone to the page script, versioned by its content', async () => {
    const { agent } = await signedIn(c.app);
    const frag = await agent.get('/ops/shipments?courier=shiprocket').set('X-Requested-With', 'fetch').expect(200);
    expect(frag.text).toMatch(/^<div data-version="[\w-]+">/);
    expect(frag.text).not.toContain('<html');
    const again = await agent.get('/ops/shipments?courier=shiprocket').set('X-Requested-With', 'fetch');
    expect(again.text).toBe(frag.text);
    // A signed-out script gets 401, not the sign-in page.
    await request(c.app).get('/ops/shipments').set('X-Requested-With', 'fetch').expect(401);
  });

  it('links every shipment to its workflow in the Temporal UI', async () => {
    const { agent } = await signedIn(c.app);
    const page = (await agent.get('/ops/shipments')).text;
    expect(page).toContain(`href="${TEMPORAL_UI}/namespaces/waybill-prod/workflows/shipment-ORD-1001"`);
    expect((await agent.get('/ops/shipments/ORD-1004')).text).toContain(`href="${TEMPORAL_UI}/namespaces/waybill-prod/workflows/shipment-ORD-1004"`);
  });

  it('escapes courier text', async () => {
    const { agent } = await signedIn(c.app);
    const page = (await agent.get('/ops/stuck')).text;
    expect(rows(page)).toEqual(['ORD-1005']);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(1)');
  });

  it('sends a one-click NDR answer to the workflow as the admin, and reports the answer', async () => {
    const { agent } = await signedIn(c.app);
    const queue = (await agent.get('/ops/ndr')).text;
    expect(rows(queue)).toEqual(['ORD-1004', 'ORD-1003']);
    await agent.post('/ops/ndr/ORD-1003').type('form').send({ _csrf: hidden(queue, '_csrf'), requestId: 'req-0000000a', action: 'reschedule', date: '2030-01-02', returnTo: '/ops/ndr' }).expect(303).expect('location', '/ops/ndr');
    expect(c.gateway.updates).toEqual([{ orderId: 'ORD-1003', name: 'resolveNdr', req: { requestId: 'req-0000000a', action: { type: 'reschedule', date: '2030-01-02' }, by: 'admin', actor: 'admin:0' } }]);
    expect((await agent.get('/ops/ndr')).text).toContain('Order ORD-1003: Reschedule sent to the courier');
  });

  it('shows a gateway refusal as a message, and refuses incomplete answers', async () => {
    const { agent, csrf } = await signedIn(c.app);
    c.gateway.fail = new ShipmentGatewayError('finished', 'the shipment of order ORD-1004 has finished');
    await agent.post('/ops/ndr/ORD-1004').type('form').send({ _csrf: csrf, requestId: 'req-0000000b', action: 'return_to_origin' }).expect(303);
    expect((await agent.get('/ops/ndr')).text).toContain('Return to origin not possible: the shipment of order ORD-1004 has finished');
    c.gateway.fail = undefined;
    await agent.post('/ops/ndr/ORD-1004').type('form').send({ _csrf: csrf, requestId: 'req-0000000c', action: 'reschedule' }).expect(400);
    await agent.post('/ops/ndr/ORD-1004').type('form').send({ _csrf: csrf, action: 'reattempt' }).expect(400);
    expect(c.gateway.updates).toEqual([]);
  });

  it('syncs a stuck shipment now and says what happened', async () => {
    const { agent, csrf } = await signedIn(c.app);
    await agent.post('/ops/shipments/ORD-1005/refresh').type('form').send({ _csrf: csrf, requestId: 'req-0000000d', returnTo: '/ops/stuck' }).expect(303).expect('location', '/ops/stuck');
    expect(c.gateway.updates.map((u) => [u.orderId, u.name])).toEqual([['ORD-1005', 'refresh']]);
    const page = (await agent.get('/ops/stuck')).text;
    expect(page).toContain('Order ORD-1005: synced, no change (in transit).');
    // Read once.
    expect((await agent.get('/ops/stuck')).text).not.toContain('synced, no change');
  });

  it('shows analytics and serves their CSV behind the session', async () => {
    const { agent } = await signedIn(c.app);
    const page = await agent.get('/ops/analytics?bucket=week').expect(200);
    expect(page.text).toContain('Live shipments');
    const csv = await agent.get('/ops/analytics.csv?from=2025-03-03&to=2025-03-09').expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.text.split('\r\n')[0]).toMatch(/^row,courier,from,to,webhook_events,/);
    await agent.get('/ops/analytics?from=2025-03-09&to=2025-03-01').expect(400);
  });

  it('sets a strict Content-Security-Policy and no caching on pages', async () => {
    const res = await request(c.app).get('/ops/login');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
    const css = /href="(\/ops\/assets\/ops\.[0-9a-f]+\.css)"/.exec(res.text)![1]!;
    expect((await request(c.app).get(css).expect(200)).headers['cache-control']).toContain('immutable');
  });
});

describe('courier settings keep secrets write-only', () => {
  const SECRET = 'sk-live-4f8a1c9e-SECRET';
  const NEW_SECRET = 'tok-NEW-9d2e7b0a-SECRET';

  it('never renders a stored secret, only whether it is set', async () => {
    await c.courierSettings.put('shiprocket', { provider: 'shiprocket', enabled: true, apiKey: 'ops@store.example', apiSecret: SECRET, webhookSecret: `${SECRET}-wh`, fields: { pickupLocation: 'Main', pickupPincode: '560068' } }, 'seed');
    const { agent } = await signedIn(c.app);
    const page = (await agent.get('/ops/couriers').expect(200)).text;
    expect(page).not.toContain(SECRET);
    expect(page).not.toContain('ops@store.example');
    const stored = await mongo.cols.couriers.findOne({ _id: 'shiprocket' });
    expect(page).not.toContain(stored!.apiConfig.apiSecret!.ct);
    expect(page).toContain('data-secret-state="apiSecret">· currently set (key k1)');
    expect(page).toContain('data-secret-state="apiKey">· currently set (key k1)');
    expect(page).toMatch(/name="secret_apiSecret" value=""/);
    expect(page).toContain('https://waybill.example.in/api/webhooks/courier/rocket');
  });

  it('keeps a secret left empty, replaces a typed one, clears on request', async () => {
    const { agent, csrf } = await signedIn(c.app);
    const base = { _csrf: csrf, enabled: 'on', provider: 'shiprocket', field_pickupLocation: 'Main', field_pickupPincode: '560068' };
    await agent.post('/ops/couriers/shiprocket').type('form').send({ ...base, secret_apiSecret: NEW_SECRET, clear_webhookSecret: 'on' }).expect(303);
    const s = await c.courierSettings.getDecrypted('shiprocket');
    expect(s).toMatchObject({ apiKey: 'ops@store.example', apiSecret: NEW_SECRET, enabled: true });
    expect(s!.webhookSecret).toBeUndefined();
    const page = (await agent.get('/ops/couriers')).text;
    expect(page).toContain('Shiprocket settings saved.');
    expect(page).not.toContain(NEW_SECRET);
    expect((await c.courierSettings.getView('shiprocket'))!.updatedBy).toBe('admin:0');
  });

  it('refuses an invalid form without saving or echoing the secret typed into it', async () => {
    const { agent, csrf } = await signedIn(c.app);
    const before = await c.courierSettings.getDecrypted('shiprocket');
    const res = await agent
      .post('/ops/couriers/shiprocket')
      .type('form')
      .send({ _csrf: csrf, enabled: 'on', provider: 'shiprocket', field_pickupLocation: 'Changed', field_pickupPincode: '12', secret_apiSecret: `${NEW_SECRET}-2` })
      .expect(400);
    expect(res.text).not.toContain(`${NEW_SECRET}-2`);
    expect(res.text).toContain('a 6-digit pincode');
    expect(res.text).toMatch(/id="shiprocket-pickupPincode" name="field_pickupPincode" value="12" aria-invalid="true"/);
    expect(res.text).toContain('value="Changed"');
    expect(await c.courierSettings.getDecrypted('shiprocket')).toEqual(before);
  });

  it('disables a courier', async () => {
    const { agent, csrf } = await signedIn(c.app);
    await agent.post('/ops/couriers/shiprocket').type('form').send({ _csrf: csrf, provider: 'shiprocket' }).expect(303);
    expect(await c.courierSettings.getDecrypted('shiprocket')).toMatchObject({ enabled: false, apiKey: 'ops@store.example', apiSecret: NEW_SECRET });
  });
});
