// Benchmark 2 — end to end: a courier's webhook received → its effect stored in MongoDB's projection
// (the timeline entry the projection activity writes after the workflow applied the event, next to the
// order's status), at a fixed offered rate.
//
//   npm run bench -- e2e [--rate 200] [--seconds 30] [--shipments 100]
//
// Open loop: webhooks leave on a fixed schedule (rate/s) whatever the answers, so a slow stack shows as
// latency, not as a lower rate. Bodies are Delhivery scan pushes in the simulator's format (scanPush in
// src/simulators/delhivery/views.ts), each distinct, spread over the booked shipments. "Stored" is read
// from the projection's own storedAt (set by the first write of each timeline entry), after the run:
// the benchmark puts no query load on the database while it measures. Both clocks are this machine's.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { arg, load, report, say, stats } from './lib/report';
import { delhiveryScan, eventKey, startBenchStack } from './lib/stack';

export async function run(command: string): Promise<void> {
  const loadStart = load();
  const rate = arg('rate', 200);
  const seconds = arg('seconds', 30);
  const stack = await startBenchStack({ shipments: arg('shipments', 100) });
  const pool = new Pool(new URL(stack.webhookUrl).origin, { connections: 64 });
  const path = new URL(stack.webhookUrl).pathname;
  const sentAt = new Map<string, number>();
  const ack: number[] = [];
  const stored: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let lag = 0;
  try {
    const base = Date.now() - 20 * 86_400_000;
    const total = rate * seconds;
    const before = await stack.mongo.cols.trackingEvents.estimatedDocumentCount();
    say(`sending ${total} webhooks at ${rate}/s`);
    const t0 = performance.now();
    const inflight: Array<Promise<void>> = [];
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      else lag = Math.max(lag, -wait);
      const { orderId, awb } = stack.booked[i % stack.booked.length]!;
      const body = delhiveryScan(awb, i, base);
      const key = eventKey(orderId, body);
      const t = performance.now();
      sentAt.set(key, Date.now());
      inflight.push(
        pool.request({ path, method: 'POST', headers: stack.webhookHeaders, body }).then(
          async (r) => {
            await r.body.dump();
            if (r.statusCode !== 200) {
              non2xx++;
              sentAt.delete(key);
            } else ack.push(performance.now() - t);
          },
          () => {
            errors++;
            sentAt.delete(key);
          },
        ),
      );
      if (i % (rate * 5) === 0 && i > 0) say(`${i}/${total} sent, ${ack.length} acked`);
    }
    await Promise.all(inflight);
    const wall = (performance.now() - t0) / 1000;
    // Drain: wait (≤ 60 s) until the projection holds every acknowledged event; a count is all it reads.
    const drainStart = performance.now();
    for (;;) {
      const n = (await stack.mongo.cols.trackingEvents.estimatedDocumentCount()) - before;
      if (n >= sentAt.size || performance.now() - drainStart > 60_000) break;
      say(`draining: ${n}/${sentAt.size} stored`);
      await new Promise((r) => setTimeout(r, 2_000));
    }
    for await (const d of stack.mongo.cols.trackingEvents.find({}, { projection: { _id: 1, storedAt: 1 } })) {
      const t = sentAt.get(d._id);
      if (t === undefined || !d.storedAt) continue;
      stored.push(Date.parse(d.storedAt) - t);
      sentAt.delete(d._id);
    }
    const a = stats(ack);
    const s = stats(stored);
    const row = (name: string, x: ReturnType<typeof stats>) => ({ measure: name, n: x.n, 'median ms': Math.round(x.median), 'p90 ms': Math.round(x.p90), 'p99 ms': Math.round(x.p99), 'max ms': Math.round(x.max) });
    report({
      title: `2. End to end: webhook → status stored (${rate}/s offered)`,
      command,
      loadStart,
      loadEnd: load(),
      tables: [{ caption: `${total} Delhivery scan pushes at ${rate}/s (open loop, ${seconds} s) over ${stack.booked.length} shipments`, rows: [row('webhook → 200 (in the inbox)', a), row('webhook → stored in the projection', s)] }],
      notes: [
        `sending took ${wall.toFixed(1)} s for ${seconds} s of schedule (sender fell behind by up to ${Math.round(lag)} ms); non-2xx ${non2xx}, network errors ${errors}; not stored within 60 s after the last send: ${sentAt.size}.`,
      ],
    });
  } finally {
    await pool.close();
    await stack.stop();
  }
}
