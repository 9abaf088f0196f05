// Every webhook answer is counted by courier and outcome (waybill_webhooks_total), including a body
// over the limit, which never reaches a handler.
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { errorMiddleware } from '../../src/api/middleware';
import { webhooksRouter } from '../../src/api/routes/webhooks';
import type { WebhookIngestor } from '../../src/webhooks/ingest';

type Accept = WebhookIngestor['accept'];

function appWith(answer: Awaited<ReturnType<Accept>>) {
  const seen: Array<[string, string]> = [];
  const ingestor = { accept: (async () => answer) as Accept } as WebhookIngestor;
  const app = express();
  app.use('/api/webhooks', webhooksRouter({ ingestor, maxBodyBytes: 64, onOutcome: (c, o) => seen.push([c, o]) }));
  app.use(errorMiddleware(pino({ level: 'silent' })));
  return { app, seen };
}

describe('webhook outcome counting', () => {
  it.each([
    [{ kind: 'accepted', inboxId: 'x', duplicate: false, events: 1 } as const, 200, 'accepted'],
    [{ kind: 'accepted', inboxId: 'x', duplicate: true, events: 1 } as const, 200, 'duplicate'],
    [{ kind: 'unauthenticated' } as const, 401, 'unauthorized'],
    [{ kind: 'malformed', error: 'no awb' } as const, 400, 'malformed'],
  ])('counts %j as %s', async (answer, status, outcome) => {
    const { app, seen } = appWith(answer);
    await request(app).post('/api/webhooks/courier/delhivery').send('{}').expect(status);
    expect(seen).toEqual([['delhivery', outcome]]);
  });

  it('counts an oversized body as too_large for the courier of its path, and answers 413', async () => {
    const { app, seen } = appWith({ kind: 'accepted', inboxId: 'x', duplicate: false, events: 1 });
    await request(app).post('/api/webhooks/shipping-updates').set('Content-Type', 'application/json').send(JSON.stringify({ pad: 'x'.repeat(200) })).expect(413);
    expect(seen).toEqual([['icarry', 'too_large']]);
  });
});
