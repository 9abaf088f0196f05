// Courier settings: secrets encrypted at rest, write-only, never returned or logged; key rotation; the
// webhook URL each courier's dashboard accepts.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { icarryCallbackUrlToken } from '../../src/couriers/icarry';
import { SecretBox } from '../../src/lib/secret-box';
import { CourierSettingsRepo } from '../../src/storage/courier-settings-repo';
import type { Mongo } from '../../src/storage/mongo';
import { SHIPROCKET_BANNED_SUBSTRINGS, SHIPROCKET_WEBHOOK_PATH, urlProblems } from '../../src/webhooks/endpoints';
import { auth, testStack } from '../support/api';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
const key1 = randomBytes(32);
const key2 = randomBytes(32);
const boxV1 = new SecretBox({ current: { id: 'v1', key: key1 }, old: [] });
const boxV2 = new SecretBox({ current: { id: 'v2', key: key2 }, old: [{ id: 'v1', key: key1 }] });

const SECRETS = { apiKey: 'api-user@store.example', apiSecret: 'S3cret-password-value', webhookSecret: 'webhook-token-value-42' };
const shiprocketBody = (over: Record<string, unknown> = {}) => ({
  apiConfig: { provider: 'shiprocket', enabled: true, baseUrl: 'https://apiv2.shiprocket.in/v1/external', ...SECRETS, ...over },
  fields: { pickupLocation: 'Primary', pickupPincode: '560068' },
});

beforeAll(async () => {
  mongo = await freshMongo('couriers_routes');
});
afterAll(async () => mongo.close());
beforeEach(async () => {
  await mongo.cols.couriers.deleteMany({});
});

describe('PUT/GET /api/admin/couriers/:courierId', () => {
  it('stores secrets encrypted and answers only whether each is set', async () => {
    const { app } = testStack(mongo, { box: boxV1 });
    const put = await request(app).put('/api/admin/couriers/shiprocket').set(auth).send(shiprocketBody()).expect(200);
    const get = await request(app).get('/api/admin/couriers/shiprocket').set(auth).expect(200);
    for (const body of [put.body, get.body]) {
      expect(body.apiConfig).toEqual({
        provider: 'shiprocket',
        enabled: true,
        baseUrl: 'https://apiv2.shiprocket.in/v1/external',
        apiKey: { set: true, keyId: 'v1', needsRotation: false },
        apiSecret: { set: true, keyId: 'v1', needsRotation: false },
        webhookSecret: { set: true, keyId: 'v1', needsRotation: false },
      });
      expect(body).toMatchObject({ courierId: 'shiprocket', fields: { pickupLocation: 'Primary', pickupPincode: '560068' }, updatedBy: 'admin:0' });
    }
    const raw = JSON.stringify(await mongo.cols.couriers.findOne({ _id: 'shiprocket' }));
    for (const secret of Object.values(SECRETS)) {
      expect(raw).not.toContain(secret);
      expect(JSON.stringify(get.body)).not.toContain(secret);
    }
    expect(await new CourierSettingsRepo(mongo.cols, boxV1).getDecrypted('shiprocket')).toMatchObject({ ...SECRETS, provider: 'shiprocket', enabled: true, fields: { pickupLocation: 'Primary' } });
  });

  it('keeps an omitted secret, clears a null one, replaces a given one', async () => {
    const { app } = testStack(mongo, { box: boxV1 });
    await request(app).put('/api/admin/couriers/shiprocket').set(auth).send(shiprocketBody()).expect(200);
    const { apiKey: _k, ...withoutKey } = shiprocketBody({ apiSecret: null, webhookSecret: 'rotated-webhook-token' }).apiConfig;
    const res = await request(app)
      .put('/api/admin/couriers/shiprocket')
      .set(auth)
      .send({ ...shiprocketBody(), apiConfig: withoutKey })
      .expect(200);
    expect(res.body.apiConfig).toMatchObject({ apiKey: { set: true }, apiSecret: { set: false }, webhookSecret: { set: true } });
    const decrypted = await new CourierSettingsRepo(mongo.cols, boxV1).getDecrypted('shiprocket');
    expect(decrypted).toMatchObject({ apiKey: SECRETS.apiKey, webhookSecret: 'rotated-webhook-token' });
    expect(decrypted?.apiSecret).toBeUndefined();
  });

  it.each([
    ['a missing required field when enabled', { fields: { pickupLocation: 'Primary' } }, 'fields.pickupPincode'],
    ['a field of another courier', { fields: { pickupLocation: 'P', pickupPincode: '560068', warehouseName: 'W' } }, 'fields'],
    ['another provider', { apiConfig: { provider: 'delhivery', enabled: false } }, 'apiConfig.provider'],
    ['a non-URL baseUrl', { apiConfig: { provider: 'shiprocket', enabled: false, baseUrl: 'ftp://x' } }, 'apiConfig.baseUrl'],
    ['a secret that is not a string', { apiConfig: { provider: 'shiprocket', enabled: false, apiKey: 42 } }, 'apiConfig.apiKey'],
  ])('refuses %s with 400, storing nothing', async (_l, over, path) => {
    const { app } = testStack(mongo, { box: boxV1 });
    const res = await request(app)
      .put('/api/admin/couriers/shiprocket')
      .set(auth)
      .send({ ...shiprocketBody(), ...over })
      .expect(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await mongo.cols.couriers.countDocuments()).toBe(0);
  });

  it('accepts a disabled or manual courier without its fields', async () => {
    const { app } = testStack(mongo, { box: boxV1 });
    await request(app).put('/api/admin/couriers/delhivery').set(auth).send({ apiConfig: { provider: 'manual', enabled: true } }).expect(200);
    await request(app).put('/api/admin/couriers/icarry').set(auth).send({ apiConfig: { provider: 'icarry', enabled: false, apiKey: 'k-123456' } }).expect(200);
  });

  it('404 for a courier with no settings or an unknown courier; 401 without the token', async () => {
    const { app } = testStack(mongo, { box: boxV1 });
    await request(app).get('/api/admin/couriers/delhivery').set(auth).expect(404);
    await request(app).get('/api/admin/couriers/fedex').set(auth).expect(400);
    await request(app).get('/api/admin/couriers/delhivery').expect(401);
    await request(app).put('/api/admin/couriers/shiprocket').send(shiprocketBody()).expect(401);
    expect(await mongo.cols.couriers.countDocuments()).toBe(0);
  });

  it('never logs a secret, whatever fails', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'trace' }, new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }));
    const { app } = testStack(mongo, { box: boxV1, log });
    await request(app).put('/api/admin/couriers/shiprocket').set(auth).send(shiprocketBody()).expect(200);
    await request(app).put('/api/admin/couriers/shiprocket').set(auth).send(shiprocketBody({ enabled: 'yes' })).expect(400);
    await request(app).get('/api/admin/couriers/shiprocket/webhook-url').set(auth).expect(200);
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of Object.values(SECRETS)) expect(lines.join('\n')).not.toContain(secret);
  });
});

