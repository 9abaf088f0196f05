// The tracking page over HTTP: who gets in (signed link, confirmed contact), what they see, where the
// data comes from (workflow, or the stored copy), the NDR answer, and the headers that keep it private.
import { createHash } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShipmentGatewayError } from '../../src/shipments/gateway';
import type { Mongo } from '../../src/storage/mongo';
import { MongoTrackingStore } from '../../src/storage/tracking-page-store';
import { freshMongo } from '../support/mongo';
import { emptyStore, ndrView, pageApp, StubGateway, storeOrder, storeShipment, view, visibleText } from './support';

let mongo: Mongo;
beforeAll(async () => {
  mongo = await freshMongo('tracking_page_routes');
});
afterAll(async () => {
  await mongo?.close();
});

const pathOf = (link: string) => {
  const u = new URL(link);
  return u.pathname + u.search;
};

describe('access', () => {
  it('without a credential shows only the confirm form, identical whether or not the order exists', async () => {
    const gw = new StubGateway();
    gw.views.set('REAL-1', view('REAL-1'));
    await storeOrder(mongo.cols, 'REAL-1', { name: 'Asha', phone: '9876543210' });
    const { app } = pageApp({ gateway: gw, store: new MongoTrackingStore(mongo.cols) });
    const real = await request(app).get('/order-tracking/REAL-1');
    const none = await request(app).get('/order-tracking/NONE-1');
    expect(real.status).toBe(200);
    expect(none.status).toBe(200);
    expect(real.text.replaceAll('REAL-1', 'X')).toBe(none.text.replaceAll('NONE-1', 'X'));
    expect(real.text).toContain('Phone number or email address');
    expect(real.text).not.toContain('DLV000123');
    expect(gw.trackingCalls).toBe(0);
  });

  it('with a bad, foreign or expired link says so (403) and still tells nothing about the order', async () => {
    const gw = new StubGateway();
    gw.views.set('REAL-2', view('REAL-2'));
    let now = Date.parse('2026-03-03T10:00:00Z');
    const { app, page } = pageApp({ gateway: gw, store: emptyStore, now: () => now });
    const forged = await request(app).get('/order-tracking/REAL-2?t=abc.AAAAAAAAAAAAAAAAAAAAAA');
    const forgedNone = await request(app).get('/order-tracking/NONE-2?t=abc.AAAAAAAAAAAAAAAAAAAAAA');
    expect(forged.status).toBe(403);
    expect(forged.text.replaceAll('REAL-2', 'X')).toBe(forgedNone.text.replaceAll('NONE-2', 'X'));
    expect(visibleText(forged.text)).toContain('This tracking link is not valid');
    const other = new URL(page.trackingLink('OTHER-2')).searchParams.get('t')!;
    expect((await request(app).get(`/order-tracking/REAL-2?t=${other}`)).status).toBe(403);
    const link = pathOf(page.trackingLink('REAL-2'));
    now += 70 * 86_400_000;
    const expired = await request(app).get(link);
    expect(expired.status).toBe(403);
    expect(visibleText(expired.text)).toContain('This tracking link has expired');
    expect(expired.text).not.toContain('DLV000123');
    expect(gw.trackingCalls).toBe(0);
  });

  it('a malformed order id is a plain 404', async () => {
    const { app } = pageApp({ gateway: new StubGateway(), store: emptyStore });
    expect((await request(app).get('/order-tracking/..%2Fetc')).status).toBe(404);
    expect((await request(app).get(`/order-tracking/${'x'.repeat(60)}`)).status).toBe(404);
  });

  it('confirming the phone sets a cookie for that order only; a wrong answer or an unknown order gets the same refusal', async () => {
    const gw = new StubGateway();
    gw.views.set('REAL-3', view('REAL-3'));
    gw.views.set('REAL-4', view('REAL-4'));
    await storeOrder(mongo.cols, 'REAL-3', { name: 'Asha', phone: '+91 98765 43210', email: 'asha@example.in' });
    await storeOrder(mongo.cols, 'REAL-4', { name: 'Ravi', phone: '9123456789' });
    const { app } = pageApp({ gateway: gw, store: new MongoTrackingStore(mongo.cols) });
    const wrong = await request(app).post('/order-tracking/REAL-3/verify').type('form').send({ contact: '9123456789' });
    const unknown = await request(app).post('/order-tracking/NONE-3/verify').type('form').send({ contact: '9123456789' });
    expect(wrong.status).toBe(403);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect(wrong.text.replaceAll('REAL-3', 'X')).toBe(unknown.text.replaceAll('NONE-3', 'X'));

    const ok = await request(app).post('/order-tracking/REAL-3/verify').type('form').send({ contact: '098765 43210' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/order-tracking/REAL-3');
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toMatch(/^wb_track=[0-9a-z]+\.[A-Za-z0-9_-]{22}; Path=\/order-tracking\/REAL-3; Max-Age=604800; HttpOnly; SameSite=Lax$/);
    const pair = cookie.split(';')[0]!;
    const shown = await request(app).get('/order-tracking/REAL-3').set('Cookie', pair);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('DLV000123');
    expect((await request(app).get('/order-tracking/REAL-4').set('Cookie', pair)).text).not.toContain('DLV000123');
  });

  it('limits failed confirmations per order (and never counts a success)', async () => {
    await storeOrder(mongo.cols, 'REAL-5', { name: 'Asha', email: 'asha@example.in' });
    const { app } = pageApp({ gateway: new StubGateway(), store: new MongoTrackingStore(mongo.cols), verifyLimits: { perOrder: 3, perIp: 100 } });
    for (let i = 0; i < 3; i++) expect((await request(app).post('/order-tracking/REAL-5/verify').type('form').send({ contact: `guess${i}@example.in` })).status).toBe(403);
    const limited = await request(app).post('/order-tracking/REAL-5/verify').type('form').send({ contact: 'asha@example.in' });
    expect(limited.status).toBe(429);
    expect(visibleText(limited.text)).toContain('Too many attempts');
    expect(limited.headers['set-cookie']).toBeUndefined();
    // Another order is not affected by this one's guessing.
    await storeOrder(mongo.cols, 'REAL-6', { name: 'Asha', email: 'asha@example.in' });
    expect((await request(app).post('/order-tracking/REAL-6/verify').type('form').send({ contact: 'asha@example.in' })).status).toBe(303);
  });
});

describe('what the page shows', () => {
  it('status, steps, timeline in IST (escaped), courier, AWB, courier link, expected delivery — and nothing internal', async () => {
    const gw = new StubGateway();
    gw.views.set('SHOW-1', view('SHOW-1', { manual: { status: 'in_transit', by: 'admin:0', reason: 'customer shouted at ops', at: '2026-03-01T10:00:00Z' } }));
    const { app, page } = pageApp({ gateway: gw, store: emptyStore });
    const res = await request(app).get(pathOf(page.trackingLink('SHOW-1')));
    expect(res.status).toBe(200);
    const text = visibleText(res.text);
    expect(text).toContain('On its way');
    expect(res.text).toMatch(/<li class="current" aria-current="step"><span class="sr">Now: <\/span>In transit<\/li>/);
    // Newest first, times in the store's zone: 04:30Z + 12 h = 10:00 pm IST.
    expect(text.indexOf('Bag scanned <b>late</b>')).toBeLessThan(text.indexOf('Arrived at sorting centre'));
    expect(res.text).toContain('Bag scanned &lt;b&gt;late&lt;/b&gt;');
    expect(text).toContain('Sun, 1 Mar, 10:00 pm IST');
    expect(text).toContain('Bhiwandi Sort Centre');
    expect(text).toContain('Delhivery');
    expect(text).toContain('DLV000123');
    expect(text).toContain('Expected delivery: Fri, 6 Mar');
    expect(res.text).toContain('href="https://track.example/DLV000123" target="_blank" rel="noopener noreferrer"');
    expect(text).toContain('help@chai.example');
    for (const secret of ['customer shouted', 'admin:0', 'INTERNAL', '/api/v1/packages']) expect(res.text).not.toContain(secret);
  });

  it('sends headers that keep the link private, with a CSP that allows exactly the inline style and script', async () => {
    const gw = new StubGateway();
    gw.views.set('HDR-1', view('HDR-1'));
    const { app, page } = pageApp({ gateway: gw, store: emptyStore });
    const res = await request(app).get(pathOf(page.trackingLink('HDR-1')));
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBe('DENY');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).not.toContain('unsafe');
    expect(csp).toContain("default-src 'none'");
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.text)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(res.text)![1]!;
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(res.text).not.toMatch(/ style="| on[a-z]+="/);
  });

  it('never turns a courier URL that is not http(s) into a link', async () => {
    const gw = new StubGateway();
    gw.views.set('JS-1', view('JS-1', { trackingUrl: 'javascript:alert(1)' }));
    const { app, page } = pageApp({ gateway: gw, store: emptyStore });
    const res = await request(app).get(pathOf(page.trackingLink('JS-1')));
    expect(res.text).not.toContain('javascript:alert');
  });
});

