// Failure classification common to every Delhivery call, and the token never leaking (MockAgent).
import { errors as undiciErrors } from 'undici';
import { describe, expect, it } from 'vitest';
import { TOKEN, answer, failure, fixture, mockDelhivery, sampleRequest } from './helpers';

const TRACK = '/api/v1/packages/json/?waybill=26805710004126';
const WAF_HTML = '<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n</body>\r\n</html>';
const ref = { orderId: 'ORD', awb: '26805710004126' };

describe('403: WAF throttle or rejected token', () => {
  it('an HTML 403 (AWS WAF) is rate_limited with at least 30 s, not auth', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK }, 403, WAF_HTML, { 'content-type': 'text/html' });
    const e = await failure(m.client.track(ref));
    expect([e.kind, e.code]).toEqual(['rate_limited', 'rate_limited']);
    expect(e.details.retryAfterMs).toBe(30_000);
    expect(e.retryable).toBe(true);
    expect(m.observations[0]).toMatchObject({ outcome: 'rate_limited', httpStatus: 403 });
  });

  it('a short Retry-After is raised to 30 s; a longer one is honoured', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK }, 403, WAF_HTML, { 'content-type': 'text/html', 'retry-after': '5' });
    expect((await failure(m.client.track(ref))).details.retryAfterMs).toBe(30_000);
    answer(m.pool, { path: TRACK }, 403, WAF_HTML, { 'content-type': 'text/html', 'retry-after': '120' });
    expect((await failure(m.client.track(ref))).details.retryAfterMs).toBe(120_000);
  });

  it('an empty 403 is the WAF too', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK }, 403, '', {});
    expect((await failure(m.client.track(ref))).kind).toBe('rate_limited');
  });

  it.each([
    [{ detail: 'Authentication credentials were not provided.' }],
    [{ detail: 'Invalid token.' }],
    [{ detail: 'You do not have permission to perform this action.' }],
  ])('a JSON 403 with an auth message %j is a permanent auth_rejected', async (body) => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK }, 403, body);
    const e = await failure(m.client.track(ref));
    expect([e.kind, e.code]).toEqual(['permanent', 'auth_rejected']);
    expect(m.observations[0]).toMatchObject({ outcome: 'permanent', httpStatus: 403 });
  });

  it('a JSON 403 without auth words is still treated as the WAF (custom WAF bodies exist)', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK }, 403, { message: 'Request blocked' });
    expect((await failure(m.client.track(ref))).kind).toBe('rate_limited');
  });
});

describe('other statuses', () => {
  it('401 is a permanent auth_rejected', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK }, 401, { detail: 'Invalid token.' });
    const e = await failure(m.client.track(ref));
    expect([e.kind, e.code]).toEqual(['permanent', 'auth_rejected']);
    expect(e.message).toMatch(/rejected the API token \(Invalid token\.\)/);
  });

  it('429 is rate_limited with its Retry-After', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK }, 429, { message: 'Too many requests' }, { 'content-type': 'application/json', 'retry-after': '7' });
    const e = await failure(m.client.track(ref));
    expect([e.kind, e.details.retryAfterMs]).toEqual(['rate_limited', 7000]);
  });

  it.each([500, 502, 503, 504])('%i is a transient server_error', async (status) => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK }, status, '<h1>Server Error (500)</h1>', { 'content-type': 'text/html' });
    const e = await failure(m.client.track(ref));
    expect([e.kind, e.code]).toEqual(['transient', 'server_error']);
    expect(m.observations[0]).toMatchObject({ outcome: 'transient', httpStatus: status });
  });

  it('400 is a permanent invalid_request carrying Delhivery\'s words', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: '/api/p/update', method: 'POST' }, 400, { error: 'Can not update more than 1000 records' });
    const e = await failure(m.client.ndrAction(ref, { type: 'reattempt' }));
    expect([e.kind, e.code]).toEqual(['permanent', 'invalid_request']);
    expect(e.details.courierMessage).toBe('Can not update more than 1000 records');
  });

  it('the staging/production token mix-up is auth_rejected with a hint, wherever it appears', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK }, 500, { rmk: "Error message is 'NoneType' object has no attribute 'end_date'" });
    const e = await failure(m.client.track(ref));
    expect([e.kind, e.code]).toEqual(['permanent', 'auth_rejected']);
    expect(e.message).toMatch(/staging and production tokens differ/);
  });
});

describe('network', () => {
  it('a connection failure is transient network', async () => {
    const m = mockDelhivery();
    m.pool.intercept({ path: TRACK, method: 'GET' }).replyWithError(new Error('ECONNRESET'));
    const e = await failure(m.client.track(ref));
    expect([e.kind, e.code]).toEqual(['transient', 'network']);
    expect(m.observations).toEqual([{ courier: 'delhivery', operation: 'track', httpStatus: undefined, outcome: 'transient', durationMs: 0 }]);
  });

  it('a timeout is transient timeout', async () => {
    const m = mockDelhivery({ timeoutMs: 50 });
    m.pool.intercept({ path: TRACK, method: 'GET' }).replyWithError(new undiciErrors.HeadersTimeoutError());
    const e = await failure(m.client.track(ref));
    expect([e.kind, e.code]).toEqual(['transient', 'timeout']);
  });
});

describe('the API token never leaks', () => {
  const echo = `bad token ${TOKEN} presented`;
  const cases: Array<[string, (m: ReturnType<typeof mockDelhivery>) => Promise<unknown>]> = [
    [
      '401 echoing it',
      (m) => {
        answer(m.pool, { path: TRACK }, 401, { detail: echo });
        return m.client.track(ref);
      },
    ],
    [
      '400 echoing it',
      (m) => {
        answer(m.pool, { path: TRACK }, 400, { error: echo });
        return m.client.track(ref);
      },
    ],
    [
      '500 echoing it',
      (m) => {
        answer(m.pool, { path: TRACK }, 500, echo, { 'content-type': 'text/plain' });
        return m.client.track(ref);
      },
    ],
    [
      'a create remark echoing it',
      (m) => {
        const body = fixture<Record<string, any>>('create-fail-unknown.json');
        body.rmk = echo;
        body.packages[0].remarks = [echo];
        answer(m.pool, { path: '/api/cmu/create.json', method: 'POST' }, 200, body);
        return m.client.createShipment(sampleRequest());
      },
    ],
    [
      'a cancel remark echoing it',
      (m) => {
        answer(m.pool, { path: '/api/p/edit', method: 'POST' }, 200, { status: false, remark: echo });
        return m.client.cancel(ref);
      },
    ],
    [
      'an NDR refusal echoing it',
      (m) => {
        answer(m.pool, { path: '/api/p/update', method: 'POST' }, 200, { status: false, error: `Package in incorrect status ${echo}` });
        return m.client.ndrAction(ref, { type: 'reattempt' });
      },
    ],
    [
      'a tracking body echoing it',
      (m) => {
        answer(m.pool, { path: TRACK }, 200, { message: echo });
        return m.client.track(ref);
      },
    ],
  ];

  it.each(cases)('%s', async (_name, call) => {
    const m = mockDelhivery();
    const e = await failure(call(m));
    expect(e.name).toBe('CourierError');
    const everything = [e.message, e.stack ?? '', JSON.stringify(e), JSON.stringify(e.details), JSON.stringify(m.observations)].join('\n');
    expect(everything).not.toContain(TOKEN);
    expect(everything).toContain('[REDACTED]');
  });
});
