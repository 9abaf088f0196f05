// Benchmark `store-events` — the store integration's cost and speed, measured on one stack in one run:
//
//   npm run bench -- store-events [--rate 20] [--seconds 20] [--shipments 100] [--down-seconds 600]
//     [--idle-seconds 10] [--drain-timeout 300] [--ceiling-seconds 20] [--env KEY=VALUE …]
//
// The stack runs as `npm start` runs it (API, worker, Temporal dev server, FerretDB, simulators, each its
// own process: bench/lib/procs.ts). Every push moves a shipment's status (in transit ↔ out for delivery),
// so every acknowledged courier webhook makes one store event. Four windows at the same rate:
//   A. no store endpoint subscribed: the cost per courier webhook without the integration;
//   B. one endpoint subscribed to every event, a local receiver answering 200 (it verifies every
//      signature): the same cost with it, the events delivered per second and the lag from the change to
//      the receiver;
//   C. the receiver down: the courier webhooks' ack latency while every delivery fails (against B);
//      it stays down --down-seconds in all, then comes back: how long until every event of C is there,
//      and whether any arrived twice.
// The raw Temporal ceiling (bench/ceiling.ts) is measured first, in the same run, as the anchor.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { verifyWebhook } from '../src/client';
import type { StoreEvent } from '../src/domain/store-events';
import { ceilingOptionsFromArgs, ceilingRow, measureCeiling, type Ceiling } from './ceiling';
import { idleCpu, measureWindow, type WindowResult } from './lib/cost-window';
import { openLoop } from './lib/open-loop';
import { envFromArgs, startProcStack, type ProcStack } from './lib/procs';
import { PushSource } from './lib/pushes';
import { arg, load, report, say, stats, type Row } from './lib/report';

interface Receipt {
  at: number;
  id: string;
  occurredAt: string;
  valid: boolean;
}

class Receiver {
  readonly receipts: Receipt[] = [];
  private server?: Server;
  port = 0;
  constructor(private readonly secret: string) {}

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        let valid = true;
        try {
          verifyWebhook({ headers: req.headers, body, secrets: [this.secret] });
        } catch {
          valid = false;
        }
        const e = JSON.parse(body) as { id: string; timestamp: string };
        this.receipts.push({ at: Date.now(), id: e.id, occurredAt: e.timestamp, valid });
        res.writeHead(valid ? 200 : 400).end();
      });
    });
    server.listen(this.port, '127.0.0.1');
    await new Promise<void>((r, j) => server.once('listening', r).once('error', j));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    s?.closeAllConnections();
    await new Promise<void>((r) => (s ? s.close(() => r()) : r()));
  }

  distinct(ids: Set<string>): number {
    return new Set(this.receipts.filter((r) => ids.has(r.id)).map((r) => r.id)).size;
  }
}

