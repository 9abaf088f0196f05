// The API process as `npm start` runs it (src/api/server.ts), against the run's Temporal and FerretDB:
// everything mounted and wired from the environment, and a clean stop.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApi } from '../../src/api/server';
import { freePort } from '../../src/infra/processes';
import { SIMULATOR_DEFAULTS } from '../../src/simulators/defaults';
import { connectMongo } from '../../src/storage/mongo';

const dir = mkdtempSync(join(tmpdir(), 'waybill-api-'));
let api: Awaited<ReturnType<typeof startApi>>;
let url: string;
const token = 'server-test-admin-token-0123456789';

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: String(port),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    MONGODB_URI: inject('mongoUri'),
    MONGODB_DB: `t_server_${port}`,
    DATA_DIR: dir,
    ADMIN_API_TOKENS: token,
    COURIER_MODE: 'simulator',
  });
  api = await startApi();
});
afterAll(async () => {
  await api?.stop();
  const m = await connectMongo(inject('mongoUri'), process.env.MONGODB_DB!, { ensureIndexes: false });
  await m.db.dropDatabase();
  await m.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('startApi', () => {
  it('serves health, docs, the JSON API behind the token, and the HTML pages', async () => {
    await request(url).get('/readyz').expect(200);
    await request(url).get('/docs').expect(200).expect('Content-Type', /html/);
    await request(url).get('/api/orders').expect(401);
    await request(url).get('/api/orders').set('Authorization', `Bearer ${token}`).expect(200);
    await request(url).get('/api/analytics').set('Authorization', `Bearer ${token}`).expect(200);
    const ops = await request(url).get('/ops/shipments');
    expect([200, 302, 303]).toContain(ops.status);
    const page = await request(url).get('/order-tracking/NO-SUCH-ORDER');
    expect(page.status).toBeLessThan(500);
    expect(page.headers['content-type']).toMatch(/html/);
  });

  it("authenticates webhooks with the simulators' secrets in simulator mode, and accepts them into the inbox", async () => {
    const body = JSON.stringify({ Shipment: { Status: { Status: 'In Transit', StatusDateTime: '2025-01-02T10:00:00', StatusType: 'UD', StatusLocation: 'Hub' }, NSLCode: 'X-PIOM', AWB: '99990001' } });
    await request(url).post('/api/webhooks/courier/delhivery').set('Content-Type', 'application/json').set('Authorization', 'Bearer wrong').send(body).expect(401);
    const res = await request(url).post('/api/webhooks/courier/delhivery').set('Content-Type', 'application/json').set('Authorization', `Bearer ${SIMULATOR_DEFAULTS.delhivery.webhookSecret}`).send(body).expect(200);
    expect(res.body).toEqual({ ok: true, id: expect.any(String), duplicate: false, events: 1 });
  });
});
