// Benchmark `webhook-cost` — what one courier webhook costs, end to end, counted rather than estimated:
// database round trips, Temporal calls, history events and CPU time, per process.
//
//   npm run bench -- webhook-cost [--rate 50] [--seconds 20] [--idle-seconds 10] [--shipments 100]
//     [--drain-timeout 300] [--ceiling-seconds 20] [--ceiling-workflows 100] [--ceiling-signallers 64]
//     [--env KEY=VALUE …] (more environment for the API and the worker; default: npm start's)
//
// The stack runs as `npm start` runs it (bench/lib/procs.ts), with MONGODB_COMMAND_METRICS on: the API
// and the worker count every MongoDB command they send (driver command monitoring,
// waybill_mongo_commands_total on their /metrics). This process sends --rate distinct Delhivery scan
// pushes per second for --seconds (open loop), waits until every acknowledged one is in the projection,
// and divides what changed over that window by the webhooks acknowledged:
//   - database round trips, by process and by command × collection (the API's and the worker's /metrics);
//   - Temporal calls: requests the dev server's frontend completed in the namespace, by operation (its own
//     Prometheus metrics, service_latency_count), whoever made them (the API's signals, the worker's polls
//     and task completions);
//   - history events: growth of the booked workflows' history lengths (DescribeWorkflowExecution);
//   - CPU ms per process (API, worker, Temporal, FerretDB, simulators, this generator) from /proc, raw and
//     less the same processes' idle use, measured for --idle-seconds before the load.
// The ceiling's own CPU per signal (bench/ceiling.ts, same run) is printed beside it for comparison.
import { ceilingOptionsFromArgs, ceilingRow, measureCeiling, type Ceiling } from './ceiling';
import { openLoop, statusLine } from './lib/open-loop';
import { cpuBetween, snapshot, type ProcUsage } from './lib/proc-stats';
import { envFromArgs, startProcStack, type ProcStack } from './lib/procs';
import { delta, scrape, sumBy } from './lib/prom';
import { PushSource } from './lib/pushes';
import { arg, load, report, say, stats, type Row } from './lib/report';

interface Counters {
  mongo: Map<string, number>;
  temporal: Map<string, number>;
}