async function api(stack: ProcStack, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Pages GET /api/events to its end from `after`; returns the events and the cursor after them. */
async function eventsAfter(stack: ProcStack, after: string | undefined): Promise<{ events: StoreEvent[]; next: string | undefined }> {
  const events: StoreEvent[] = [];
  let next = after;
  for (;;) {
    const page = (await api(stack, 'GET', `/api/events?limit=500${next ? `&after=${encodeURIComponent(next)}` : ''}`)) as { items: StoreEvent[]; next: string; hasMore: boolean };
    events.push(...page.items);
    next = page.next;
    if (!page.hasMore) return { events, next };
  }
}

/** Waits until the receiver has every id (or the timeout); returns when the last arrived. */
async function waitReceived(r: Receiver, ids: Set<string>, timeoutMs: number, label: string): Promise<number | undefined> {
  const t0 = Date.now();
  let lastSay = t0;
  for (;;) {
    const got = r.distinct(ids);
    if (got >= ids.size) return Math.max(...r.receipts.filter((x) => ids.has(x.id)).map((x) => x.at));
    if (Date.now() - t0 > timeoutMs) return undefined;
    if (Date.now() - lastSay >= 10_000) {
      say(`${label}: ${got}/${ids.size} events at the receiver, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      lastSay = Date.now();
    }
    await new Promise((res) => setTimeout(res, 200));
  }
}

const r2 = (x: number) => Number(x.toFixed(2));

function costRow(w: WindowResult): Row {
  const procs = ['api', 'worker', 'temporal', 'ferretdb'];
  return {
    window: w.label,
    webhooks: w.n,
    answers: w.answers,
    'ack p50 / p99 ms': `${Math.round(w.ack.median)} / ${Math.round(w.ack.p99)}`,
    'history events / webhook': r2(w.historyEvents / w.n),
    'Temporal requests / webhook': r2([...w.temporal.values()].reduce((a, b) => a + b, 0) / w.n),
    'DB round trips / webhook': r2([...w.mongo.values()].reduce((a, b) => a + b, 0) / w.n),
    'CPU ms / webhook (API+worker+Temporal+FerretDB, less idle)': r2(procs.reduce((a, p) => a + (w.cpuPerWebhook[p] ?? 0), 0)),
    'worker CPU ms': r2(w.cpuPerWebhook.worker ?? 0),
    'Temporal CPU ms': r2(w.cpuPerWebhook.temporal ?? 0),
  };
}

export async function run(command: string): Promise<void> {
  const loadStart = load();
  const rate = arg('rate', 20);
  const seconds = arg('seconds', 20);
  const downSeconds = arg('down-seconds', 600);
  const drainTimeoutMs = arg('drain-timeout', 300) * 1000;
  const ceilingOpts = ceilingOptionsFromArgs('ceiling-');
  const ceiling: Ceiling | undefined = ceilingOpts.seconds > 0 ? await measureCeiling(ceilingOpts) : undefined;

  const stack = await startProcStack({ shipments: arg('shipments', 100), commandMetrics: true, env: envFromArgs() });
  const pushes = new PushSource(stack.booked, 'moving');
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = new Receiver(secret);
  try {
    const warmBase = await stack.storedCount();
    const warm = await openLoop({ url: stack.webhookUrl, headers: stack.webhookHeaders, rate: 20, seconds: 3, label: 'warm-up', body: () => ({ body: pushes.next().body }) });
    await stack.waitStored(warmBase + (warm.statuses['200'] ?? 0), drainTimeoutMs, 'warm-up drain');
    const idlePerMs = await idleCpu(stack, arg('idle-seconds', 10));

    say('A: no store endpoint subscribed');
    const a = await measureWindow(stack, pushes, { label: 'A: no subscription', rate, seconds, drainTimeoutMs, idlePerMs });

    await receiver.start();
    const endpoint = (await api(stack, 'POST', '/api/admin/store-webhooks', { url: `http://127.0.0.1:${receiver.port}/hooks`, secret })) as { id: string };
    // Subscriptions are read at most every 2 s per worker: let it see the new one before measuring.
    await new Promise((res) => setTimeout(res, 2_500));
    const beforeB = (await eventsAfter(stack, undefined)).next;

    say('B: one endpoint subscribed, receiver up');
    const b = await measureWindow(stack, pushes, { label: 'B: subscribed, receiver up', rate, seconds, drainTimeoutMs, idlePerMs });
    const eventsB = await eventsAfter(stack, beforeB);
    const idsB = new Set(eventsB.events.map((e) => e.id));
    const lastB = await waitReceived(receiver, idsB, drainTimeoutMs, 'B delivery');
    const receiptsB = receiver.receipts.filter((r) => idsB.has(r.id));
    const firstB = Math.min(...receiptsB.map((r) => r.at));
    const lagB = stats(receiptsB.map((r) => r.at - Date.parse(r.occurredAt)));

    say(`C: receiver down for ${downSeconds} s in all; the same load at its start`);
    await receiver.stop();
    const downAt = Date.now();
    const c = await measureWindow(stack, pushes, { label: 'C: subscribed, receiver down', rate, seconds, drainTimeoutMs, idlePerMs });
    const eventsC = await eventsAfter(stack, eventsB.next);
    const idsC = new Set(eventsC.events.map((e) => e.id));
    // Each order's chain tries its oldest undelivered event; the later ones wait behind it unattempted.
    const deliveries = stack.mongo.db.collection<{ _id: string; status: string; attempts: number }>('store_deliveries');
    const whileDown = await Promise.all([...idsC].map((id) => deliveries.findOne({ _id: `${endpoint.id}|${id}` })));
    const failedSeen = whileDown.filter((d) => d?.status === 'failed').length;
    const attemptsDown = whileDown.reduce((n, d) => n + (d?.attempts ?? 0), 0);
    const left = downSeconds * 1000 - (Date.now() - downAt);
    if (left > 0) {
      say(`receiver stays down another ${Math.round(left / 1000)} s`);
      await new Promise((res) => setTimeout(res, left));
    }
    const upAt = Date.now();
    await receiver.start();
    const lastC = await waitReceived(receiver, idsC, Math.max(drainTimeoutMs, 15 * 60_000), 'C catch-up');
    const counts = new Map<string, number>();
    for (const r of receiver.receipts) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
    const twice = [...counts.values()].filter((n) => n > 1).length;
    const invalid = receiver.receipts.filter((r) => !r.valid).length;

    const perWebhookAdded = (k: 'history' | 'cpu'): number => {
      const f = (w: WindowResult) => (k === 'history' ? w.historyEvents / w.n : ['api', 'worker', 'temporal', 'ferretdb'].reduce((x, p) => x + (w.cpuPerWebhook[p] ?? 0), 0));
      return r2(f(b) - f(a));
    };
    report({
      title: `Store events (${rate} courier webhooks/s for ${seconds} s per window; receiver down ${downSeconds} s)`,
      command,
      loadStart,
      loadEnd: load(),
      tables: [
        ...(ceiling ? [{ caption: 'Ceiling, same run (bench/ceiling.ts)', rows: [ceilingRow(ceiling)] }] : []),
        { caption: 'Cost per courier webhook, each making one store event (from the first send until every acknowledged webhook was in the projection)', rows: [costRow(a), costRow(b), costRow(c)] },
        {
          caption: 'Delivery to the store (one endpoint, a local receiver verifying each signature)',
          rows: [
            {
              'events in B': idsB.size,
              'delivered/s in B (first to last receipt)': lastB ? r2(idsB.size / Math.max(0.001, (lastB - firstB) / 1000)) : 'not all',
              'change → receiver p50 / p99 ms': `${Math.round(lagB.median)} / ${Math.round(lagB.p99)}`,
              'added history events / webhook (B − A)': perWebhookAdded('history'),
              'added CPU ms / webhook (B − A)': perWebhookAdded('cpu'),
              'ack p99 down vs up ms (C vs B)': `${Math.round(c.ack.p99)} vs ${Math.round(b.ack.p99)}`,
              'events in C': idsC.size,
              'events of C with failed attempts while down (attempts)': `${failedSeen} (${attemptsDown})`,
              'all of C at the receiver, s after it came back': lastC ? r2((lastC - upAt) / 1000) : 'not all',
              'events received more than once (before the store dedupes)': twice,
              'bad signatures': invalid,
            },
          ],
        },
      ],
      notes: [
        'Each push alternates a shipment between in transit and out for delivery, so each acknowledged courier webhook makes exactly one store event (shipment.status_changed).',
        'Retries while the receiver is down follow the worker default backoff: 5 s doubling to 10 min, so the last events of C arrive up to one backoff step after the receiver is back.',
        ...(a.drained && b.drained && c.drained ? [] : ['a window did not drain within the timeout: its per-webhook figures cover an unfinished window.']),
      ],
    });
  } finally {
    await receiver.stop();
    await stack.stop();
  }
}
