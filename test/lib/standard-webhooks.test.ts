// Standard Webhooks signing and verification: the scheme's published test vector, interop both ways
// with the official `standardwebhooks` package, every way a request is refused, secret rotation, and
// properties over arbitrary ids, bodies and secrets.
import fc from 'fast-check';
import { Webhook, WebhookVerificationError as OfficialVerificationError } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as client from '../../src/client';
import { storeEventBody, type StoreEvent } from '../../src/domain/store-events';
import {
  generateSecret,
  secretKey,
  signatureHeaders,
  verifyWebhook,
  WebhookVerificationError,
  type WebhookVerificationFailure,
} from '../../src/lib/standard-webhooks';

// The vector every Standard Webhooks library tests against (standard-webhooks/standard-webhooks,
// libraries/*: secret, msg id, timestamp, payload and the expected signature).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const vectorDate = new Date(VECTOR.timestamp * 1000);

function failure(f: () => unknown): WebhookVerificationFailure | 'accepted' {
  try {
    f();
    return 'accepted';
  } catch (e) {
    if (e instanceof WebhookVerificationError) return e.reason;
    throw e;
  }
}

describe('the published test vector', () => {
  it('signs to the expected signature', () => {
    const h = signatureHeaders({ id: VECTOR.id, timestamp: vectorDate, body: VECTOR.body, secrets: [VECTOR.secret] });
    expect(h).toEqual({ 'webhook-id': VECTOR.id, 'webhook-timestamp': String(VECTOR.timestamp), 'webhook-signature': VECTOR.signature });
  });

  it('verifies at its own time, with a Buffer body, and is refused once the tolerance has passed', () => {
    const headers = { 'webhook-id': VECTOR.id, 'webhook-timestamp': String(VECTOR.timestamp), 'webhook-signature': VECTOR.signature };
    expect(verifyWebhook({ headers, body: VECTOR.body, secrets: [VECTOR.secret], now: vectorDate })).toEqual({ id: VECTOR.id, timestamp: vectorDate });
    expect(failure(() => verifyWebhook({ headers, body: Buffer.from(VECTOR.body), secrets: [VECTOR.secret], now: vectorDate }))).toBe('accepted');
    expect(failure(() => verifyWebhook({ headers, body: VECTOR.body, secrets: [VECTOR.secret] }))).toBe('timestamp-too-old');
  });

  it('the secret works without its whsec_ prefix too, as in the official libraries', () => {
    const h = signatureHeaders({ id: VECTOR.id, timestamp: vectorDate, body: VECTOR.body, secrets: [VECTOR.secret.slice('whsec_'.length)] });
    expect(h['webhook-signature']).toBe(VECTOR.signature);
  });
});

describe('interop with the official standardwebhooks package', () => {
  afterEach(() => vi.useRealTimers());

  it('the official library verifies what we sign, and signs the vector as we do', () => {
    const secret = generateSecret();
    const body = JSON.stringify({ id: 'ORD-1:e1', type: 'shipment.booked', data: { awb: 'AWB1', note: 'ünïcødé ✓' } });
    const headers = signatureHeaders({ id: 'ORD-1:e1', timestamp: new Date(), body, secrets: [secret] });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(VECTOR.secret).sign(VECTOR.id, vectorDate, VECTOR.body)).toBe(VECTOR.signature);
  });

  it('the official library verifies our rotation headers with either secret, and refuses a third', () => {
    const [a, b] = [generateSecret(), generateSecret(24)];
    const body = '{"x":1}';
    const headers = signatureHeaders({ id: 'm1', timestamp: new Date(), body, secrets: [a, b] });
    expect(new Webhook(a).verify(body, headers)).toEqual({ x: 1 });
    expect(new Webhook(b).verify(body, headers)).toEqual({ x: 1 });
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow(OfficialVerificationError);
  });

  it('we verify what the official library signs, and refuse its signature for another body', () => {
    const secret = generateSecret();
    const wh = new Webhook(secret);
    const now = new Date();
    const body = '{"event":"ok","n":[1,2,3]}';
    const headers = { 'Webhook-Id': 'msg_1', 'Webhook-Timestamp': String(Math.floor(now.getTime() / 1000)), 'Webhook-Signature': wh.sign('msg_1', now, body) };
    expect(verifyWebhook({ headers, body, secrets: [secret], now }).id).toBe('msg_1');
    expect(failure(() => verifyWebhook({ headers, body: body.replace('ok', 'ko'), secrets: [secret], now }))).toBe('no-matching-signature');
  });

  it('both refuse the same stale and future timestamps', () => {
    const secret = generateSecret();
    const now = new Date('2026-01-01T00:00:00Z');
    vi.useFakeTimers({ now, toFake: ['Date'] });
    for (const offset of [-301, 301]) {
      const at = new Date(now.getTime() + offset * 1000);
      const headers = signatureHeaders({ id: 'm', timestamp: at, body: '{}', secrets: [secret] });
      expect(() => new Webhook(secret).verify('{}', headers)).toThrow(/timestamp too (old|new)/);
      expect(failure(() => verifyWebhook({ headers, body: '{}', secrets: [secret] }))).toBe(offset < 0 ? 'timestamp-too-old' : 'timestamp-too-new');
    }
    for (const offset of [-300, 300]) {
      const headers = signatureHeaders({ id: 'm', timestamp: new Date(now.getTime() + offset * 1000), body: '{}', secrets: [secret] });
      expect(new Webhook(secret).verify('{}', headers)).toEqual({});
      expect(failure(() => verifyWebhook({ headers, body: '{}', secrets: [secret] }))).toBe('accepted');
    }
  });
});

