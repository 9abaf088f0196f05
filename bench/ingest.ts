// Benchmark `ingest` — courier webhooks acknowledged under a burst, and how fast the stored backlog
// drains afterwards, against the Temporal ceiling measured in the same run.
//
//   npm run bench -- ingest [--burst-rate 1000] [--burst-seconds 30] [--ladder 50,100,200,400,800,1000,1500,2000,3000]
//     [--step-seconds 10] [--give-up-ms 5000] [--target-p99-ms 250] [--shipments 100] [--connections 256]
//     [--drain-timeout 900] [--ceiling-seconds 20] [--ceiling-workflows 100] [--ceiling-signallers 64]
//     [--env KEY=VALUE …] (more environment for the API and the worker; default: npm start's)
//
// The stack runs as `npm start` runs it (bench/lib/procs.ts): the Temporal dev server on a SQLite file,
// FerretDB, the simulators, the API and the worker, each its own process. This process is the load
// generator, open loop (bench/lib/open-loop.ts): requests leave at a fixed rate whatever the answers,
// and latency counts from each request's scheduled time. Every request is a distinct Delhivery scan push
// for one of the booked shipments (bench/lib/pushes.ts), so each is authenticated, stored and delivered.
//
// 1. ceiling (bench/ceiling.ts) on a dev server of its own, stopped before the stack starts
//    (--ceiling-seconds 0 skips it);
// 2. the burst: --burst-rate for --burst-seconds; acked/s, ack p50/p95/p99, answers by status; then the
//    drain: from the last answer until the projection holds every acknowledged webhook (storedAt, written
//    by the worker, read after the run), as webhooks applied per second and as a fraction of the ceiling;
// 3. the ladder: each rate for --step-seconds, draining between steps so each starts from an empty
//    backlog, up to the end of the list or the first step whose p99 passes --give-up-ms (a sender that
//    waits 5 s gives up and retries) or that acknowledges under half of what was offered. It does not stop
//    when p99 merely rises: the table shows where it bends.
import { ceilingOptionsFromArgs, ceilingRow, measureCeiling, type Ceiling } from './ceiling';
import { openLoop, statusLine, type OpenLoopResult } from './lib/open-loop';
import { envFromArgs, startProcStack, type ProcStack } from './lib/procs';
import { PushSource } from './lib/pushes';
import { arg, load, report, say, stats, type Row } from './lib/report';

const list = (name: string, dflt: number[]) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? '').split(',').filter(Boolean).map(Number) : dflt;
};

interface Phase {
  result: OpenLoopResult;
  acked: Map<string, number>;
}

async function send(stack: ProcStack, pushes: PushSource, rate: number, seconds: number, label: string): Promise<Phase> {
  const acked = new Map<string, number>();
  const result = await openLoop({
    url: stack.webhookUrl,
    headers: stack.webhookHeaders,
    rate,
    seconds,
    label,
    connections: arg('connections', 256),
    body: () => {
      const p = pushes.next();
      return { body: p.body, tag: p.eventId };
    },
    onAnswer: (s, tag) => {
      if (s.status === 200 && tag) acked.set(tag, s.scheduledAt);
    },
  });
  return { result, acked };
}

