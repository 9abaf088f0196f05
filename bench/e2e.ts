// Benchmark `e2e` — a courier's webhook sent → its tracking event stored in MongoDB's projection, as a
// fraction of the Temporal ceiling measured in the same run.
//
//   npm run bench -- e2e [--step-seconds 20] [--target-p99-ms 1000] [--start-fraction 0.5] [--max-steps 7]
//     [--sustain-fraction 0.7] [--sustain-seconds 60] [--shipments 100] [--drain-timeout 300]
//     [--ceiling-seconds 20] [--ceiling-workflows 100] [--ceiling-signallers 64] [--ceiling-rate R]
//     [--env KEY=VALUE …] (more environment for the API and the worker; default: npm start's)
//
// The stack runs as `npm start` runs it (bench/lib/procs.ts); this process is the open-loop generator
// (bench/lib/open-loop.ts) of distinct Delhivery scan pushes (bench/lib/pushes.ts). "Stored" is the
// projection's own storedAt on tracking_events (set by the worker's first write of the event), read after
// each step, so the benchmark puts no query load on the database while it measures; both clocks are this
// machine's. An acknowledged webhook not stored within --drain-timeout counts as infinitely late.
//
// 1. ceiling (bench/ceiling.ts) on a dev server of its own, stopped before the stack starts; or
//    --ceiling-rate R to give one measured earlier (then --ceiling-seconds is ignored);
// 2. the search: steps of --step-seconds at a fixed rate, starting at --start-fraction × ceiling; a step
//    passes when every webhook is acknowledged and stored with stored p99 under --target-p99-ms; the rate
//    then bisects between the highest pass and the lowest failure (or grows by half while nothing has
//    failed) for --max-steps steps, draining between steps;
// 3. the sustained run: --sustain-fraction × ceiling for --sustain-seconds, the backlog (acknowledged −
//    stored) sampled every 5 s: does it grow?
import { ceilingOptionsFromArgs, ceilingRow, measureCeiling, type Ceiling } from './ceiling';
import { openLoop, statusLine } from './lib/open-loop';
import { envFromArgs, startProcStack, type ProcStack } from './lib/procs';
import { PushSource } from './lib/pushes';
import { arg, load, report, say, stats, type Row } from './lib/report';

export interface StepResult {
  rate: number;
  sent: number;
  acked: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  ack: ReturnType<typeof stats>;
  stored: ReturnType<typeof stats>;
  notStored: number;
  pass: boolean;
  backlog?: Array<{ at: number; backlog: number }>;
}

export async function step(stack: ProcStack, pushes: PushSource, rate: number, seconds: number, targetP99: number, drainTimeoutMs: number, label: string, sampleBacklog = false): Promise<StepResult> {
  const acked = new Map<string, number>();
  const base = await stack.storedCount();
  const backlog: Array<{ at: number; backlog: number }> = [];
  let sampling: NodeJS.Timeout | undefined;
  const t0 = Date.now();
  if (sampleBacklog) {
    // Acknowledged minus stored, every 5 s: one $collStats read (no document scan) per sample.
    sampling = setInterval(() => {
      void stack.storedCount().then((n) => {
        const b = acked.size - (n - base);
        backlog.push({ at: Math.round((Date.now() - t0) / 1000), backlog: b });
        say(`${label}: backlog ${b} at ${Math.round((Date.now() - t0) / 1000)} s`);
      });
    }, 5_000);
  }
  const r = await openLoop({
    url: stack.webhookUrl,
    headers: stack.webhookHeaders,
    rate,
    seconds,
    label,
    body: () => {
      const p = pushes.next();
      return { body: p.body, tag: p.eventId };
    },
    onAnswer: (s, tag) => {
      if (s.status === 200 && tag) acked.set(tag, s.scheduledAt);
    },
  });
  if (sampling) {
    clearInterval(sampling);
    // One last sample as the last answer arrives.
    backlog.push({ at: Math.round((Date.now() - t0) / 1000), backlog: acked.size - ((await stack.storedCount()) - base) });
  }
  await stack.waitStored(base + acked.size, drainTimeoutMs, `${label} drain`);
  const storedAt = await stack.storedAt(new Set(acked.keys()));
  const delays: number[] = [];
  for (const [id, sentAt] of acked) delays.push((storedAt.get(id) ?? Infinity) - sentAt);
  const ack = stats(r.latencies);
  const stored = stats(delays);
  const notStored = acked.size - storedAt.size;
  const pass = acked.size === r.sent && notStored === 0 && stored.p99 < targetP99;
  say(`${label}: ${rate}/s → acked ${acked.size}/${r.sent}, stored p50 ${Math.round(stored.median)} ms p99 ${Math.round(stored.p99)} ms${notStored ? `, ${notStored} not stored` : ''}: ${pass ? 'pass' : 'fail'}`);
  return { rate, sent: r.sent, acked: acked.size, statuses: r.statuses, errors: r.errors, ack, stored, notStored, pass, ...(sampleBacklog ? { backlog } : {}) };
}

function row(phase: string, s: StepResult, c: Ceiling | undefined): Row {
  const ms = (x: number) => (Number.isFinite(x) ? Math.round(x) : 'never');
  return {
    phase,
    'offered / s': Math.round(s.rate),
    'vs ceiling': c ? Number((s.rate / c.appliedPerSecond).toFixed(2)) : '',
    sent: s.sent,
    answers: statusLine(s.statuses, s.errors),
    'ack p50 ms': ms(s.ack.median),
    'ack p99 ms': ms(s.ack.p99),
    'stored p50 ms': ms(s.stored.median),
    'stored p99 ms': ms(s.stored.p99),
    'stored max ms': ms(s.stored.max),
    'not stored': s.notStored,
    result: s.pass ? 'pass' : 'fail',
  };
}

