// The token's life (cache, refresh on the injected clock, shared login, one re-login on 401) and the
// classification of every error form, with secrets kept out of errors and observations.
import { afterEach, describe, expect, it } from 'vitest';
import { CourierError } from '../../../src/couriers/common/errors';
import { BASE, fixture, harness, JSON_HEADERS, ORDER, PASSWORD, rejection, TOKEN, type Harness } from './helpers';

let h: Harness;
afterEach(async () => {
  await h.agent.close();
});

const AWB = '141123221084922';
const ref = { orderId: 'WB-1001', awb: AWB };
const TRACK = `${BASE}/courier/track/awb/${AWB}`;
const DAY = 86_400_000;

function track(status: number, body: unknown = fixture('track-not-yet')) {
  h.pool.intercept({ path: TRACK, method: 'GET' }).reply(status, body as object, JSON_HEADERS);
}
const logins = () => h.calls().filter((c) => c.path === `${BASE}/auth/login`).length;
const bearers = () => h.calls().filter((c) => c.path === TRACK).map((c) => c.headers.authorization);

describe('token', () => {
  it('is fetched once and reused', async () => {
    h = harness();
    h.login();
    track(200);
    track(200);
    await h.client.track(ref);
    await h.client.track(ref);
    expect(logins()).toBe(1);
  });

  it('is refreshed after 9 days on the injected clock, before Shiprocket’s 10-day expiry', async () => {
    h = harness();
    h.login('token-day-0');
    h.login('token-day-9');
    for (let i = 0; i < 3; i++) track(200);
    await h.client.track(ref);
    h.clock.advance(9 * DAY - 1);
    await h.client.track(ref);
    h.clock.advance(1);
    await h.client.track(ref);
    expect(bearers()).toEqual(['Bearer token-day-0', 'Bearer token-day-0', 'Bearer token-day-9']);
  });

  it('is fetched by one login shared by concurrent calls', async () => {
    h = harness();
    h.pool.intercept({ path: `${BASE}/auth/login`, method: 'POST' }).reply(200, fixture('login-success') as object, JSON_HEADERS).delay(20);
    for (let i = 0; i < 3; i++) track(200);
    await Promise.all([h.client.track(ref), h.client.track(ref), h.client.track(ref)]);
    expect(logins()).toBe(1);
  });

  it('is replaced once after a 401 and the call retried once with the new token', async () => {
    h = harness();
    h.login('old-token');
    h.login('new-token');
    track(401, { message: 'Token has expired', status_code: 401 });
    track(200);
    expect(await h.client.track(ref)).toEqual({ kind: 'not_yet', awb: AWB });
    expect(bearers()).toEqual(['Bearer old-token', 'Bearer new-token']);
    expect(h.observations).toEqual([expect.objectContaining({ operation: 'track', outcome: 'ok', httpStatus: 200 })]);
  });

  it('is replaced by a single login when concurrent calls all meet the 401', async () => {
    h = harness();
    h.login('old-token');
    h.login('new-token');
    track(401, { message: 'Unauthenticated.', status_code: 401 });
    track(401, { message: 'Unauthenticated.', status_code: 401 });
    track(200);
    track(200);
    await Promise.all([h.client.track(ref), h.client.track(ref)]);
    expect(logins()).toBe(2);
  });

  it('still refused after the fresh login: permanent auth_rejected, no loop', async () => {
    h = harness();
    h.login('old-token');
    h.login('new-token');
    track(401, { message: 'Unauthenticated.', status_code: 401 });
    track(401, { message: 'Unauthenticated.', status_code: 401 });
    const err = await rejection(h.client.track(ref));
    expect(err).toMatchObject({ kind: 'permanent', code: 'auth_rejected', details: { httpStatus: 401 } });
    expect(bearers()).toHaveLength(2);
  });
});

describe('login failures', () => {
  function loginReply(status: number, body: unknown, headers: Record<string, string> = {}) {
    h.pool.intercept({ path: `${BASE}/auth/login`, method: 'POST' }).reply(status, body as object, { headers: { 'content-type': 'application/json', ...headers } });
  }

  it('rejected credentials are permanent auth_rejected, observed once, with no password anywhere', async () => {
    h = harness();
    // A backend that echoes the request into its error must not leak it either.
    loginReply(400, { message: `Invalid email and password combination for password ${PASSWORD}`, status_code: 400 });
    const err = await rejection(h.client.track(ref));
    expect(err).toBeInstanceOf(CourierError);
    expect(err).toMatchObject({ kind: 'permanent', code: 'auth_rejected', details: { httpStatus: 400 } });
    expect(JSON.stringify([(err as Error).message, (err as CourierError).details, h.observations])).not.toContain(PASSWORD);
    expect((err as Error).message).toContain('[REDACTED]');
    expect(h.observations).toEqual([{ courier: 'shiprocket', operation: 'track', httpStatus: 400, outcome: 'permanent', durationMs: 0 }]);
  });

  it('an MFA challenge instead of a token is auth_rejected with the reason', async () => {
    h = harness();
    loginReply(200, fixture('login-mfa'));
    const err = await rejection(h.client.track(ref));
    expect(err).toMatchObject({ kind: 'permanent', code: 'auth_rejected' });
    expect((err as Error).message).toContain('MFA');
  });

  it('a login that fails on Shiprocket’s side stays retryable', async () => {
    h = harness();
    loginReply(503, '<html>Service Unavailable</html>');
    loginReply(429, { message: 'Too Many Attempts.', status_code: 429 }, { 'retry-after': '60' });
    expect(await rejection(h.client.track(ref))).toMatchObject({ kind: 'transient', code: 'server_error', details: { httpStatus: 503 } });
    expect(await rejection(h.client.track(ref))).toMatchObject({ kind: 'rate_limited', details: { retryAfterMs: 60_000 } });
  });
});

