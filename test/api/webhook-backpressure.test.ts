// Overload and outages answer a fast 503 with Retry-After, write nothing, and are counted; the courier
// keeps the delivery and retries it. A courier whose webhooks met our 503s is not throttled for them.
import express from 'express';
import { MongoClient, MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import pino from 'pino';
import request from 'supertest';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../src/infra/processes';
import { errorMiddleware } from '../../src/api/middleware';
import { webhookRateLimit } from '../../src/api/rate-limit';
import { webhooksRouter } from '../../src/api/routes/webhooks';
import type { WebhookIngestor } from '../../src/webhooks/ingest';

type Accept = WebhookIngestor['accept'];
const ACCEPTED = { kind: 'accepted', inboxId: 'x', duplicate: false, events: 1 } as const;

function appWith(accept: Accept, o: { maxInflight?: number; rateLimit?: number } = {}) {
  const seen: Array<[string, string]> = [];
  const ingestor = { accept } as WebhookIngestor;
  const app = express();
  const router = webhooksRouter({ ingestor, maxBodyBytes: 1024, onOutcome: (c, out) => seen.push([c, out]), ...(o.maxInflight !== undefined ? { maxInflight: o.maxInflight } : {}) });
  if (o.rateLimit) app.use('/api/webhooks', webhookRateLimit({ limit: o.rateLimit }), router);
  else app.use('/api/webhooks', router);
  app.use(errorMiddleware(pino({ level: 'silent' })));
  return { app, seen };
}

/** The driver's own error for a server that is not there (a port nobody listens on). */
async function realSelectionError(): Promise<Error> {
  const port = await freePort();
  const e = await MongoClient.connect(`mongodb://127.0.0.1:${port}/`, { serverSelectionTimeoutMS: 200 }).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof MongoServerSelectionError)) throw new Error(`expected a server selection error, got ${String(e)}`);
  return e;
}

describe('webhook back-pressure', () => {
  let selectionError: Error;
  beforeAll(async () => {
    selectionError = await realSelectionError();
  });

  it('sheds requests beyond the in-flight limit with 503 + Retry-After, without calling the ingestor', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const { app, seen } = appWith(
      async () => {
        calls++;
        await gate;
        return ACCEPTED;
      },
      { maxInflight: 2 },
    );
    const server = app.listen(0);
    try {
      const agent = request(server);
      const held = [agent.post('/api/webhooks/courier/delhivery').send('{"a":1}'), agent.post('/api/webhooks/courier/delhivery').send('{"a":2}')].map((r) => r.then((x) => x));
      while (calls < 2) await new Promise((r) => setTimeout(r, 5));
      const shed = await agent.post('/api/webhooks/courier/delhivery').send('{"a":3}');
      expect(shed.status).toBe(503);
      expect(shed.headers['retry-after']).toBe('2');
      expect(shed.body.error.code).toBe('unavailable');
      expect(calls).toBe(2);
      release();
      expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
      // The slots are free again.
      await agent.post('/api/webhooks/courier/delhivery').send('{"a":4}').expect(200);
      expect(seen.filter(([, out]) => out === 'shed')).toEqual([['delhivery', 'shed']]);
      expect(seen.filter(([, out]) => out === 'accepted')).toHaveLength(3);
    } finally {
      server.close();
    }
  });

  it.each([
    ['server selection timed out', () => selectionError],
    ['connection reset', () => new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed')],
    // FerretDB v1's answer when SQLite's write lock is contended (seen under concurrent load).
    ['FerretDB busy', () => new MongoServerError({ ok: 0, code: 1, codeName: 'InternalError', errmsg: '[collection.go:177 sqlite.(*collection).UpdateAll.func1] database is locked (5) (SQLITE_BUSY)' })],
  ])('answers 503 + Retry-After when the database is unreachable (%s)', async (_name, error) => {
    const { app, seen } = appWith(async () => {
      throw error();
    });
    const res = await request(app).post('/api/webhooks/courier/delhivery').send('{}');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.error).toEqual({ code: 'unavailable', message: 'the database is unavailable; retry later' });
    expect(seen).toEqual([['delhivery', 'unavailable']]);
  });

  it('still answers 500 for a bug (an error that is not an outage)', async () => {
    const { app, seen } = appWith(async () => {
      throw new TypeError('boom');
    });
    const res = await request(app).post('/api/webhooks/courier/delhivery').send('{}');
    expect(res.status).toBe(500);
    expect(res.headers['retry-after']).toBeUndefined();
    expect(seen).toEqual([]);
  });

  it('does not count our own 503s against the courier in the failed-request rate limit', async () => {
    let down = true;
    const { app } = appWith(
      async () => {
        if (down) throw selectionError;
        return ACCEPTED;
      },
      { rateLimit: 3 },
    );
    for (let i = 0; i < 10; i++) await request(app).post('/api/webhooks/courier/delhivery').send('{}').expect(503);
    down = false;
    await request(app).post('/api/webhooks/courier/delhivery').send('{}').expect(200);
  });

  it('still throttles an address whose requests keep failing authentication', async () => {
    const { app } = appWith(async () => ({ kind: 'unauthenticated' }), { rateLimit: 3 });
    for (let i = 0; i < 3; i++) await request(app).post('/api/webhooks/courier/delhivery').send('{}').expect(401);
    await request(app).post('/api/webhooks/courier/delhivery').send('{}').expect(429);
  });

  it('never throttles a burst of accepted webhooks, however many are in flight at once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = 0;
    const { app } = appWith(
      async () => {
        started++;
        await gate;
        return ACCEPTED;
      },
      { rateLimit: 3 },
    );
    const agent = request(app);
    const inflight = Array.from({ length: 20 }, () => agent.post('/api/webhooks/courier/delhivery').send('{}').then((r) => r.status));
    await vi.waitFor(() => expect(started).toBe(20));
    release();
    expect(await Promise.all(inflight)).toEqual(Array.from({ length: 20 }, () => 200));
  });

  it('counts failures per fixed window: throttled until the window ends, then let through again', async () => {
    let t = 0;
    const app = express();
    app.use('/api/webhooks', webhookRateLimit({ limit: 2, windowMs: 1_000, now: () => t }), (_req, res) => void res.status(401).json({}));
    app.use(errorMiddleware(pino({ level: 'silent' })));
    await request(app).post('/api/webhooks/x').expect(401);
    await request(app).post('/api/webhooks/x').expect(401);
    await request(app).post('/api/webhooks/x').expect(429);
    t = 1_000;
    await request(app).post('/api/webhooks/x').expect(401);
  });
});