describe('key rotation', () => {
  it('flags values under an old key, re-encrypts them on read and on POST /api/admin/secrets/rotate', async () => {
    await request(testStack(mongo, { box: boxV1 }).app).put('/api/admin/couriers/shiprocket').set(auth).send(shiprocketBody()).expect(200);
    await request(testStack(mongo, { box: boxV1 }).app).put('/api/admin/couriers/delhivery').set(auth).send({ apiConfig: { provider: 'delhivery', enabled: false, apiKey: 'dl-token-123456' } }).expect(200);

    const { app } = testStack(mongo, { box: boxV2 });
    const before = await request(app).get('/api/admin/couriers/shiprocket').set(auth).expect(200);
    expect(before.body.apiConfig.apiKey).toEqual({ set: true, keyId: 'v1', needsRotation: true });

    // A read by the registry re-encrypts that courier's values.
    expect(await new CourierSettingsRepo(mongo.cols, boxV2).getDecrypted('delhivery')).toMatchObject({ apiKey: 'dl-token-123456' });
    expect((await mongo.cols.couriers.findOne({ _id: 'delhivery' }))?.apiConfig.apiKey?.kid).toBe('v2');

    const res = await request(app).post('/api/admin/secrets/rotate').set(auth).expect(200);
    expect(res.body).toEqual({ rotated: 3, failed: [] });
    const doc = await mongo.cols.couriers.findOne({ _id: 'shiprocket' });
    expect([doc?.apiConfig.apiKey?.kid, doc?.apiConfig.apiSecret?.kid, doc?.apiConfig.webhookSecret?.kid]).toEqual(['v2', 'v2', 'v2']);
    // The old key can now go: the current one alone opens everything.
    const onlyV2 = new SecretBox({ current: { id: 'v2', key: key2 }, old: [] });
    expect(await new CourierSettingsRepo(mongo.cols, onlyV2).getDecrypted('shiprocket')).toMatchObject(SECRETS);
    expect((await request(app).post('/api/admin/secrets/rotate').set(auth).expect(200)).body).toEqual({ rotated: 0, failed: [] });
  });

  it('reports values no configured key opens, without their content', async () => {
    await request(testStack(mongo, { box: boxV1 }).app).put('/api/admin/couriers/shiprocket').set(auth).send(shiprocketBody()).expect(200);
    const stranger = new SecretBox({ current: { id: 'v3', key: randomBytes(32) }, old: [] });
    const res = await request(testStack(mongo, { box: stranger }).app).post('/api/admin/secrets/rotate').set(auth).expect(200);
    expect(res.body.rotated).toBe(0);
    expect(res.body.failed).toEqual(expect.arrayContaining([{ courierId: 'shiprocket', field: 'apiKey', keyId: 'v1' }]));
  });
});