describe('where the data comes from', () => {
  it('no worker answers (unavailable): the stored copy, with a "last updated" note', async () => {
    await storeShipment(mongo.cols, 'FB-1', 'in_transit');
    const gw = new StubGateway();
    gw.fail = new ShipmentGatewayError('unavailable', 'no worker');
    const { app, page } = pageApp({ gateway: gw, store: new MongoTrackingStore(mongo.cols) });
    const res = await request(app).get(pathOf(page.trackingLink('FB-1')));
    expect(res.status).toBe(200);
    const text = visibleText(res.text);
    expect(text).toContain('Arrived at sorting centre');
    expect(text).toContain('Last updated Mon, 2 Mar, 6:00 am IST'); // stored at 00:30 UTC
  });

  it('the workflow does not answer in time: the stored copy, after the page’s own deadline', async () => {
    await storeShipment(mongo.cols, 'FB-2', 'picked_up');
    const gw = new StubGateway();
    gw.hang = true;
    const { app, page } = pageApp({ gateway: gw, store: new MongoTrackingStore(mongo.cols), queryTimeoutMs: 200 });
    const res = await request(app).get(pathOf(page.trackingLink('FB-2')));
    expect(res.status).toBe(200);
    expect(visibleText(res.text)).toContain('Picked up by the courier');
    expect(gw.trackingCalls).toBe(1);
  });

  it('a finished shipment is read from the stored copy without asking Temporal', async () => {
    await storeShipment(mongo.cols, 'FB-3', 'delivered', [
      { key: 'd1', status: 'delivered', rawCode: 'DL', rawLabel: 'Delivered', description: 'Delivered to Asha', occurredAt: '2026-03-05T09:00:00Z', receivedAt: '2026-03-05T09:00:00Z', source: 'poll', applied: true },
    ]);
    const gw = new StubGateway();
    const { app, page } = pageApp({ gateway: gw, store: new MongoTrackingStore(mongo.cols) });
    const res = await request(app).get(pathOf(page.trackingLink('FB-3')));
    const text = visibleText(res.text);
    expect(text).toContain('Delivered Thu, 5 Mar, 2:30 pm IST');
    expect(text).not.toContain('Last updated');
    expect(res.text).not.toContain(' data-events="'); // nothing left to watch
    expect(gw.trackingCalls).toBe(0);
  });

  it('no shipment yet: says so; neither source answers: 503', async () => {
    const gw = new StubGateway();
    const { app, page } = pageApp({ gateway: gw, store: new MongoTrackingStore(mongo.cols) });
    const none = await request(app).get(pathOf(page.trackingLink('NEW-1')));
    expect(none.status).toBe(200);
    expect(visibleText(none.text)).toContain('has not been handed to a courier yet');
    gw.fail = new ShipmentGatewayError('unavailable', 'down');
    const down = await request(app).get(pathOf(page.trackingLink('NEW-1')));
    expect(down.status).toBe(503);
  });
});

