// Benchmark 5 — scale: N open shipment workflows on one dev server and one worker: worker memory (RSS
// of the process that hosts the worker, with the API and simulators beside it), booking rate, and
// webhook latency (ack and stored) while they run.
//
//   npm run bench -- scale [--shipments 200] [--webhooks 100]
//
// Shipments are booked through the API, so N is bounded by booking throughput: the worker's default
// courier rate limit (2 requests/s per courier, src/activities/deps.ts) and ~3 courier calls per
// booking cap it near 0.7 bookings/s per courier. 10,000 would take ~4 h and 50,000 ~20 h on that
// path; see docs/evidence.md. Poll timer lag is not measured here: at the default cadence (hours) no
// poll falls due within a run of minutes.
import { performance } from 'node:perf_hooks';
import { request as http } from 'undici';
import { arg, load, report, say, stats } from './lib/report';
import { delhiveryScan, eventKey, startBenchStack } from './lib/stack';

const mb = (n: number) => Math.round(n / 2 ** 20);

export async function run(command: string): Promise<void> {
  const loadStart = load();
  const n = arg('shipments', 200);
  const webhooks = arg('webhooks', 100);
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const stack = await startBenchStack({ shipments: n });
  const bookSeconds = (performance.now() - t0) / 1000;
  try {
    global.gc?.();
    const rss1 = process.memoryUsage().rss;
    const base = Date.now() - 20 * 86_400_000;
    const ack: number[] = [];
    const stored: number[] = [];
    say(`${webhooks} webhooks, one at a time, while ${n} workflows are open`);
    for (let i = 0; i < webhooks; i++) {
      const { orderId, awb } = stack.booked[i % stack.booked.length]!;
      const body = delhiveryScan(awb, i, base);
      const key = eventKey(orderId, body);
      const t = performance.now();
      const r = await http(stack.webhookUrl, { method: 'POST', headers: stack.webhookHeaders, body });
      await r.body.dump();
      ack.push(performance.now() - t);
      while (!(await stack.mongo.cols.trackingEvents.findOne({ _id: key }, { projection: { _id: 1 } }))) await new Promise((res) => setTimeout(res, 10));
      stored.push(performance.now() - t);
    }
    const rss2 = process.memoryUsage().rss;
    const a = stats(ack);
    const s = stats(stored);
    report({
      title: `5. Scale: ${n} open shipment workflows (one dev server, one worker)`,
      command,
      loadStart,
      loadEnd: load(),
      tables: [
        {
          caption: 'memory and booking',
          rows: [
            { measure: 'open workflows', value: n },
            { measure: 'stack start + booking (s)', value: Number(bookSeconds.toFixed(0)) },
            { measure: 'bookings / s (incl. start-up)', value: Number((n / bookSeconds).toFixed(2)) },
            { measure: 'RSS before start (MiB)', value: mb(rss0) },
            { measure: `RSS with ${n} open (MiB)`, value: mb(rss1) },
            { measure: `RSS after ${webhooks} webhooks (MiB)`, value: mb(rss2) },
          ],
        },
        {
          caption: `webhook latency while ${n} workflows are open (ms)`,
          rows: [
            { measure: 'webhook → 200', n: a.n, median: Math.round(a.median), p99: Math.round(a.p99), max: Math.round(a.max) },
            { measure: 'webhook → stored', n: s.n, median: Math.round(s.median), p99: Math.round(s.p99), max: Math.round(s.max) },
          ],
        },
      ],
      notes: ['RSS is the benchmark process: API, worker (workflow cache and activities) and simulators share it; the Temporal dev server and FerretDB are separate processes.', 'Poll timer lag: not measured (see the header of bench/scale.ts).'],
    });
  } finally {
    await stack.stop();
  }
}
