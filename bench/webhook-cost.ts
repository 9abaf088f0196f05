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
import { idleCpu, measureWindow } from './lib/cost-window';
import { openLoop } from './lib/open-loop';
import { envFromArgs, startProcStack } from './lib/procs';
import { PushSource } from './lib/pushes';
import { arg, load, report, type Row } from './lib/report';

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
    const idlePerMs = await idleCpu(stack, idleSeconds);
    const w = await measureWindow(stack, pushes, { label: 'cost', rate, seconds, drainTimeoutMs, idlePerMs });
    const n = w.n;
    const cpuRows: Row[] = Object.keys(w.cpuPerWebhook).map((p) => ({
      process: p,
      'CPU ms / webhook, less idle use': per(w.cpuPerWebhook[p]!, 1),
      'idle CPU %': Number(((idlePerMs[p] ?? 0) * 100).toFixed(1)),
      'RSS MiB at the end': Number((w.rss[p]! / 2 ** 20).toFixed(0)),
      ...(ceiling ? { 'ceiling: CPU ms / signal': p === 'temporal' || p === 'worker' || p === 'generator' ? per(ceiling.cpuMsPerSignal[p] ?? NaN, 1) : '' } : {}),
    }));

    const dm = w.mongo;
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
    const dt = w.temporal;
    const temporalRows: Row[] = [...dt].sort((a, b) => b[1] - a[1]).map(([op, v]) => ({ operation: op, 'per webhook': per(v, n), total: v }));
    const totalTemporal = [...dt.values()].reduce((a, b) => a + b, 0);

    const events = w.historyEvents;
    const continued = w.continued;
    const ack = w.ack;
    const summary: Row[] = [
      {
        webhooks: n,
        answers: w.answers,
        'ack p50 / p99 ms': `${Math.round(ack.median)} / ${Math.round(ack.p99)}`,
        'DB round trips / webhook': per([...dm.values()].reduce((a, b) => a + b, 0), n),
        'Temporal requests / webhook': per(totalTemporal, n),
        'history events / webhook': per(events, n),
        'CPU ms / webhook (API + worker + Temporal + FerretDB, less idle)': Number(
          cpuRows
            .filter((row) => ['api', 'worker', 'temporal', 'ferretdb'].includes(String(row.process)))
            .reduce((a, row) => a + Number(row['CPU ms / webhook, less idle use']), 0)
            .toFixed(1),
        ),
        'window s': Number((w.windowMs / 1000).toFixed(1)),
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
        { caption: 'CPU by process (/proc utime + stime over the window, minus the rate measured idle before the load)', rows: cpuRows },
        { caption: 'MongoDB commands (driver command monitoring, MONGODB_COMMAND_METRICS=true)', rows: mongoRows },
        { caption: 'Temporal frontend requests completed in the namespace (dev server metrics), by operation', rows: temporalRows },
      ],
      notes: [
        `history events: growth of the booked workflows' histories over the window${continued ? `; ${continued} continued as new during it and are left out (their webhooks still count in the divisor)` : ''}.`,
        ...(w.drained ? [] : [`not every acknowledged webhook was stored within ${drainTimeoutMs / 1000} s: per-webhook figures cover an unfinished window.`]),
        'Temporal requests include the worker\'s long polls, which complete when a task arrives or after a minute idle.',
      ],
    });
  } finally {
    await stack.stop();
  }
}