describe('error classification', () => {
  it('429 → rate_limited with Retry-After', async () => {
    h = harness();
    h.login();
    h.pool.intercept({ path: TRACK, method: 'GET' }).reply(429, { message: 'Too Many Attempts.', status_code: 429 }, { headers: { 'retry-after': '12' } });
    expect(await rejection(h.client.track(ref))).toMatchObject({ kind: 'rate_limited', code: 'rate_limited', details: { httpStatus: 429, retryAfterMs: 12_000 } });
    expect(h.observations[0]).toMatchObject({ outcome: 'rate_limited', httpStatus: 429 });
  });

  it('PHP warnings under 500 → transient, with the warning as the courier message', async () => {
    h = harness();
    h.login();
    track(500, fixture('php-non-object-500'));
    expect(await rejection(h.client.track(ref))).toMatchObject({ kind: 'transient', code: 'server_error', details: { courierMessage: 'Trying to get property of non-object' } });
  });

  it('an error status inside a 200 body is classified by that status', async () => {
    h = harness();
    h.login();
    track(200, { message: 'Something went wrong', status_code: 500 });
    expect(await rejection(h.client.track(ref))).toMatchObject({ kind: 'transient', details: { httpStatus: 500 } });
  });

  it('a 2xx that is not JSON (maintenance page) → transient bad_response', async () => {
    h = harness();
    h.login();
    h.pool.intercept({ path: TRACK, method: 'GET' }).reply(200, '<html><body>We will be back soon</body></html>', { headers: { 'content-type': 'text/html' } });
    expect(await rejection(h.client.track(ref))).toMatchObject({ kind: 'transient', code: 'bad_response' });
  });

  it('a 2xx JSON of the wrong shape → permanent bad_response naming the field, not its value', async () => {
    h = harness();
    h.login();
    h.pool.intercept({ path: `${BASE}/orders/create/adhoc`, method: 'POST' }).reply(200, { order_id: 16161616, note: 'asha@example.com' }, JSON_HEADERS);
    const err = await rejection(h.client.createShipment(ORDER));
    expect(err).toMatchObject({ kind: 'permanent', code: 'bad_response' });
    expect((err as Error).message).toContain('shipment_id');
    expect((err as Error).message).not.toContain('asha@example.com');
  });

  it('403 (module access not granted to the API user) → permanent auth_rejected', async () => {
    h = harness();
    h.login();
    track(403, { message: 'Unauthorized! You do not have the required permissions.', status_code: 403 });
    expect(await rejection(h.client.track(ref))).toMatchObject({ kind: 'permanent', code: 'auth_rejected' });
  });

  it('a wallet refusal → permanent insufficient_balance', async () => {
    h = harness();
    h.login();
    h.pool.intercept({ path: `${BASE}/orders/create/adhoc`, method: 'POST' }).reply(200, fixture('create-order-success') as object, JSON_HEADERS);
    h.pool
      .intercept({ path: `${BASE}/courier/assign/awb`, method: 'POST' })
      .reply(200, { awb_assign_status: 0, response: { data: { awb_assign_error: 'Please recharge your wallet, insufficient balance' } } }, JSON_HEADERS);
    expect(await rejection(h.client.createShipment(ORDER))).toMatchObject({ kind: 'permanent', code: 'insufficient_balance' });
  });

  it('never puts the token or password in an error or observation, whatever the body echoes', async () => {
    h = harness();
    h.login();
    track(500, `<html>Fatal error for Bearer ${TOKEN} (login ${PASSWORD})</html>`);
    track(422, { message: `token ${TOKEN} invalid`, errors: { password: [`${PASSWORD} is wrong`] }, status_code: 422 });
    const errs = [await rejection(h.client.track(ref)), await rejection(h.client.track(ref))];
    const everything = JSON.stringify(errs.map((e) => [(e as Error).message, (e as CourierError).details])) + JSON.stringify(h.observations);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(PASSWORD);
    expect(errs[1]).toMatchObject({ code: 'invalid_request', details: { courierMessage: 'token [REDACTED] invalid (password: [REDACTED] is wrong)' } });
  });

  it('still scrubs a token dropped after a 401 when a later error echoes it', async () => {
    h = harness();
    h.login('token-before-401');
    h.login('token-after-401');
    track(401, { message: 'Unauthenticated.', status_code: 401 });
    track(500, { message: 'upstream rejected token-before-401', status_code: 500 });
    const err = await rejection(h.client.track(ref));
    expect(JSON.stringify([(err as Error).message, (err as CourierError).details])).not.toContain('token-before-401');
  });
});