describe('answering a failed delivery', () => {
  async function ndrPage(gw: StubGateway, id: string) {
    gw.views.set(id, ndrView(id));
    const { app, page } = pageApp({ gateway: gw, store: emptyStore });
    const link = pathOf(page.trackingLink(id));
    const res = await request(app).get(link);
    const csrf = /name="csrf" value="([^"]+)"/.exec(res.text)![1]!;
    const action = /<form method="post" action="([^"]+)"/.exec(res.text)![1]!.replaceAll('&amp;', '&');
    return { app, page, link, res, csrf, action };
  }

  it('shows the reason, the deadline and the four ways to answer, each labelled', async () => {
    const { res } = await ndrPage(new StubGateway(), 'NDR-0');
    const text = visibleText(res.text);
    expect(text).toContain('We could not deliver your order');
    expect(text).toContain('nobody was available to receive it');
    expect(text).toContain('Customer not available');
    expect(text).not.toContain('Expected delivery'); // the courier's first date no longer holds
    expect(text).toContain('Choose one of these by Wed, 4 Mar, 6:00 am IST'); // deadline 00:30 UTC, in IST
    for (const id of ['ndr-date', 'ndr-address1', 'ndr-address2', 'ndr-pincode', 'ndr-phone']) expect(res.text).toContain(`<label for="${id}">`);
    expect(res.text).not.toContain('http-equiv="refresh"'); // never reload over a half-filled form
  });

  it('a CSRF-checked POST reaches the workflow as the customer’s answer, once per attempt and action', async () => {
    const gw = new StubGateway();
    const { app, action, csrf, link } = await ndrPage(gw, 'NDR-1');
    expect(action).toBe(`/order-tracking/NDR-1/ndr${link.slice(link.indexOf('?'))}`);
    const post = () => request(app).post(action).type('form').send({ csrf, action: 'change_phone', phone: '+91 91234 56789' });
    const res = await post();
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${link}&r=sent`);
    await post();
    expect(gw.ndrCalls).toHaveLength(2);
    expect(gw.ndrCalls[0]).toEqual({ orderId: 'NDR-1', req: { requestId: expect.stringMatching(/^tp-/), action: { type: 'change_phone', phone: '9123456789' }, by: 'customer' } });
    expect(gw.ndrCalls[1]!.req.requestId).toBe(gw.ndrCalls[0]!.req.requestId);
    const shown = await request(app).get(res.headers.location!);
    expect(visibleText(shown.text)).toContain('Thank you. We have passed your answer to the courier.');
  });

  it('refuses a POST without the right form token, and reaches nothing', async () => {
    const gw = new StubGateway();
    const { app, action, csrf } = await ndrPage(gw, 'NDR-2');
    expect((await request(app).post(action).type('form').send({ action: 'reattempt' })).status).toBe(403);
    expect((await request(app).post(action).type('form').send({ csrf: csrf.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')), action: 'reattempt' })).status).toBe(403);
    // A token from another order's page does not work here either.
    const other = await ndrPage(gw, 'NDR-3');
    expect((await request(app).post(action).type('form').send({ csrf: other.csrf, action: 'reattempt' })).status).toBe(403);
    // Nor without the link's credential at all.
    expect((await request(app).post('/order-tracking/NDR-2/ndr').type('form').send({ csrf, action: 'reattempt' })).status).toBe(403);
    expect(gw.ndrCalls).toHaveLength(0);
  });

  it('a mistake comes back next to the form (422) with what was typed; the workflow is not asked', async () => {
    const gw = new StubGateway();
    const { app, action, csrf, res: first } = await ndrPage(gw, 'NDR-4');
    const res = await request(app).post(action).type('form').send({ csrf, action: 'change_address', address1: '7 Lake View Road', pincode: '12345' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('aria-invalid="true" aria-describedby="ndr-pincode-err"');
    expect(res.text).toContain('value="7 Lake View Road"');
    expect(res.text).toMatch(/<details class="option" open><summary>Correct the address/);
    expect(gw.ndrCalls).toHaveLength(0);
    // The live stream must not take the form back: the page claims the version of the unchanged shipment.
    const version = (html: string) => /data-version="([^"]+)"/.exec(html)![1];
    expect(version(res.text)).toBe(version(first.text));
  });

  it('tells the customer when the answer could not be taken', async () => {
    const gw = new StubGateway();
    const { app, action, csrf, link } = await ndrPage(gw, 'NDR-5');
    gw.ndrAnswer = () => new ShipmentGatewayError('unavailable', 'no worker');
    expect((await request(app).post(action).type('form').send({ csrf, action: 'reattempt' })).headers.location).toBe(`${link}&r=unavailable`);
    gw.ndrAnswer = () => new ShipmentGatewayError('conflict', 'no open NDR');
    expect((await request(app).post(action).type('form').send({ csrf, action: 'reattempt' })).headers.location).toBe(`${link}&r=closed`);
    gw.ndrAnswer = () => ({ accepted: false, sentToCourier: false, status: 'undelivered', message: 'courier refused' });
    expect((await request(app).post(action).type('form').send({ csrf, action: 'reattempt' })).headers.location).toBe(`${link}&r=failed`);
    // Once the NDR is answered (here: by ops), the form is gone and a late POST changes nothing.
    gw.views.set('NDR-5', ndrView('NDR-5', { ndr: { ...ndrView('NDR-5').ndr!, resolution: { action: { type: 'reattempt' }, by: 'admin', at: '2026-03-03T05:00:00Z', sentToCourier: true } } }));
    const calls = gw.ndrCalls.length;
    expect((await request(app).post(action).type('form').send({ csrf, action: 'reattempt' })).headers.location).toBe(`${link}&r=closed`);
    expect(gw.ndrCalls).toHaveLength(calls);
    const page = visibleText((await request(app).get(link)).text);
    expect(page).toContain('We have asked the courier to deliver it again.');
    expect(page).not.toContain('What should we do next?');
  });
});