/** Least-squares slope of the backlog over time, webhooks per second. */
function slope(points: Array<{ at: number; backlog: number }>): number {
  if (points.length < 2) return NaN;
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.at, 0) / n;
  const my = points.reduce((a, p) => a + p.backlog, 0) / n;
  const num = points.reduce((a, p) => a + (p.at - mx) * (p.backlog - my), 0);
  const den = points.reduce((a, p) => a + (p.at - mx) ** 2, 0);
  return den ? num / den : NaN;
}

export async function run(command: string): Promise<void> {
  const loadStart = load();
  const stepSeconds = arg('step-seconds', 20);
  const targetP99 = arg('target-p99-ms', 1000);
  const maxSteps = arg('max-steps', 7);
  const drainTimeoutMs = arg('drain-timeout', 300) * 1000;
  const given = arg('ceiling-rate', 0);
  const ceilingOpts = ceilingOptionsFromArgs('ceiling-');
  const ceiling: Ceiling | undefined = given > 0 || ceilingOpts.seconds <= 0 ? undefined : await measureCeiling(ceilingOpts);
  const C = given > 0 ? given : (ceiling?.appliedPerSecond ?? NaN);
  if (!Number.isFinite(C)) throw new Error('e2e needs a ceiling: measure it (--ceiling-seconds > 0) or give one (--ceiling-rate R)');

  const stack = await startProcStack({ shipments: arg('shipments', 100), env: envFromArgs() });
  const pushes = new PushSource(stack.booked);
  const rows: Row[] = [];
  try {
    const warm = await step(stack, pushes, 20, 3, targetP99, drainTimeoutMs, 'warm-up');
    void warm;

    let lo = 0;
    let hi: number | undefined;
    let rate = Math.max(1, arg('start-fraction', 0.5) * C);
    for (let i = 0; i < maxSteps; i++) {
      const s = await step(stack, pushes, rate, stepSeconds, targetP99, drainTimeoutMs, `search ${i + 1}`);
      rows.push(row(`search ${i + 1}`, s, ceiling));
      if (s.pass) lo = rate;
      else hi = rate;
      const next = hi === undefined ? rate * 1.5 : (lo + hi) / 2;
      // Close enough: another step would move the answer by under 5 % of the ceiling.
      if (hi !== undefined && hi - lo < 0.05 * C) break;
      rate = next;
    }

    const sustainRate = arg('sustain-fraction', 0.7) * C;
    const sustainSeconds = arg('sustain-seconds', 60);
    say(`sustained: ${sustainRate.toFixed(0)}/s for ${sustainSeconds} s`);
    const sus = await step(stack, pushes, sustainRate, sustainSeconds, targetP99, drainTimeoutMs, 'sustained', true);
    rows.push(row(`sustained ${sustainSeconds} s`, sus, ceiling));
    const pts = sus.backlog ?? [];
    const tail = pts.filter((p) => p.at > sustainSeconds / 3);
    const growth = slope(tail);
    const span = tail.length > 1 ? tail.at(-1)!.at - tail[0]!.at : 0;
    // Growing: over the last two thirds of the run the backlog gains more than 2 % of the offered rate per
    // second, and more than a second's worth of webhooks in all (a stack that keeps up holds a flat backlog
    // of about rate × latency; the second rule keeps sampling noise on a short run from counting).
    const gained = Number.isFinite(growth) ? growth * span : NaN;
    const grows = Number.isFinite(growth) && growth > 0.02 * sustainRate && gained > Math.max(sustainRate, 10);
    report({
      title: `End to end: webhook → tracking event stored, as a fraction of the ceiling`,
      command,
      loadStart,
      loadEnd: load(),
      tables: [
        ...(ceiling ? [{ caption: 'Ceiling, same run (bench/ceiling.ts)', rows: [ceilingRow(ceiling)] }] : []),
        { caption: `Steps of ${stepSeconds} s (search) and the sustained run; open loop over ${stack.booked.length} shipments; stored = storedAt − scheduled send`, rows },
        { caption: `Backlog (acknowledged − stored) during the sustained run at ${sustainRate.toFixed(0)}/s`, rows: pts.map((p) => ({ 's into the run': p.at, backlog: p.backlog })) },
      ],
      notes: [
        `ceiling (applied/s): ${C.toFixed(0)}${given > 0 ? ' (given with --ceiling-rate, not measured in this run)' : ''}.`,
        `highest rate with stored p99 < ${targetP99} ms and every webhook acknowledged and stored: ${lo > 0 ? `${lo.toFixed(0)}/s = ${(lo / C).toFixed(2)} × ceiling` : 'none of the rates tried'}${hi !== undefined ? ` (lowest failing: ${hi.toFixed(0)}/s = ${(hi / C).toFixed(2)} × ceiling)` : ' (no rate tried failed)'}.`,
        `sustained ${(sustainRate / C).toFixed(2)} × ceiling (${sustainRate.toFixed(0)}/s) for ${sustainSeconds} s: backlog ${grows ? 'GROWS' : 'does not grow'} (over the last two thirds: ${Number.isFinite(growth) ? growth.toFixed(1) : '?'} webhooks/s, ${Number.isFinite(gained) ? gained.toFixed(0) : '?'} in all; growing means > 2 % of the offered rate per second and over a second's worth in all).`,
        `webhooks sent in all: ${pushes.made}.`,
      ],
    });
  } finally {
    await stack.stop();
  }
}
