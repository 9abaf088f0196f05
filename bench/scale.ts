// Benchmark 5 — scale: N open shipment workflows on one dev server and one worker: memory (RSS of the
// process that hosts the worker, with the API and simulators beside it; of the Temporal dev server; of
// FerretDB), poll timer lag, and webhook latency (ack and stored) while they run.
//
//   npm run bench -- scale --shipments 10000 [--api 200] [--fast 1000] [--fast-minutes 1] [--minutes 6]
//                          [--webhooks 100] [--concurrency 48] [--courier-rate 1000]
//                          [--bulk-projection skip|write] [--open-minutes 0]
//
// Every workflow is a real shipment workflow booked with the Delhivery simulator by the bench's worker,
// which gets a per-courier rate limit of `courier-rate`/s (the product default, 2/s in
// src/activities/deps.ts, caps booking near 0.7/s) while the simulator's WAF limits are lifted: both are
// safety valves, not what this measures. N is opened in three groups:
//
// 1. bulk, N − api − fast, at the default poll cadence (hours: none falls due during the run), and
// 2. fast, polling every `fast-minutes` (options.pollMinutes; the ship endpoint takes no options),
//    both started `concurrency` at a time through TemporalShipmentGateway.ship (src/shipments/gateway.ts,
//    the API's one door into Temporal: update-with-start, as POST /api/orders/:id/ship runs it) with the
//    request the API builds from an order, notifications off. The bulk goes first; with
//    `--open-minutes M` opening it stops after M minutes and the run goes on with what is open. Not
//    through the API: MongoDB is the ceiling there. In the embedded FerretDB v1 (SQLite) a read or
//    update by _id costs more as its collection grows (bench/ferretdb-writes.ts: updateOne 10 ms at
//    1,000 documents, 117 ms at 10,000, 146 ms at 30,000) and concurrent bookings get SQLITE_BUSY
//    errors, so booking through the API ran at 1.7–2.8/s with a few hundred shipments and slowed as
//    they accumulated. For the same reason the bench's worker does not write these shipments'
//    MongoDB projection: an activity interceptor answers recordProjection for them without running it
//    (`--bulk-projection write` runs it). Their workflows, histories, timers and poll activities are the
//    product's.
// 3. api, booked fully through the API (POST /api/orders, POST /api/orders/:id/ship, courierId
//    delhivery): their orders and projections are in MongoDB, and the webhooks go to them.
//
// Then `webhooks` Delhivery scan pushes, one at a time, to the api group: webhook → 200 and webhook →
// stored in MongoDB. Then the run continues until `minutes` after all N were open, and an activity
// interceptor times every pollTracking attempt of the fast group. The poller is a retry poller: an
// attempt that finds nothing fails benignly with nextRetryDelay = the cadence, and the server starts the
// next attempt. Lag = attempt start on the worker − (previous attempt's failure on the worker + the
// delay it asked for); it includes the failure's report to the server. The second figure is start − the
// server's scheduled time of the attempt (Context.info.currentAttemptScheduledTimestampMs). The first
// attempt only fails with firstDelayMs (the first cadence), so the first timed sample is attempt 2; an
// attempt that finds the booking scan completes, and the re-armed poller starts again at attempt 1.
// At the end, attempts due more than 5 s earlier that had not started are counted too.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { request as http } from 'undici';
import { DEFAULT_ACTIVITY_CONFIG } from '../src/activities';
import { ShipmentGatewayError } from '../src/shipments/gateway';
import { shipmentRequestFor } from '../src/domain/shipment-request';
import { mapLimit } from '../src/lib/map-limit';
import { OrdersRepo } from '../src/storage/orders-repo';
import type { ShipmentInput } from '../src/workflows/shipment/contract';
import { ADMIN_TOKEN, sampleOrder } from '../test/support/api';
import { arg, load, report, say, stats, type Row } from './lib/report';
import { delhiveryScan, eventKey, startBenchStack, type BenchStack } from './lib/stack';

const mb = (n: number) => Math.round(n / 2 ** 20);