async function counters(stack: ProcStack): Promise<Counters> {
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

const per = (x: number, n: number, digits = 2) => Number((x / n).toFixed(digits));

export async function run(command: string): Promise<void> {
  const loadStart = load();
  const rate = arg('rate', 50);
  const seconds = arg('seconds', 20);
  const idleSeconds = arg('idle-seconds', 10);
  const drainTimeoutMs = arg('drain-timeout', 300) * 1000;
  const ceilingOpts = ceilingOptionsFromArgs('ceiling-');
  const ceiling: Ceiling | undefined = ceilingOpts.seconds > 0 ? await measureCeiling(ceilingOpts) : undefined;

  const stack = await startProcStack({ shipments: arg('shipments', 100), commandMetrics: true, env: envFromArgs() });
  const pushes = new PushSource(stack.booked);
  try {
    // Warm-up (connections, JIT, workflow caches), drained, then the idle baseline.
    const warmBase = await stack.storedCount();
    const warm = await openLoop({ url: stack.webhookUrl, headers: stack.webhookHeaders, rate: 20, seconds: 3, label: 'warm-up', body: () => ({ body: pushes.next().body }) });
    await stack.waitStored(warmBase + (warm.statuses['200'] ?? 0), drainTimeoutMs, 'warm-up drain');
    say(`idle baseline: ${idleSeconds} s`);
    const idle0 = snapshot(stack.pids());
    const idleT0 = Date.now();
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    const idleCpu = cpuBetween(idle0, snapshot(stack.pids()));
    const idleMs = Date.now() - idleT0;

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
      rate,
      seconds,
      label: 'cost',
      body: () => {
        const p = pushes.next();
        return { body: p.body, tag: p.eventId };
      },
      onAnswer: (s, tag) => {
        if (s.status === 200 && tag) acked.add(tag);
      },
    });
    const drained = await stack.waitStored(base + acked.size, drainTimeoutMs, 'cost drain');
    // The last projection write may trail the count by a flush: let the processes settle for a second.
    await new Promise((res) => setTimeout(res, 1_000));
    const cpu1: Record<string, ProcUsage> = snapshot(stack.pids());
    const windowMs = Date.now() - t0;
    const c1 = await counters(stack);
    const h1 = await stack.historyLengths();
    const n = acked.size;
    if (n === 0) throw new Error('no webhook was acknowledged');

    const cpu = cpuBetween(cpu0, cpu1);
    const cpuRows: Row[] = Object.keys(cpu).map((p) => {
      const idlePerMs = (idleCpu[p] ?? 0) / idleMs;
      const net = cpu[p]! - idlePerMs * windowMs;
      return {
        process: p,
        'CPU ms / webhook': per(cpu[p]!, n),
        'less idle use': per(net, n),
        'idle CPU %': Number(((idlePerMs * 100)).toFixed(1)),
        'RSS MiB at the end': Number((cpu1[p]!.rssBytes / 2 ** 20).toFixed(0)),
        ...(ceiling ? { 'ceiling: CPU ms / signal': p === 'temporal' || p === 'worker' || p === 'generator' ? per(ceiling.cpuMsPerSignal[p] ?? NaN, 1) : '' } : {}),
      };
    });

    const dm = delta(c0.mongo, c1.mongo);
    const byProc = new Map<string, number>();
    for (const [k, v] of dm) byProc.set(k.split(' ')[0]!, (byProc.get(k.split(' ')[0]!) ?? 0) + v);
    const mongoRows: Row[] = [
      ...[...byProc].map(([p, v]) => ({ process: p, 'command · collection': 'all', 'per webhook': per(v, n), total: v })),
      ...[...dm]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => {
          const [p, cmd, col] = k.split(' ');
          return { process: p!, 'command · collection': `${cmd} · ${col || '-'}`, 'per webhook': per(v, n), total: v };
        }),
    ];
    const dt = delta(c0.temporal, c1.temporal);
    const temporalRows: Row[] = [...dt].sort((a, b) => b[1] - a[1]).map(([op, v]) => ({ operation: op, 'per webhook': per(v, n), total: v }));
    const totalTemporal = [...dt.values()].reduce((a, b) => a + b, 0);

    let events = 0;
    let continued = 0;
    for (const [orderId, after] of h1) {
      const before = h0.get(orderId);
      if (!before) continue;
      if (before.runId === after.runId) events += after.length - before.length;
      else continued++; // continued as new in the window: its growth is not comparable, left out
    }
    const ack = stats(r.latencies);
    const summary: Row[] = [
      {
        webhooks: n,
        answers: statusLine(r.statuses, r.errors),
        'ack p50 / p99 ms': `${Math.round(ack.median)} / ${Math.round(ack.p99)}`,
        'DB round trips / webhook': per([...dm.values()].reduce((a, b) => a + b, 0), n),
        'Temporal requests / webhook': per(totalTemporal, n),
        'history events / webhook': per(events, n),
        'CPU ms / webhook (API + worker + Temporal + FerretDB, less idle)': Number(
          cpuRows
            .filter((row) => ['api', 'worker', 'temporal', 'ferretdb'].includes(String(row.process)))
            .reduce((a, row) => a + Number(row['less idle use']), 0)
            .toFixed(1),
        ),
        'window s': Number((windowMs / 1000).toFixed(1)),
      },
    ];
    report({
      title: `Cost per webhook (${rate}/s for ${seconds} s)`,
      command,
      loadStart,
      loadEnd: load(),
      tables: [
        ...(ceiling ? [{ caption: 'Ceiling, same run (bench/ceiling.ts)', rows: [ceilingRow(ceiling)] }] : []),
        { caption: 'Per webhook, from the first send until every acknowledged webhook was in the projection', rows: summary },
        { caption: 'CPU by process (/proc utime + stime over the window; "less idle": minus the rate measured idle before the load)', rows: cpuRows },
        { caption: 'MongoDB commands (driver command monitoring, MONGODB_COMMAND_METRICS=true)', rows: mongoRows },
        { caption: 'Temporal frontend requests completed in the namespace (dev server metrics), by operation', rows: temporalRows },
      ],
      notes: [
        `history events: growth of ${h1.size - continued} workflows' histories over the window${continued ? `; ${continued} continued as new during it and are left out (their webhooks still count in the divisor)` : ''}.`,
        ...(drained.reachedAt ? [] : [`not every acknowledged webhook was stored within ${drainTimeoutMs / 1000} s: per-webhook figures cover an unfinished window.`]),
        'Temporal requests include the worker\'s long polls, which complete when a task arrives or after a minute idle.',
      ],
    });
  } finally {
    await stack.stop();
  }
}
