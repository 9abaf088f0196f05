// GET /api/analytics as the lead mounts it: behind requireAdmin, errors through the API's middleware.
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsRouter } from '../../src/analytics';
import { CSV_HEADER } from '../../src/analytics/csv';
import { errorMiddleware, requireAdmin } from '../../src/api/middleware';
import type { Mongo } from '../../src/storage/mongo';
import { freshMongo } from '../support/mongo';
import { NOW, seedAnalytics, TZ } from './seed';

const TOKEN = 'analytics-admin-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };
let mongo: Mongo;
let app: express.Express;

beforeAll(async () => {
  mongo = await freshMongo('analytics_routes');
  await seedAnalytics(mongo);
  app = express();
  app.use('/api/analytics', requireAdmin([TOKEN]), analyticsRouter({ cols: mongo.cols, timeZone: TZ, now: () => NOW }));
  app.use(errorMiddleware(pino({ level: 'silent' })));
});
afterAll(async () => mongo.close());

describe('GET /api/analytics', () => {
  it('needs an admin token', async () => {
    await request(app).get('/api/analytics').expect(401);
    await request(app).get('/api/analytics').set({ Authorization: 'Bearer nope' }).expect(401);
  });

  it('answers JSON for a range, defaulting to daily periods', async () => {
    const res = await request(app).get('/api/analytics?from=2025-03-03&to=2025-03-09&courier=delhivery').set(auth).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ from: '2025-03-03', to: '2025-03-09', bucket: 'day', courier: 'delhivery', timeZone: TZ, syncWindowHours: 27 });
    expect(res.body.periods).toHaveLength(7);
    expect(res.body.totals[0].outcomes).toMatchObject({ closed: 4, rtoRate: 0.25 });
  });

  it('defaults to the 30 local days ending today', async () => {
    const res = await request(app).get('/api/analytics?bucket=week').set(auth).expect(200);
    expect(res.body).toMatchObject({ from: '2025-02-09', to: '2025-03-10', bucket: 'week' });
  });

  it.each([
    ['from=2025-03-09&to=2025-03-03', 'from'],
    ['from=2025-02-30', 'from'],
    ['from=2024-01-01&to=2025-03-01', 'to'],
    ['bucket=month', 'bucket'],
    ['courier=fedex', 'courier'],
    ['syncWindowHours=0', 'syncWindowHours'],
    ['format=xml', 'format'],
    ['limit=5', ''],
  ])('refuses %s with 400', async (q, path) => {
    const res = await request(app).get(`/api/analytics?${q}`).set(auth).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    if (path) expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('exports CSV: a header row, one row per period and courier, then the totals with the snapshot', async () => {
    const res = await request(app).get('/api/analytics?from=2025-03-03&to=2025-03-09&format=csv').set(auth).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?waybill-sync-all-day-2025-03-03-to-2025-03-09\.csv"?$/);
    expect(res.text.endsWith('\r\n')).toBe(true);
    const lines = res.text.slice(0, -2).split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(lines).toHaveLength(1 + 7 * 4 + 4);
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [CSV_HEADER[i], v])));
    const allTotal = rows.find((r) => r.row === 'total' && r.courier === 'all')!;
    expect(allTotal).toMatchObject({ from: '2025-03-03', to: '2025-03-09', closed: '6', rto_rate: '0.1667', latency_p50_seconds: '30', live_shipments: '4', sync_success_rate: '0.3333' });
    // No rate without a denominator, and no snapshot on period rows: empty fields.
    const quietDay = rows.find((r) => r.row === 'period' && r.courier === 'shiprocket' && r.from === '2025-03-03')!;
    expect(quietDay).toMatchObject({ webhook_share: '', latency_p50_seconds: '', ndr_rate: '', live_shipments: '' });
  });
});