function ackRow(label: string, p: Phase): Row {
  const s = stats(p.result.latencies);
  const pct = (q: number) => {
    const xs = [...p.result.latencies].sort((a, b) => a - b);
    return xs.length ? Math.round(xs[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!) : NaN;
  };
  const other = Object.entries(p.result.statuses)
    .filter(([k]) => k !== '200' && k !== '503')
    .reduce((a, [, n]) => a + n, 0);
  return {
    phase: label,
    'offered / s': p.result.offered,
    seconds: p.result.seconds,
    sent: p.result.sent,
    'acked / s': Number(p.result.ackedPerSecond.toFixed(1)),
    // Not '200'/'503': integer-like keys would be ordered first in the table.
    'HTTP 200': p.result.statuses['200'] ?? 0,
    'HTTP 503': p.result.statuses['503'] ?? 0,
    'other / errors': other,
    'ack p50 ms': Math.round(s.median),
    'ack p95 ms': pct(0.95),
    'ack p99 ms': Math.round(s.p99),
    'ack max ms': Math.round(s.max),
    'generator lag ms': Math.round(p.result.maxSendLagMs),
  };
}

export async function run(command: string): Promise<void> {
  const loadStart = load();
  const burstRate = arg('burst-rate', 1000);
  const burstSeconds = arg('burst-seconds', 30);
  const ladder = list('ladder', [50, 100, 200, 400, 800, 1000, 1500, 2000, 3000]);
  const stepSeconds = arg('step-seconds', 10);
  const giveUpMs = arg('give-up-ms', 5000);
  const targetP99 = arg('target-p99-ms', 250);
  const drainTimeoutMs = arg('drain-timeout', 900) * 1000;
  const ceilingOpts = ceilingOptionsFromArgs('ceiling-');
  const ceiling: Ceiling | undefined = ceilingOpts.seconds > 0 ? await measureCeiling(ceilingOpts) : undefined;
  const frac = (r: number) => (ceiling ? `${(r / ceiling.appliedPerSecond).toFixed(2)} × ceiling` : 'no ceiling measured');

  const stack = await startProcStack({ shipments: arg('shipments', 100), env: envFromArgs() });
  const pushes = new PushSource(stack.booked);
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    // Warm-up: connections, JIT, sticky caches; drained before the burst.
    let expected = await stack.storedCount();
    const warm = await send(stack, pushes, 20, 3, 'warm-up');
    expected += warm.acked.size;
    await stack.waitStored(expected, drainTimeoutMs, 'warm-up drain');

    say(`burst: ${burstRate}/s for ${burstSeconds} s`);
    const before = await stack.storedCount();
    const burst = await send(stack, pushes, burstRate, burstSeconds, 'burst');
    const lastAnswerAt = burst.result.startedAt + burst.result.wallSeconds * 1000;
    const drained = await stack.waitStored(before + burst.acked.size, drainTimeoutMs, 'burst drain');
    const storedAt = await stack.storedAt(new Set(burst.acked.keys()));
    const times = [...storedAt.values()];
    const storedByLastAnswer = times.filter((t) => t <= lastAnswerAt).length;
    const backlog = burst.acked.size - storedByLastAnswer;
    const drainEnd = times.length ? Math.max(...times) : NaN;
    // No backlog at the last answer: nothing to drain (the projection kept up with the acks). Otherwise the
    // drain rate is what was stored after the last answer over the time it took, drained or not.
    const drainSeconds = backlog > 0 ? (drainEnd - lastAnswerAt) / 1000 : 0;
    const storedAfter = times.length - storedByLastAnswer;
    const drainRate = backlog > 0 && drainSeconds > 0 ? storedAfter / drainSeconds : NaN;
    const overall = burst.acked.size / ((drainEnd - burst.result.startedAt) / 1000);
    rows.push({ ...ackRow('burst', burst) });
    const burstStats = stats(burst.result.latencies);
    const drainRow: Row = {
      'acked in the burst': burst.acked.size,
      'stored by the last ack': storedByLastAnswer,
      'backlog at the last ack': backlog,
      'drained after s': drained.reachedAt ? Number(drainSeconds.toFixed(1)) : `not within ${drainTimeoutMs / 1000}`,
      'drain: applied / s': Number.isFinite(drainRate) ? Math.round(drainRate) : 'no backlog',
      'drain vs ceiling': ceiling && Number.isFinite(drainRate) ? Number((drainRate / ceiling.appliedPerSecond).toFixed(2)) : '',
      'burst start → all stored: applied / s': Math.round(overall),
      'not stored': burst.acked.size - storedAt.size,
    };
    if (!drained.reachedAt) notes.push(`the burst's backlog did not drain within ${drainTimeoutMs / 1000} s: ${burst.acked.size - storedAt.size} acknowledged webhooks not stored when the benchmark gave up waiting.`);
    say(`burst: ${statusLine(burst.result.statuses, burst.result.errors)}; ack p99 ${Math.round(burstStats.p99)} ms; backlog ${backlog} ${drained.reachedAt ? 'drained in' : 'not drained after'} ${drainSeconds.toFixed(1)} s (${Math.round(drainRate)}/s, ${frac(drainRate)})`);

    let knee: number | undefined;
    for (const rate of ladder) {
      say(`ladder: ${rate}/s for ${stepSeconds} s`);
      const base = await stack.storedCount();
      const step = await send(stack, pushes, rate, stepSeconds, `ladder ${rate}/s`);
      const t = Date.now();
      const d = await stack.waitStored(base + step.acked.size, drainTimeoutMs, `ladder ${rate}/s drain`);
      const row = ackRow('ladder', step);
      row['drained after s'] = d.reachedAt ? Number(((d.reachedAt - t) / 1000).toFixed(1)) : `> ${drainTimeoutMs / 1000}`;
      rows.push(row);
      const p99 = Number(row['ack p99 ms']);
      say(`ladder ${rate}/s: acked ${row['acked / s']}/s, p99 ${p99} ms, ${statusLine(step.result.statuses, step.result.errors)}`);
      if (p99 <= targetP99 && step.acked.size === step.result.sent) knee = rate;
      if (!d.reachedAt) {
        notes.push(`ladder stopped at ${rate}/s: its webhooks did not drain within ${drainTimeoutMs / 1000} s.`);
        break;
      }
      if (p99 > giveUpMs || step.acked.size < 0.5 * step.result.sent) {
        notes.push(`ladder stopped at ${rate}/s: ${p99 > giveUpMs ? `ack p99 ${p99} ms passed ${giveUpMs} ms (senders give up)` : 'under half of the offered webhooks acknowledged'}.`);
        break;
      }
    }
    notes.unshift(
      `burst: ${burst.result.sent} webhooks at ${burstRate}/s, ${statusLine(burst.result.statuses, burst.result.errors)}; ack p99 ${Math.round(burstStats.p99)} ms (target ≤ ${targetP99} ms); drain ${Math.round(drainRate)}/s = ${frac(drainRate)}.`,
      `highest ladder rate with every webhook acknowledged and ack p99 ≤ ${targetP99} ms: ${knee === undefined ? 'none' : `${knee}/s (${frac(knee)})`}.`,
      `webhooks sent in all: ${pushes.made}, over ${stack.booked.length} shipments (booking retries: ${stack.bookingRetries}).`,
      'Latency counts from each request\'s scheduled send time (open loop); "generator lag" is how far the generator itself fell behind its schedule. The generator, the API, the worker, the Temporal dev server and FerretDB share the machine.',
    );
    report({
      title: `Ingest: a ${burstRate}/s burst for ${burstSeconds} s, its drain, and the ladder`,
      command,
      loadStart,
      loadEnd: load(),
      tables: [
        ...(ceiling ? [{ caption: 'Ceiling, same run (bench/ceiling.ts)', rows: [ceilingRow(ceiling)] }] : []),
        { caption: 'Acknowledgements (open loop; latency from the scheduled send)', rows },
        { caption: 'The burst\'s backlog: from the last acknowledgement until every acknowledged webhook is in the projection (storedAt)', rows: [drainRow] },
      ],
      notes,
    });
  } finally {
    await stack.stop();
  }
}
