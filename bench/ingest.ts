// Benchmark 1 — webhook ingest: sustained webhooks per second and ack latency through auth + the durable
// inbox + the signal, with autocannon on loopback.
//
//   npm run bench -- ingest [--shipments 100] [--step-seconds 10] [--seconds 60]
//
// Every request is a distinct Delhivery scan push (same format the simulator sends) for one of the
// booked shipments, so each one is authenticated, parsed, written to the inbox and signalled (no
// duplicate short-cuts). First a ladder of fixed rates (step-seconds each) finds where p99 bends (the
// knee: p99 above 3× the lowest step's, or under 90 % of the offered rate served); then a sustained run
// of `seconds` at the last rate below the knee.
import autocannon from 'autocannon';
import { COLLECTIONS } from '../src/storage/collections';
import { arg, load, report, say, type Row } from './lib/report';
import { delhiveryScan, startBenchStack } from './lib/stack';

interface Step {
  rate: number | undefined;
  seconds: number;
}

export async function run(command: string): Promise<void> {
  const loadStart = load();
  const stack = await startBenchStack({ shipments: arg('shipments', 100) });
  const rows: Row[] = [];
  let n = 0;
  const base = Date.now() - 20 * 86_400_000;
  const nextBody = () => {
    const i = n++;
    return delhiveryScan(stack.booked[i % stack.booked.length]!.awb, i, base);
  };
  const fire = async ({ rate, seconds }: Step) => {
    const r = await autocannon({
      url: stack.webhookUrl,
      method: 'POST',
      headers: stack.webhookHeaders,
      // Enough connections that latency never caps the offered rate (rate × a 2 s worst case).
      connections: rate === undefined ? 32 : Math.max(16, Math.min(400, rate * 2)),
      pipelining: 1,
      duration: seconds,
      ...(rate !== undefined ? { overallRate: rate } : {}),
      requests: [{ setupRequest: (req) => ({ ...req, body: nextBody() }) }],
    });
    return {
      offered: rate === undefined ? 'max (32 connections)' : rate,
      seconds,
      'acked / s': Number(r.requests.average.toFixed(1)),
      '2xx': r['2xx'],
      'non-2xx': r.non2xx,
      errors: r.errors + r.timeouts,
      'ack median ms': r.latency.p50,
      'ack p90 ms': r.latency.p90,
      'ack p99 ms': r.latency.p99,
      'ack max ms': r.latency.max,
    };
  };
  try {
    const stepSeconds = arg('step-seconds', 10);
    let knee: number | undefined;
    let lastGood = 5;
    let baseP99: number | undefined;
    for (const rate of [5, 10, 25, 50, 100, 200, 400, 800, undefined]) {
      say(`ladder: ${rate ?? 'max'}/s for ${stepSeconds} s`);
      const row = await fire({ rate, seconds: stepSeconds });
      rows.push({ phase: 'ladder', ...row });
      const p99 = row['ack p99 ms'];
      baseP99 ??= p99;
      const bent = p99 > 3 * Math.max(baseP99, 5) || (rate !== undefined && row['acked / s'] < 0.9 * rate) || row['non-2xx'] > 0;
      if (bent && knee === undefined) {
        knee = rate ?? Math.round(row['acked / s']);
        break;
      }
      if (rate !== undefined) lastGood = rate;
    }
    const seconds = arg('seconds', 60);
    say(`sustained: ${lastGood}/s for ${seconds} s`);
    rows.push({ phase: `sustained (below the knee)`, ...(await fire({ rate: lastGood, seconds })) });
    const inbox = await stack.mongo.db.collection(COLLECTIONS.inbox).estimatedDocumentCount().catch(() => -1);
    report({
      title: '1. Webhook ingest (auth + durable inbox + signal)',
      command,
      loadStart,
      loadEnd: load(),
      tables: [{ caption: `Delhivery scan pushes, each distinct, ${stack.booked.length} shipments, autocannon on loopback (API, worker, simulators in one process; Temporal dev server + FerretDB beside it)`, rows }],
      notes: [
        `knee (p99 > 3× the first step's, < 90 % served, or any non-2xx): ${knee === undefined ? 'not reached within the ladder' : `${knee}/s`}; sustained run at ${lastGood}/s.`,
        `webhooks sent in all: ${n}; inbox documents afterwards: ${inbox}.`,
        'The API, the worker and the load generator share this 2-core machine with the Temporal dev server and FerretDB, so the knee is the machine\'s, not the API\'s alone.',
      ],
    });
  } finally {
    await stack.stop();
  }
}