describe('verification refuses', () => {
  const secret = generateSecret();
  const now = new Date('2026-03-01T10:00:00Z');
  const body = JSON.stringify({ id: 'ORD-9:e3', type: 'shipment.delivered', orderId: 'ORD-9', sequence: 3, data: { to: 'delivered' } });
  const good = signatureHeaders({ id: 'ORD-9:e3', timestamp: now, body, secrets: [secret] });
  const verify = (over: Partial<Parameters<typeof verifyWebhook>[0]> = {}) => failure(() => verifyWebhook({ headers: good, body, secrets: [secret], now, ...over }));

  it('nothing when all is in order, whatever the case of the header names or their container', () => {
    expect(verify()).toBe('accepted');
    const upper = Object.fromEntries(Object.entries(good).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verify({ headers: upper })).toBe('accepted');
    expect(verify({ headers: new Headers(good) })).toBe('accepted');
    expect(verify({ headers: { ...good, 'webhook-id': [good['webhook-id']] } })).toBe('accepted');
  });

  it('a request missing any header, or with an empty or repeated one', () => {
    for (const name of Object.keys(good)) {
      const { [name as keyof typeof good]: _dropped, ...rest } = good;
      expect(verify({ headers: rest }), name).toBe('missing-headers');
      expect(verify({ headers: { ...good, [name]: '' } }), name).toBe('missing-headers');
      expect(verify({ headers: { ...good, [name]: [good[name as keyof typeof good], 'x'] } }), name).toBe('missing-headers');
    }
    expect(verify({ headers: {} })).toBe('missing-headers');
  });

  it('a timestamp that is not whole unix seconds', () => {
    for (const ts of ['abc', '1772359200.5', '-1772359200', '1e9', ' 1772359200', '1772359200abc', '17723592000000000']) {
      expect(verify({ headers: { ...good, 'webhook-timestamp': ts } }), ts).toBe('bad-timestamp');
    }
  });

  it('a forged body: any change to the signed bytes, even whitespace', () => {
    expect(verify({ body: body.replace('delivered', 'cancelled') })).toBe('no-matching-signature');
    expect(verify({ body: body + ' ' })).toBe('no-matching-signature');
    expect(verify({ body: JSON.stringify(JSON.parse(body), null, 1) })).toBe('no-matching-signature');
    expect(verify({ body: '' })).toBe('no-matching-signature');
  });

  it('a forged signature, another id, or the signature moved to another timestamp', () => {
    const sig = good['webhook-signature'];
    const flipped = sig.slice(0, 10) + (sig[10] === 'A' ? 'B' : 'A') + sig.slice(11);
    expect(verify({ headers: { ...good, 'webhook-signature': flipped } })).toBe('no-matching-signature');
    expect(verify({ headers: { ...good, 'webhook-signature': sig.replace('v1,', 'v2,') } })).toBe('no-matching-signature');
    expect(verify({ headers: { ...good, 'webhook-signature': sig.slice(0, -1) } })).toBe('no-matching-signature');
    expect(verify({ headers: { ...good, 'webhook-signature': 'v1,' } })).toBe('no-matching-signature');
    expect(verify({ headers: { ...good, 'webhook-id': 'ORD-9:e4' } })).toBe('no-matching-signature');
    const later = String(Number(good['webhook-timestamp']) + 1);
    expect(verify({ headers: { ...good, 'webhook-timestamp': later } })).toBe('no-matching-signature');
  });

  it('a replay: the same request once the tolerance has passed (and a custom tolerance)', () => {
    expect(verify({ now: new Date(now.getTime() + 300_000) })).toBe('accepted');
    expect(verify({ now: new Date(now.getTime() + 301_000) })).toBe('timestamp-too-old');
    expect(verify({ now: new Date(now.getTime() + 60_000), toleranceSeconds: 30 })).toBe('timestamp-too-old');
    expect(verify({ now: new Date(now.getTime() + 10 * 86_400_000) })).toBe('timestamp-too-old');
  });

  it('a timestamp from the future beyond the tolerance', () => {
    expect(verify({ now: new Date(now.getTime() - 300_000) })).toBe('accepted');
    expect(verify({ now: new Date(now.getTime() - 301_000) })).toBe('timestamp-too-new');
  });

  it('a secret rotated out, and a signature of another scheme version only', () => {
    expect(verify({ secrets: [generateSecret()] })).toBe('no-matching-signature');
    const v1a = { ...good, 'webhook-signature': 'v1a,' + good['webhook-signature'].slice(3) };
    expect(verify({ headers: v1a })).toBe('no-matching-signature');
  });

  it('the error says why and carries no secret or signature', () => {
    try {
      verifyWebhook({ headers: good, body: 'x', secrets: [secret], now });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(WebhookVerificationError);
      expect(e).toBeInstanceOf(Error);
      const err = e as WebhookVerificationError;
      expect(err.name).toBe('WebhookVerificationError');
      expect(err.reason).toBe('no-matching-signature');
      expect(`${err.message} ${err.stack}`).not.toContain(secret.slice(6));
      expect(`${err.message} ${err.stack}`).not.toContain(good['webhook-signature'].slice(3));
    }
  });
});

