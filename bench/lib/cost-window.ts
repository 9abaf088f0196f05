// One measured load window on a process stack: open-loop webhooks at a rate, drained into the
// projection, and what the window cost — database round trips, Temporal requests, history events and
// CPU per process — divided by the webhooks acknowledged. Used by `webhook-cost` and `store-events`.
import { openLoop, statusLine } from './open-loop';
import { cpuBetween, snapshot, type ProcUsage } from './proc-stats';
import type { ProcStack } from './procs';
import { delta, scrape, sumBy } from './prom';
import type { PushSource } from './pushes';
import { say, stats } from './report';

export interface Counters {
  mongo: Map<string, number>;
  temporal: Map<string, number>;
}

export async function counters(stack: ProcStack): Promise<Counters> {
  const [api, worker, temporal] = await Promise.all([scrape(stack.metricsUrls.api), scrape(stack.metricsUrls.worker), scrape(stack.metricsUrls.temporal)]);
  const mongo = new Map<string, number>();
  for (const [proc, samples] of [['api', api], ['worker', worker]] as const) {
    for (const [k, v] of sumBy(samples, 'waybill_mongo_commands_total', ['command', 'collection'])) mongo.set(`${proc} ${k}`, v);
  }
  return {
    mongo,
    temporal: sumBy(temporal, 'service_latency_count', ['operation'], (l) => l.service_name === 'frontend' && l.namespace === stack.namespace),
  };
}

/** CPU use per process measured idle (per ms), to subtract from a window's. */
export async function idleCpu(stack: ProcStack, seconds: number): Promise<Record<string, number>> {
  say(`idle baseline: ${seconds} s`);
  const c0 = snapshot(stack.pids());
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = cpuBetween(c0, snapshot(stack.pids()));
  const ms = Date.now() - t0;
  return Object.fromEntries(Object.entries(cpu).map(([p, v]) => [p, v / ms]));
}

export interface WindowResult {
  label: string;
  /** Webhooks acknowledged (200). */
  n: number;
  answers: string;
  ack: ReturnType<typeof stats>;
  /** Epoch ms of the first send. */
  startedAt: number;
  windowMs: number;
  drained: boolean;
  /** CPU ms per webhook by process, less the idle rate. */
  cpuPerWebhook: Record<string, number>;
  rss: Record<string, number>;
  mongo: Map<string, number>;
  temporal: Map<string, number>;
  historyEvents: number;
  /** Workflows left out of the history growth (continued as new in the window). */
  continued: number;
}

export async function measureWindow(
  stack: ProcStack,
  pushes: PushSource,
  o: { label: string; rate: number; seconds: number; drainTimeoutMs: number; idlePerMs: Record<string, number> },
): Promise<WindowResult> {
  // History lengths are read outside the counters' window: those describes are this benchmark's own calls.
  const h0 = await stack.historyLengths();
  const c0 = await counters(stack);
  const base = await stack.storedCount();
  const cpu0 = snapshot(stack.pids());
  const t0 = Date.now();
  const acked = new Set<string>();
  const r = await openLoop({
    url: stack.webhookUrl,
    headers: stack.webhookHeaders,
    rate: o.rate,
    seconds: o.seconds,
    label: o.label,
    body: () => {
      const p = pushes.next();
      return { body: p.body, tag: p.eventId };
    },
    onAnswer: (s, tag) => {
      if (s.status === 200 && tag) acked.add(tag);
    },
  });
  const drained = await stack.waitStored(base + acked.size, o.drainTimeoutMs, `${o.label} drain`);
  // The last projection write may trail the count by a flush: let the processes settle for a second.
  await new Promise((res) => setTimeout(res, 1_000));
  const cpu1: Record<string, ProcUsage> = snapshot(stack.pids());
  const windowMs = Date.now() - t0;
  const c1 = await counters(stack);
  const h1 = await stack.historyLengths();
  const n = acked.size;
  if (n === 0) throw new Error(`${o.label}: no webhook was acknowledged`);
  const cpu = cpuBetween(cpu0, cpu1);
  const cpuPerWebhook = Object.fromEntries(Object.keys(cpu).map((p) => [p, (cpu[p]! - (o.idlePerMs[p] ?? 0) * windowMs) / n]));
  let historyEvents = 0;
  let continued = 0;
  for (const [orderId, after] of h1) {
    const before = h0.get(orderId);
    if (!before) continue;
    if (before.runId === after.runId) historyEvents += after.length - before.length;
    else continued++;
  }
  return {
    label: o.label,
    n,
    answers: statusLine(r.statuses, r.errors),
    ack: stats(r.latencies),
    startedAt: t0,
    windowMs,
    drained: drained.reachedAt !== undefined,
    cpuPerWebhook,
    rss: Object.fromEntries(Object.entries(cpu1).map(([p, u]) => [p, u.rssBytes])),
    mongo: delta(c0.mongo, c1.mongo),
    temporal: delta(c0.temporal, c1.temporal),
    historyEvents,
    continued,
  };
}
