// Benchmark `aging` — does a webhook cost more once the store has run for a year? The same measurements
// on the same stack, empty and then with bulk-preloaded history, printed as ratios to the empty store.
//
//   npm run bench -- aging [--sizes 0:0,100000:20000,1000000:100000] [--ingest-rate 10] [--seconds 30]
//     [--e2e-fraction 0.5] [--shipments 100] [--drain-timeout 300] [--ceiling-seconds 20] [--ceiling-rate R]
//     [--env KEY=VALUE …]
//
// --sizes lists `webhooks:shipments` stages, in increasing order: each stage adds what is missing to reach
// its sizes (webhooks: bench/lib/preload-webhooks.ts, exactly what the API leaves behind for a delivered
// webhook; shipments: bench/lib/preload-shipments.ts, orders + shipments + tracking events + read models
// as the projection writes them), then measures:
//   - ingest at --ingest-rate for --seconds (ack and stored latency, open loop),
//   - e2e at --e2e-fraction × ceiling for --seconds (ack and stored latency).
// The live webhooks go to --shipments shipments booked through the API (open workflows); the preloaded
// history is what a year of a store leaves in MongoDB.
import { ceilingOptionsFromArgs, ceilingRow, measureCeiling, type Ceiling } from './ceiling';
import { step, type StepResult } from './e2e';
import { envFromArgs, startProcStack } from './lib/procs';
import { preloadShipments } from './lib/preload-shipments';
import { preloadWebhooks } from './lib/preload-webhooks';
import { PushSource } from './lib/pushes';
import { arg, load, report, say, type Row } from './lib/report';

function stages(): Array<{ webhooks: number; shipments: number }> {
  const i = process.argv.indexOf('--sizes');
  const raw = i > 0 ? (process.argv[i + 1] ?? '') : '0:0,100000:20000,1000000:100000';
  return raw
    .split(',')
    .filter(Boolean)
    .map((s) => {
      const [w, sh] = s.split(':').map(Number);
      return { webhooks: w ?? 0, shipments: sh ?? 0 };
    });
}

export async function run(command: string): Promise<void> {
  const loadStart = load();
  const seconds = arg('seconds', 30);
  const ingestRate = arg('ingest-rate', 10);
  const drainTimeoutMs = arg('drain-timeout', 300) * 1000;
  const given = arg('ceiling-rate', 0);
  const ceilingOpts = ceilingOptionsFromArgs('ceiling-');
  const ceiling: Ceiling | undefined = given > 0 || ceilingOpts.seconds <= 0 ? undefined : await measureCeiling(ceilingOpts);
  const C = given > 0 ? given : (ceiling?.appliedPerSecond ?? NaN);
  if (!Number.isFinite(C)) throw new Error('aging needs a ceiling: measure it (--ceiling-seconds > 0) or give one (--ceiling-rate R)');
  const e2eRate = Math.round(arg('e2e-fraction', 0.5) * C);

  const stack = await startProcStack({ shipments: arg('shipments', 100), env: envFromArgs() });
  const pushes = new PushSource(stack.booked);
  const rows: Row[] = [];
  const loaded = { webhooks: 0, shipments: 0 };
  let base: { ingest: StepResult; e2e: StepResult } | undefined;
  const ratio = (x: number, b: number) => (b > 0 && Number.isFinite(x) ? Number((x / b).toFixed(2)) : '');
  try {
    await step(stack, pushes, 20, 3, 1_000, drainTimeoutMs, 'warm-up');
    for (const st of stages()) {
      if (st.webhooks > loaded.webhooks) {
        say(`preloading ${st.webhooks - loaded.webhooks} webhooks`);
        const r = await preloadWebhooks(stack.mongo.db, { count: st.webhooks - loaded.webhooks });
        say(`  done in ${r.seconds.toFixed(0)} s`);
        loaded.webhooks = st.webhooks;
      }
      if (st.shipments > loaded.shipments) {
        say(`preloading ${st.shipments - loaded.shipments} shipments (orders, shipments, tracking events, read models)`);
        const r = await preloadShipments(stack.mongo.db, { count: st.shipments - loaded.shipments });
        say(`  done in ${r.seconds.toFixed(0)} s`);
        loaded.shipments = st.shipments;
      }
      const label = `${loaded.webhooks.toLocaleString('en')} webhooks, ${loaded.shipments.toLocaleString('en')} shipments`;
      const ingest = await step(stack, pushes, ingestRate, seconds, 1_000, drainTimeoutMs, `${label}: ingest ${ingestRate}/s`);
      const e2e = await step(stack, pushes, e2eRate, seconds, 1_000, drainTimeoutMs, `${label}: e2e ${e2eRate}/s`);
      base ??= { ingest, e2e };
      for (const [what, s, b] of [
        [`ingest ${ingestRate}/s`, ingest, base.ingest],
        [`e2e ${e2eRate}/s (${(e2eRate / C).toFixed(2)} × ceiling)`, e2e, base.e2e],
      ] as const) {
        rows.push({
          'stored data': label,
          load: what,
          sent: s.sent,
          acked: s.acked,
          'not stored': s.notStored,
          'ack p50 ms': Math.round(s.ack.median),
          'ack p99 ms': Math.round(s.ack.p99),
          'stored p50 ms': Math.round(s.stored.median),
          'stored p99 ms': Math.round(s.stored.p99),
          'ack p50 ×': ratio(s.ack.median, b.ack.median),
          'ack p99 ×': ratio(s.ack.p99, b.ack.p99),
          'stored p50 ×': ratio(s.stored.median, b.stored.median),
          'stored p99 ×': ratio(s.stored.p99, b.stored.p99),
        });
      }
    }
    report({
      title: 'Aging: webhook latency with a year of data stored, as ratios to the empty store',
      command,
      loadStart,
      loadEnd: load(),
      tables: [...(ceiling ? [{ caption: 'Ceiling, same run (bench/ceiling.ts)', rows: [ceilingRow(ceiling)] }] : []), { caption: 'Latency by stored data (× = ratio to the first stage)', rows }],
      notes: [
        `Target: at 1,000,000 stored webhooks, ack and stored p50/p99 within 1.25× of the empty store.`,
        `Live webhooks go to ${stack.booked.length} shipments booked through the API; the preloaded history sits beside them in MongoDB.`,
      ],
    });
  } finally {
    await stack.stop();
  }
}