describe('secret rotation', () => {
  const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
  const now = new Date('2026-03-01T10:00:00Z');
  const body = '{"type":"shipment.booked"}';

  it('during the overlap the sender signs with both secrets and a receiver holding either one verifies', () => {
    const headers = signatureHeaders({ id: 'e1', timestamp: now, body, secrets: [oldSecret, newSecret] });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(headers['webhook-signature'].split(' ').every((s) => /^v1,[A-Za-z0-9+/]{43}=$/.test(s))).toBe(true);
    for (const secrets of [[oldSecret], [newSecret], [newSecret, oldSecret]]) {
      expect(failure(() => verifyWebhook({ headers, body, secrets, now }))).toBe('accepted');
    }
  });

  it('a receiver holding both verifies a sender that still signs with the old one only, or already with the new one only', () => {
    for (const signing of [oldSecret, newSecret]) {
      const headers = signatureHeaders({ id: 'e1', timestamp: now, body, secrets: [signing] });
      expect(failure(() => verifyWebhook({ headers, body, secrets: [newSecret, oldSecret], now }))).toBe('accepted');
    }
  });

  it('after the overlap the old secret is refused', () => {
    const headers = signatureHeaders({ id: 'e1', timestamp: now, body, secrets: [oldSecret] });
    expect(failure(() => verifyWebhook({ headers, body, secrets: [newSecret], now }))).toBe('no-matching-signature');
  });

  it('the same secret twice signs once', () => {
    const headers = signatureHeaders({ id: 'e1', timestamp: now, body, secrets: [newSecret, newSecret] });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(1);
  });
});

describe('secrets and arguments', () => {
  it('generateSecret gives whsec_ and 24–64 random bytes, 32 by default', () => {
    const s = generateSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(secretKey(s)).toHaveLength(32);
    expect(secretKey(generateSecret(24))).toHaveLength(24);
    expect(generateSecret()).not.toBe(s);
    expect(() => generateSecret(16)).toThrow(RangeError);
    expect(() => generateSecret(65)).toThrow(RangeError);
  });

  it('a malformed secret or no secret at all is a loud configuration error, not a refused request', () => {
    for (const bad of ['whsec_', 'whsec_not base64!', 'whsec_abc', '']) {
      expect(() => secretKey(bad), bad).toThrow(TypeError);
      expect(() => verifyWebhook({ headers: {}, body: '', secrets: [bad] }), bad).toThrow(TypeError);
    }
    expect(() => verifyWebhook({ headers: {}, body: '', secrets: [] })).toThrow(TypeError);
    expect(() => signatureHeaders({ id: 'x', timestamp: new Date(), body: '', secrets: [] })).toThrow(TypeError);
    expect(() => signatureHeaders({ id: 'x\r\nInjected: 1', timestamp: new Date(), body: '', secrets: [generateSecret()] })).toThrow(TypeError);
    expect(() => signatureHeaders({ id: 'x', timestamp: new Date(NaN), body: '', secrets: [generateSecret()] })).toThrow(TypeError);
  });
});

