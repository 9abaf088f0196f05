import { describe, expect, it } from 'vitest';
import { CourierError } from '../../../src/couriers/common/errors';
import { redactUrl } from '../../../src/couriers/common/redact';
import { API_KEY, at, fixture, harness, rejection, TOKEN } from './support';

const ref = { orderId: 'ORD-1', awb: '345642367564', courierShipmentId: '352' };
const syncOne = JSON.stringify({ success: 'Shipment statuses synced successfully', msg: [{ shipment_id: '352', status: '24', date_delivered: '', 'date_picked ': '' }] });

describe('iCarry session', () => {
  it('logs in with a form-encoded username and key, then sends the token after a literal "&"', async () => {
    const h = harness();
    h.login();
    h.on(at('api_shipment_status_sync'), syncOne);
    await h.client.trackMany([ref]);

    const [login] = h.sent('api_login');
    expect(login!.path).toBe('/api_login');
    expect(login!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(login!.form).toEqual({ username: 'merchant@example.in', key: API_KEY });
    expect(h.sent('api_shipment_status_sync')[0]!.path).toBe(`/api_shipment_status_sync&api_token=${TOKEN}`);
    h.agent.assertNoPendingInterceptors();
  });

  it("reuses the token for 55 minutes, then logs in again before iCarry's 60 run out", async () => {
    const h = harness();
    h.login('token-one');
    h.on(at('api_shipment_status_sync', 'token-one'), syncOne, 2);
    await h.client.trackMany([ref]);
    h.clock.advance(54 * 60_000);
    await h.client.trackMany([ref]);
    expect(h.sent('api_login')).toHaveLength(1);

    h.clock.advance(60_000);
    h.login('token-two');
    h.on(at('api_shipment_status_sync', 'token-two'), syncOne);
    await h.client.trackMany([ref]);
    expect(h.sent('api_login')).toHaveLength(2);
    h.agent.assertNoPendingInterceptors();
  });

  it('concurrent calls share one login', async () => {
    const h = harness();
    h.login(TOKEN, 1);
    h.on(at('api_shipment_status_sync'), syncOne, 3);
    await Promise.all([h.client.trackMany([ref]), h.client.trackMany([ref]), h.client.trackMany([ref])]);
    expect(h.sent('api_login')).toHaveLength(1);
    expect(h.sent('api_shipment_status_sync')).toHaveLength(3);
  });

  it.each([
    ['error.key (as integrators see it)', { error: { key: 'Warning: Incorrect API Key!' } }],
    ["OpenCart's stock session-gone warning", { error: { warning: 'Warning: You do not have permission to access the API!' } }],
    ['a token sentence', { error: 'Invalid or expired api_token. ' }],
  ])('re-logs-in once and retries when the token is refused: %s', async (_name, refusal) => {
    const h = harness();
    h.login('stale');
    h.on(at('api_shipment_status_sync', 'stale'), JSON.stringify(refusal));
    h.login('fresh');
    h.on(at('api_shipment_status_sync', 'fresh'), syncOne);
    const result = await h.client.trackMany([ref]);
    expect(result['345642367564']?.kind).toBe('tracked');
    expect(h.sent('api_login')).toHaveLength(2);
    h.agent.assertNoPendingInterceptors();
  });

  it('re-logs-in once on HTTP 401', async () => {
    const h = harness();
    h.login('stale');
    h.on(at('api_shipment_status_sync', 'stale'), { status: 401, text: 'Unauthorized' });
    h.login('fresh');
    h.on(at('api_shipment_status_sync', 'fresh'), syncOne);
    await h.client.trackMany([ref]);
    h.agent.assertNoPendingInterceptors();
  });

  it('gives up with auth_rejected when a fresh token is refused too', async () => {
    const h = harness();
    h.login('one');
    h.on(at('api_shipment_status_sync', 'one'), JSON.stringify({ error: { key: 'Warning: Incorrect API Key!' } }));
    h.login('two');
    h.on(at('api_shipment_status_sync', 'two'), JSON.stringify({ error: { key: 'Warning: Incorrect API Key!' } }));
    const e = await rejection(h.client.trackMany([ref]));
    expect(e).toBeInstanceOf(CourierError);
    expect(e).toMatchObject({ kind: 'permanent', code: 'auth_rejected' });
    h.agent.assertNoPendingInterceptors();
  });

  it('an IP allow-list refusal at login is permanent and says what to do', async () => {
    const h = harness();
    h.on('/api_login', fixture('login.ip-not-allowed.json'));
    const e = await rejection(h.client.trackMany([ref]));
    expect(e).toMatchObject({ kind: 'permanent', code: 'auth_rejected', operation: 'login' });
    expect(e.message).toContain('allow-list');
    expect(e.message).toContain('Your IP 172.68.46.114 is not allowed');
    expect(h.sent('api_login')).toHaveLength(1);
  });

  it('an IP refusal on an API call is permanent too, with no second login', async () => {
    const h = harness();
    h.login();
    h.on(at('api_shipment_status_sync'), fixture('login.ip-not-allowed.json'));
    const e = await rejection(h.client.trackMany([ref]));
    expect(e).toMatchObject({ kind: 'permanent', code: 'auth_rejected' });
    expect(h.sent('api_login')).toHaveLength(1);
  });

  it('a wrong API key at login is permanent auth_rejected', async () => {
    const h = harness();
    h.on('/api_login', fixture('login.bad-key.json'));
    await expect(h.client.trackMany([ref])).rejects.toMatchObject({ kind: 'permanent', code: 'auth_rejected' });
  });

  it('reads a login reply that has a PHP notice in front of the JSON', async () => {
    const h = harness();
    h.on('/api_login', `<br />\n<b>Notice</b>:  Undefined index: HTTP_X_FORWARDED_FOR in <b>/home/icarry/catalog/controller/api/login.php</b> on line <b>31</b><br />\n${fixture('login.success.json')}`);
    h.on(at('api_shipment_status_sync'), syncOne);
    await expect(h.client.trackMany([ref])).resolves.toHaveProperty('345642367564');
  });

  it('a login reply without JSON or without a token is transient', async () => {
    const h = harness();
    h.on('/api_login', '<html><body>502 Bad Gateway</body></html>');
    await expect(h.client.trackMany([ref])).rejects.toMatchObject({ kind: 'transient', code: 'bad_response' });
    h.on('/api_login', '{"success":"Success: API session successfully started!"}');
    await expect(h.client.trackMany([ref])).rejects.toMatchObject({ kind: 'transient', code: 'bad_response' });
  });
});

describe('secrets stay out of errors and observations', () => {
  it('redacts the token in the &api_token= URL (no "?") of a network error', async () => {
    const h = harness();
    h.login();
    h.agent.get('https://www.icarry.in').intercept({ path: at('api_shipment_status_sync'), method: 'POST' }).replyWithError(new Error('socket hang up'));
    const e = await rejection(h.client.trackMany([ref]));
    expect(e).toMatchObject({ kind: 'transient', code: 'network' });
    expect(e.message).toContain('api_token=[REDACTED]');
    expect(e.message).not.toContain(TOKEN);
    expect(redactUrl(`https://www.icarry.in/api_track_shipment&api_token=${TOKEN}`)).toBe('https://www.icarry.in/api_track_shipment&api_token=[REDACTED]');
  });

  it('scrubs the API key and the token when an error body echoes them', async () => {
    const h = harness();
    h.login();
    h.on(at('api_shipment_status_sync'), { status: 500, text: `Fatal error: login(${API_KEY}) token ${TOKEN}` });
    const e = await rejection(h.client.trackMany([ref]));
    expect(e).toMatchObject({ kind: 'transient', code: 'server_error' });
    const everything = JSON.stringify({ message: e.message, details: e.details, observations: h.observations });
    expect(everything).not.toContain(API_KEY);
    expect(everything).not.toContain(TOKEN);
    expect(everything).toContain('[REDACTED]');
  });

  it('observes each call with its outcome and never a URL', async () => {
    const h = harness();
    h.login();
    h.on(at('api_shipment_status_sync'), syncOne);
    await h.client.trackMany([ref]);
    expect(h.observations.map((o) => [o.operation, o.outcome, o.httpStatus])).toEqual([
      ['login', 'ok', 200],
      ['trackMany', 'ok', 200],
    ]);
  });
});
