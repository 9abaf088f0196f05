// An open-loop HTTP load generator: requests leave on a fixed schedule (rate per second) whatever the
// answers, as couriers push whether or not the last push was answered, so a slow server shows as
// latency and errors, not as a lower offered rate. Latency is measured from each request's scheduled
// time, not from when a free connection let it leave: a generator that falls behind does not hide the
// delay (no coordinated omission). The pool opens as many connections as requests in flight need, up to
// `connections` (default 256, a sender's pool); past that, requests wait for a connection and that wait
// counts in their latency. Bodies are all made before the clock starts, so making them does not take
// the generator's CPU while it sends.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { say } from './report';

export interface Sent {
  /** Scheduled time on the wall clock (epoch ms): the e2e benchmark compares it with stored times. */
  scheduledAt: number;
  /** ms from the scheduled time to the answer. */
  latencyMs: number;
  /** HTTP status, or 0 for a network error or a timeout. */
  status: number;
}

export interface OpenLoopOptions {
  url: string;
  headers: Record<string, string>;
  rate: number;
  seconds: number;
  /** The next request's body, called once per request in schedule order. */
  body: () => { body: string; tag?: string };
  /** Upper bound on connections (default 256). */
  connections?: number;
  /** A request unanswered after this long counts as an error (default 30 s). */
  timeoutMs?: number;
  /** Called for every answer, with the tag the body came with. */
  onAnswer?: (s: Sent, tag: string | undefined) => void;
  /** Progress line every this many seconds (default 5; 0: none). */
  progressEvery?: number;
  label?: string;
}

export interface OpenLoopResult {
  offered: number;
  seconds: number;
  sent: number;
  /** Answered 200, per second from the first send to the last answer (at least the scheduled seconds). */
  ackedPerSecond: number;
  latencies: number[];
  /** Answers by status ('0' = network error or timeout). */
  statuses: Record<string, number>;
  /** Network errors and timeouts by code (ECONNRESET, UND_ERR_HEADERS_TIMEOUT…). */
  errors: Record<string, number>;
  /** Wall time from the first scheduled send to the last answer, s. */
  wallSeconds: number;
  /** How far behind schedule the generator itself fell at worst, ms (its own CPU starved). */
  maxSendLagMs: number;
  startedAt: number;
  /** Epoch ms of the last scheduled send. */
  lastScheduledAt: number;
}

export async function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const url = new URL(o.url);
  const connections = o.connections ?? 256;
  const pool = new Pool(url.origin, { connections, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: o.timeoutMs ?? 30_000, bodyTimeout: o.timeoutMs ?? 30_000 });
  const total = Math.round(o.rate * o.seconds);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const bodies: Array<{ body: string; tag?: string } | undefined> = Array.from({ length: total }, () => o.body());
  const inflight = new Set<Promise<void>>();
  let maxLag = 0;
  let ok = 0;
  const t0 = performance.now();
  const wall0 = Date.now();
  const every = (o.progressEvery ?? 5) * 1000;
  let nextProgress = t0 + every;
  const fire = (i: number) => {
    const due = t0 + (i * 1000) / o.rate;
    const { body, tag } = bodies[i]!;
    bodies[i] = undefined; // sent: let it go
    const p = pool
      .request({ path: url.pathname + url.search, method: 'POST', headers: o.headers, body })
      .then(
        async (r) => {
          await r.body.dump();
          return r.statusCode;
        },
        (e: unknown) => {
          const code = (e as { code?: string }).code ?? (e instanceof Error ? e.name : 'error');
          errors[code] = (errors[code] ?? 0) + 1;
          return 0;
        },
      )
      .then((status) => {
        const latencyMs = performance.now() - due;
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 200) {
          ok++;
          latencies.push(latencyMs);
        }
        o.onAnswer?.({ scheduledAt: wall0 + (i * 1000) / o.rate, latencyMs, status }, tag);
      });
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };
  let i = 0;
  while (i < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - t0) * o.rate) / 1000) + 1);
    if (due - 1 > i) maxLag = Math.max(maxLag, now - (t0 + (i * 1000) / o.rate));
    while (i < due) fire(i++);
    if (every > 0 && now >= nextProgress) {
      say(`${o.label ?? 'load'}: ${i}/${total} sent at ${o.rate}/s, ${ok} acked, ${inflight.size} in flight`);
      nextProgress += every;
    }
    const nextAt = t0 + (i * 1000) / o.rate;
    await new Promise((r) => setTimeout(r, Math.max(0, nextAt - performance.now())));
  }
  while (inflight.size > 0) await Promise.all([...inflight]);
  const wallSeconds = (performance.now() - t0) / 1000;
  await pool.close();
  return {
    offered: o.rate,
    seconds: o.seconds,
    sent: total,
    ackedPerSecond: ok / Math.max(o.seconds, wallSeconds),
    latencies,
    statuses,
    errors,
    wallSeconds,
    maxSendLagMs: maxLag,
    startedAt: wall0,
    lastScheduledAt: wall0 + ((total - 1) * 1000) / o.rate,
  };
}

/** "200: 29998 · 503: 2", with network errors by code: "error (ECONNRESET 3): 3". */
export function statusLine(statuses: Record<string, number>, errors: Record<string, number> = {}): string {
  const codes = Object.entries(errors)
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  return Object.entries(statuses)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([s, n]) => `${s === '0' ? `error${codes ? ` (${codes})` : ''}` : s}: ${n}`)
    .join(' · ');
}