describe('properties', () => {
  const secretArb = fc.uint8Array({ minLength: 24, maxLength: 64 }).map((b) => 'whsec_' + Buffer.from(b).toString('base64'));
  const idArb = fc.string({ minLength: 1, maxLength: 64 }).filter((s) => !/[\r\n]/.test(s));
  const bodyArb = fc.oneof(fc.string({ maxLength: 400 }), fc.json(), fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)));
  const timeArb = fc.integer({ min: 0, max: 4_102_444_800 }).map((s) => new Date(s * 1000 + 999));

  it('sign → verify round-trips for any id, body, secret and time, and agrees with the official library', () => {
    fc.assert(
      fc.property(idArb, bodyArb, secretArb, timeArb, (id, body, secret, timestamp) => {
        const headers = signatureHeaders({ id, timestamp, body, secrets: [secret] });
        expect(verifyWebhook({ headers, body, secrets: [secret], now: timestamp })).toEqual({ id, timestamp: new Date(Math.floor(timestamp.getTime() / 1000) * 1000) });
        expect(headers['webhook-signature']).toBe(new Webhook(secret).sign(id, timestamp, typeof body === 'string' ? body : new Uint8Array(body)));
      }),
      { numRuns: 300 },
    );
  });

  it('any single-byte change of the body is refused', () => {
    const bytesArb = fc.uint8Array({ minLength: 1, maxLength: 300 });
    fc.assert(
      fc.property(bytesArb, fc.nat(), fc.integer({ min: 1, max: 255 }), secretArb, (bytes, at, delta, secret) => {
        const body = Buffer.from(bytes);
        const timestamp = new Date('2026-05-01T00:00:00Z');
        const headers = signatureHeaders({ id: 'evt', timestamp, body, secrets: [secret] });
        const forged = Buffer.from(body);
        const i = at % forged.length;
        forged[i] = (forged[i]! + delta) % 256;
        expect(failure(() => verifyWebhook({ headers, body: forged, secrets: [secret], now: timestamp }))).toBe('no-matching-signature');
      }),
      { numRuns: 300 },
    );
  });

  it('a single changed byte in a text body (as a string) is refused too', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 3 }), fc.nat(), fc.integer({ min: 1, max: 255 }), secretArb, (json, at, delta, secret) => {
        const timestamp = new Date('2026-05-01T00:00:00Z');
        const headers = signatureHeaders({ id: 'evt', timestamp, body: json, secrets: [secret] });
        const forged = Buffer.from(json, 'utf8');
        const i = at % forged.length;
        forged[i] = (forged[i]! + delta) % 256;
        expect(failure(() => verifyWebhook({ headers, body: forged, secrets: [secret], now: timestamp }))).toBe('no-matching-signature');
      }),
    );
  });
});

describe('the client module (what the store imports)', () => {
  const event: StoreEvent = {
    id: 'ORD-7:e2',
    type: 'shipment.status_changed',
    version: 1,
    orderId: 'ORD-7',
    sequence: 2,
    occurredAt: '2026-03-01T10:00:00.000Z',
    data: { from: 'booked', to: 'picked_up', orderStatus: 'shipped', previousOrderStatus: 'shipped', source: 'webhook', at: '2026-03-01T09:58:00.000Z' },
  };
  const secret = generateSecret();
  const now = new Date('2026-03-01T10:00:05Z');

  it('re-exports the verifier, and parseStoreEvent verifies then parses the body storeEventBody sent', () => {
    expect(client.verifyWebhook).toBe(verifyWebhook);
    expect(client.WebhookVerificationError).toBe(WebhookVerificationError);
    const body = storeEventBody(event);
    const headers = signatureHeaders({ id: event.id, timestamp: now, body, secrets: [secret] });
    const parsed = client.parseStoreEvent(headers, Buffer.from(body), [secret], { now });
    expect(parsed).toEqual({ id: event.id, type: event.type, version: 1, timestamp: event.occurredAt, orderId: 'ORD-7', sequence: 2, data: event.data });
    if (parsed.type === 'shipment.status_changed') expect(parsed.data.to).toBe('picked_up');
    expect(client.parseStoreEvent(headers, body, [secret], { now }).id).toBe(event.id);
  });

  it('parseStoreEvent refuses a forged body before parsing it', () => {
    const body = storeEventBody(event);
    const headers = signatureHeaders({ id: event.id, timestamp: now, body, secrets: [secret] });
    expect(failure(() => client.parseStoreEvent(headers, body.replace('picked_up', 'delivered'), [secret], { now }))).toBe('no-matching-signature');
    expect(failure(() => client.parseStoreEvent(headers, body, [secret]))).toBe('timestamp-too-old');
  });
});