describe('GET /api/admin/couriers/:courierId/webhook-url', () => {
  it("gives Shiprocket a URL that passes its substring rule, with the x-api-key token", async () => {
    const { app } = testStack(mongo, { box: boxV1, publicBaseUrl: 'https://api.mystore.in' });
    await request(app).put('/api/admin/couriers/shiprocket').set(auth).send(shiprocketBody()).expect(200);
    const res = await request(app).get('/api/admin/couriers/shiprocket/webhook-url').set(auth).expect(200);
    expect(res.body).toMatchObject({ compliant: true, problems: [], urls: [{ url: `https://api.mystore.in${SHIPROCKET_WEBHOOK_PATH}` }], auth: { scheme: 'header', header: 'x-api-key', configured: true } });
    for (const banned of SHIPROCKET_BANNED_SUBSTRINGS) expect(res.body.urls[0].url.toLowerCase()).not.toContain(banned);
    expect(JSON.stringify(res.body)).not.toContain(SECRETS.webhookSecret);
  });

  it('flags a public host Shiprocket would refuse, and a missing secret', async () => {
    const { app } = testStack(mongo, { box: boxV1, publicBaseUrl: 'https://tracking.krishna-stores.in' });
    const res = await request(app).get('/api/admin/couriers/shiprocket/webhook-url').set(auth).expect(200);
    expect(res.body.compliant).toBe(false);
    expect(res.body.problems.join(' ')).toMatch(/"kr"/);
    expect(res.body.problems.join(' ')).toMatch(/no webhookSecret/);
    expect(urlProblems('delhivery', 'https://tracking.krishna-stores.in/x')).toEqual([]);
  });

  it('gives iCarry both callback URLs, carrying the URL token its NDR batch needs', async () => {
    const { app } = testStack(mongo, { box: boxV1 });
    await request(app).put('/api/admin/couriers/icarry').set(auth).send({ apiConfig: { provider: 'icarry', enabled: false, apiKey: 'icarry-key-987' } }).expect(200);
    const res = await request(app).get('/api/admin/couriers/icarry/webhook-url').set(auth).expect(200);
    expect(res.body.urls).toEqual([
      { purpose: 'status changes', url: `https://waybill.example.com/api/webhooks/shipping-updates?token=${icarryCallbackUrlToken('icarry-key-987')}` },
      { purpose: 'NDR batch', url: `https://waybill.example.com/api/webhooks/ndr-updates?token=${icarryCallbackUrlToken('icarry-key-987')}` },
    ]);
    expect(res.body.auth).toMatchObject({ scheme: 'body-token', bodyField: 'token', configured: true });
    expect(JSON.stringify(res.body)).not.toContain('icarry-key-987');
  });

  it("gives Delhivery its header, and any courier the generic HMAC setup when configured", async () => {
    const { app } = testStack(mongo, { box: boxV1 });
    await request(app).put('/api/admin/couriers/delhivery').set(auth).send({ apiConfig: { provider: 'delhivery', enabled: false, webhookSecret: 'dl-hook-secret' }, fields: { webhookHeaderName: 'X-Waybill-Key' } }).expect(200);
    expect((await request(app).get('/api/admin/couriers/delhivery/webhook-url').set(auth).expect(200)).body).toMatchObject({
      urls: [{ url: 'https://waybill.example.com/api/webhooks/courier/delhivery' }],
      auth: { scheme: 'header', header: 'X-Waybill-Key', configured: true },
    });
    await request(app).put('/api/admin/couriers/delhivery').set(auth).send({ apiConfig: { provider: 'delhivery', enabled: false }, fields: { webhookScheme: 'hmac-sha256' } }).expect(200);
    expect((await request(app).get('/api/admin/couriers/delhivery/webhook-url').set(auth).expect(200)).body).toMatchObject({
      urls: [{ url: 'https://waybill.example.com/api/webhooks/courier/delhivery' }],
      auth: { scheme: 'hmac-sha256', header: 'x-waybill-signature', configured: true },
    });
  });
});