/** VmRSS and VmHWM (peak) of a process, MiB; undefined once it is gone. */
function procMem(pid: number | undefined): { rss: number; peak: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
    return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

/** A full GC before heap readings, so heapUsed is the live heap (the flag is set at run time). */
function fullGc(): void {
  try {
    v8.setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
  } catch {
    /* no GC available: readings include garbage */
  }
}

/** Times pollTracking attempts of the workflows `measured` selects, and skips the bulk's projection (see the header). */
class BenchInterceptor {
  private readonly due = new Map<string, number>();
  readonly lag: number[] = [];
  readonly scheduleToStart: number[] = [];
  readonly firstScheduleToStart: number[] = [];
  attempts = 0;
  /** Attempts that failed other than "no new scans" (courier errors), by failure type. */
  readonly otherFailures = new Map<string, number>();
  completed = 0;

  skippedProjections = 0;

  constructor(
    private readonly measured: (workflowId: string) => boolean,
    private readonly skipProjection: (workflowId: string) => boolean,
  ) {}

  readonly interceptor: ActivityInterceptorsFactory = (ctx: Context) => ({
    inbound: {
      execute: async (input, next) => {
        const info = ctx.info;
        const workflowId = info.workflowExecution?.workflowId ?? '';
        if (info.activityType === 'recordProjection' && this.skipProjection(workflowId)) {
          this.skippedProjections++;
          return undefined;
        }
        if (info.activityType !== 'pollTracking' || !this.measured(workflowId)) return next(input);
        const started = Date.now();
        this.attempts++;
        const key = `${workflowId}/${info.activityId}`;
        const due = this.due.get(key);
        if (due !== undefined) {
          this.due.delete(key);
          this.lag.push(started - due);
          this.scheduleToStart.push(started - info.currentAttemptScheduledTimestampMs);
        } else if (info.attempt === 1) this.firstScheduleToStart.push(started - info.currentAttemptScheduledTimestampMs);
        try {
          const out = await next(input);
          this.completed++;
          return out;
        } catch (e) {
          if (e instanceof ApplicationFailure) {
            if (e.type !== 'NoTrackingChange') this.otherFailures.set(e.type ?? 'untyped', (this.otherFailures.get(e.type ?? 'untyped') ?? 0) + 1);
            if (e.nextRetryDelay !== undefined && e.nextRetryDelay !== null) this.due.set(key, Date.now() + msToNumber(e.nextRetryDelay));
          } else this.otherFailures.set('thrown', (this.otherFailures.get('thrown') ?? 0) + 1);
          throw e;
        }
      },
    },
  });

  /** Attempts due more than `graceMs` ago that have not started. */
  overdue(graceMs: number): number {
    const cutoff = Date.now() - graceMs;
    let n = 0;
    for (const d of this.due.values()) if (d < cutoff) n++;
    return n;
  }
}

interface MemPoint {
  point: string;
  rss: number;
  peak: number;
  heapUsed: number;
  temporal?: { rss: number; peak: number };
  ferretdb?: { rss: number; peak: number };
  cached: number;
}

function memPoint(point: string, stack: BenchStack): MemPoint {
  fullGc();
  const self = procMem(process.pid)!;
  return {
    point,
    rss: self.rss,
    peak: self.peak,
    heapUsed: mb(process.memoryUsage().heapUsed),
    temporal: procMem(stack.processes.temporal.child.pid),
    ferretdb: procMem(stack.processes.ferretdb.child.pid),
    cached: stack.wb.worker.status().numCachedWorkflows,
  };
}

const memRow = (m: MemPoint): Row => ({
  point: m.point,
  'bench process RSS (MiB)': m.rss,
  'bench heapUsed after GC (MiB)': m.heapUsed,
  'cached workflows': m.cached,
  'Temporal dev server RSS (MiB)': m.temporal?.rss ?? 'gone',
  'FerretDB RSS (MiB)': m.ferretdb?.rss ?? 'gone',
});

const ms = (x: number) => Math.round(x);

/** Update-with-start through the API's gateway with the request the API builds, notifications off. */
async function openDirect(
  stack: BenchStack,
  n: number,
  prefix: string,
  concurrency: number,
  o: { options?: ShipmentInput['options']; every?: number; deadline?: number; onOpened?: () => void } = {},
): Promise<{ opened: number; retries: number }> {
  const every = o.every ?? 1000;
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const templateId = `${prefix}-template`;
  const r = await http(`${stack.wb.url}/api/orders`, { method: 'POST', headers: auth, body: JSON.stringify(sampleOrder(templateId)) });
  await r.body.dump();
  const order = await new OrdersRepo(stack.mongo.cols).get(templateId);
  if (!order) throw new Error('template order not stored');
  const request = shipmentRequestFor(order, 500);
  const t0 = performance.now();
  let done = 0;
  let lastAt = t0;
  let retries = 0;
  await mapLimit(
    Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`),
    concurrency,
    async (orderId) => {
      if (o.deadline !== undefined && Date.now() > o.deadline) return;
      const input: ShipmentInput = { orderId, courier: 'delhivery', request: { ...request, orderId }, options: { ...o.options, notify: { email: false, whatsapp: false, adminEmail: false } } };
      for (let attempt = 1; ; attempt++) {
        try {
          const out = await stack.wb.gateway.ship(input);
          if (!out.ok) throw new Error(`ship ${orderId}: ${out.code} ${out.message}`);
          break;
        } catch (e) {
          if (!(e instanceof ShipmentGatewayError && e.kind === 'unavailable') || attempt >= 5) throw e;
          retries++;
          say(`ship ${orderId}: ${e.message}; retrying`);
          await new Promise((res) => setTimeout(res, 1_000 * attempt));
        }
      }
      o.onOpened?.();
      if (++done % every === 0 || done === n) {
        const now = performance.now();
        const elapsed = (now - t0) / 1000;
        say(`opened ${done}/${n}: ${(done / elapsed).toFixed(1)}/s overall, ${(((done % every || every) * 1000) / (now - lastAt)).toFixed(1)}/s lately, ${elapsed.toFixed(0)} s elapsed, RSS ${procMem(process.pid)?.rss} MiB, dev server ${procMem(stack.processes.temporal.child.pid)?.rss} MiB, load ${load()}`);
        lastAt = now;
      }
    },
  );
  return { opened: done, retries };
}

export async function run(command: string): Promise<void> {
  const loadStart = load();
  const n = arg('shipments', 500);
  const apiN = Math.min(n, arg('api', 200));
  const fast = Math.min(n - apiN, arg('fast', 1000));
  const bulkN = n - apiN - fast;
  /** Stop opening the bulk this many minutes after it started (0: no limit); the rest of the run goes on with what is open. */
  const openMinutes = arg('open-minutes', 0);
  const fastMinutes = arg('fast-minutes', 1);
  const minutes = arg('minutes', 6);
  const webhooks = arg('webhooks', 100);
  const concurrency = arg('concurrency', 48);
  const courierRate = arg('courier-rate', 1000);
  const i = process.argv.indexOf('--bulk-projection');
  const bulkProjection = i > 0 ? process.argv[i + 1] : 'skip';
  const tag = Date.now().toString(36);
  const [bulkPrefix, apiPrefix, fastPrefix] = [`K${tag}`, `A${tag}`, `F${tag}`];
  const lag = new BenchInterceptor(
    (wf) => wf.includes(fastPrefix),
    (wf) => bulkProjection === 'skip' && (wf.includes(bulkPrefix) || wf.includes(fastPrefix)),
  );

  const rss0 = procMem(process.pid)!.rss;
  const stack = await startBenchStack({
    shipments: 0,
    activityConfig: { rateLimits: { delhivery: { perSecond: courierRate, burst: courierRate } } },
    workerOptions: { interceptors: { activity: [lag.interceptor] } },
    delhivery: { limits: { trackingPer5Min: 1e12, pincodePer5Min: 1e12 } },
  });
  const mem: MemPoint[] = [];
  let failure: unknown;
  const phases: Row[] = [];
  const a = { ack: [] as number[], stored: [] as number[] };
  let lagEnd = 0;
  let overdue = 0;
  let bulkRetries = 0;
  let bulkOpened = 0;
  /** Workflows open so far (less than n if opening stopped at --open-minutes or failed). */
  let open = 0;
  const onOpened = () => void open++;
  const phase = (name: string, count: number, seconds: number) => phases.push({ phase: name, shipments: count, seconds: ms(seconds), 'per second': Number((count / seconds).toFixed(1)) });
  try {
    mem.push(memPoint('stack started, nothing open', stack));
    say(`worker maxCachedWorkflows ${stack.wb.worker.maxCachedWorkflows}; RSS before the stack ${rss0} MiB, with it ${mem[0]!.rss} MiB`);

    say(`opening ${bulkN} bulk shipments through the gateway, ${concurrency} at a time (projection: ${bulkProjection})`);
    let t = performance.now();
    const bulk = await openDirect(stack, bulkN, bulkPrefix, concurrency, { onOpened, ...(openMinutes > 0 ? { deadline: Date.now() + openMinutes * 60_000 } : {}) });
    bulkRetries = bulk.retries;
    bulkOpened = bulk.opened;
    if (bulkOpened < bulkN) say(`stopped opening at the ${openMinutes}-minute limit: ${bulkOpened} of ${bulkN} bulk shipments open`);
    const projection = bulkProjection === 'skip' ? 'projection skipped' : 'projection written';
    phase(`bulk: gateway update-with-start, default cadence, ${projection}${bulkOpened < bulkN ? ` (stopped at ${openMinutes} min)` : ''}`, bulkOpened, (performance.now() - t) / 1000);
    mem.push(memPoint(`${bulkOpened} open`, stack));

    say(`booking ${apiN} shipments through the API, ${concurrency} at a time`);
    t = performance.now();
    const apiBooked = await stack.book(apiN, apiPrefix, concurrency, { progressEvery: 100 });
    open += apiN; // (book() returns all or throws)
    phase('api: POST /api/orders + POST /api/orders/:id/ship', apiN, (performance.now() - t) / 1000);

    say(`opening ${fast} shipments polling every ${fastMinutes} min through the gateway, ${concurrency} at a time`);
    t = performance.now();
    bulkRetries += (await openDirect(stack, fast, fastPrefix, concurrency, { options: { pollMinutes: { default: fastMinutes, booked: fastMinutes, webhooksFlowing: fastMinutes } }, every: 250, onOpened })).retries;
    phase(`fast: gateway update-with-start, pollMinutes ${fastMinutes}, ${projection}`, fast, (performance.now() - t) / 1000);
    const openAt = Date.now();
    mem.push(memPoint(`${open} open`, stack));

    const base = Date.now() - 20 * 86_400_000;
    say(`${webhooks} webhooks, one at a time, while ${open} workflows are open`);
    for (let w = 0; w < webhooks && apiBooked.length > 0; w++) {
      const { orderId, awb } = apiBooked[w % apiBooked.length]!;
      const body = delhiveryScan(awb, w, base);
      const key = eventKey(orderId, body);
      const t1 = performance.now();
      const r = await http(stack.webhookUrl, { method: 'POST', headers: stack.webhookHeaders, body });
      await r.body.dump();
      a.ack.push(performance.now() - t1);
      while (!(await stack.mongo.cols.trackingEvents.findOne({ _id: key }, { projection: { _id: 1 } }))) await new Promise((res) => setTimeout(res, 10));
      a.stored.push(performance.now() - t1);
    }
    mem.push(memPoint(`after ${a.ack.length} webhooks`, stack));

    const endAt = openAt + minutes * 60_000;
    say(`measuring poll timer lag until ${minutes} min after all ${open} were open`);
    while (Date.now() < endAt) {
      await new Promise((res) => setTimeout(res, Math.min(60_000, Math.max(0, endAt - Date.now()))));
      const l = stats(lag.lag);
      say(`poll lag: ${l.n} samples, median ${ms(l.median)} ms, p99 ${ms(l.p99)} ms, max ${ms(l.max)} ms; ${lag.overdue(5_000)} overdue; RSS ${procMem(process.pid)?.rss} MiB, load ${load()}`);
    }
    lagEnd = Date.now();
    overdue = lag.overdue(5_000);
    mem.push(memPoint(`end (${minutes} min after all open)`, stack));
  } catch (e) {
    failure = e;
    say(`FAILED: ${e instanceof Error ? e.message : String(e)}`);
    try {
      mem.push(memPoint('at the failure', stack));
    } catch {
      /* the stack is gone */
    }
  }
  try {
    const l = stats(lag.lag);
    const q = stats(lag.scheduleToStart);
    const f = stats(lag.firstScheduleToStart);
    const ack = stats(a.ack);
    const st = stats(a.stored);
    const peak = mem.reduce((m, p) => ({ rss: Math.max(m.rss, p.peak), t: Math.max(m.t, p.temporal?.peak ?? 0), f: Math.max(m.f, p.ferretdb?.peak ?? 0) }), { rss: 0, t: 0, f: 0 });
    const row = (measure: string, x: ReturnType<typeof stats>): Row => ({ measure, n: x.n, median: ms(x.median), p90: ms(x.p90), p99: ms(x.p99), max: ms(x.max) });
    report({
      title: `5. Scale: ${open} open shipment workflows${open < n ? ` of ${n} requested` : ''} (one dev server, one worker)${failure ? ' — FAILED' : ''}`,
      command,
      loadStart,
      loadEnd: load(),
      tables: [
        { caption: 'opening the workflows', rows: phases.length ? phases : [{ phase: 'none completed' }] },
        { caption: 'memory', rows: [...mem.map(memRow), { point: 'peak (VmHWM)', 'bench process RSS (MiB)': peak.rss, 'Temporal dev server RSS (MiB)': peak.t, 'FerretDB RSS (MiB)': peak.f }] },
        {
          caption: `poll timer lag, ${fast} shipments polling every ${fastMinutes} min (stretching ×1.5 per unchanged poll, ±10 % jitter) among ${open} open (ms)`,
          rows: [
            row('attempt start − (previous failure + nextRetryDelay), worker clock', l),
            row('attempt start − server scheduled time of the attempt', q),
            row('first attempt: start − scheduled (dispatch, no timer)', f),
          ],
        },
        { caption: `webhook latency while ${open} workflows are open, one at a time, to the api group (ms)`, rows: [row('webhook → 200', ack), row('webhook → stored', st)] },
      ],
      notes: [
        `Opening (see bench/scale.ts): ${bulkOpened} bulk${bulkOpened < bulkN ? ` (of ${bulkN})` : ''} and ${fast} fast through TemporalShipmentGateway.ship (notifications off; MongoDB projection ${bulkProjection === 'skip' ? `not written: ${lag.skippedProjections} recordProjection calls answered by the bench's interceptor` : 'written'}), ${apiN} through the API; ${concurrency} at a time; ${bulkRetries + stack.bookingRetries} requests retried after a 5xx, "unavailable" or a network error. Worker's Delhivery rate limit ${courierRate}/s (product default ${DEFAULT_ACTIVITY_CONFIG.defaultRateLimit.perSecond}/s); simulator WAF limits lifted.`,
        `Worker: Worker.create defaults plus the bench's activity interceptor: maxCachedWorkflows ${stack.wb.worker.maxCachedWorkflows} (the SDK's default from the V8 heap limit, ${mb(v8.getHeapStatistics().heap_size_limit)} MiB), so at most that many workflows are held in the worker's memory; the rest are replayed from history when a task arrives. trackBatchWindowMs ${DEFAULT_ACTIVITY_CONFIG.trackBatchWindowMs}.`,
        'Bench process = API + worker + courier simulators (holding every shipment) in one Node process; the Temporal dev server (in-memory SQLite) and FerretDB are separate processes, read from /proc/<pid>/status.',
        bulkProjection === 'skip' ? `MongoDB holds the orders and projections of the api group only (${apiN} shipments), so webhook → stored is measured against small collections, not N.` : `MongoDB holds the projections of all ${open} shipments and the orders of the api group.`,
        `Poll attempts of the fast group: ${lag.attempts} started, ${lag.completed} completed with new scans, other failures: ${lag.otherFailures.size ? JSON.stringify(Object.fromEntries(lag.otherFailures)) : 'none'}; ${overdue} due more than 5 s before the end had not started${lagEnd ? '' : ' (the run did not reach the end)'}.`,
        ...(failure ? [`FAILED: ${failure instanceof Error ? failure.message : String(failure)}`] : []),
      ],
    });
  } finally {
    await stack.stop();
  }
  if (failure) throw failure;
}
