// Benchmark `ceiling` — what the Temporal dev server itself sustains on this machine, the yardstick the
// other benchmarks divide by: the same binary `npm start` runs, on a SQLite file, a trivial workflow that
// only counts signals (bench/ceiling/workflow.ts), its own task queue, one worker in a process of its own
// (bench/ceiling/worker.ts), `--workflows` workflows and `--signallers` concurrent signallers in this
// process for `--seconds`.
//
//   npm run bench -- ceiling [--seconds 20] [--workflows 100] [--signallers 64]
//
// accepted/s: signals the server acknowledged, over the sending time. applied/s: the same signals over
// the time from the first send until every workflow had applied all of them (no workflow task left
// pending, read with DescribeWorkflowExecution only after sending stopped, so the reads do not compete
// with the load); the counters are then read by query and must add up to the accepted signals.
//
// measureCeiling() is what `ingest` and `e2e` call to print their figures as a fraction of the ceiling
// measured in the same run, on a dev server of its own that is stopped before their stack starts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { mapLimit } from '../src/lib/map-limit';
import { startProcess, type ManagedProcess } from '../src/infra/processes';
import { cpuBetween, snapshot } from './lib/proc-stats';
import { startDevServer, waitForPoller } from './lib/procs';
import { arg, load, report, say, type Row } from './lib/report';

export interface CeilingOptions {
  seconds: number;
  workflows: number;
  signallers: number;
}

export interface Ceiling {
  options: CeilingOptions;
  accepted: number;
  errors: number;
  acceptedPerSecond: number;
  /** Accepted signals over the time from the first send until all were applied. */
  appliedPerSecond: number;
  sendSeconds: number;
  /** From the first send until every workflow had applied every accepted signal. */
  applySeconds: number;
  /** Sum of the workflows' counters, read by query at the end (must equal accepted). */
  counted: number;
  /** CPU ms per signal, by process, over the same window. */
  cpuMsPerSignal: Record<string, number>;
}

export const CEILING_DEFAULTS: CeilingOptions = { seconds: 20, workflows: 100, signallers: 64 };

export function ceilingOptionsFromArgs(prefix = ''): CeilingOptions {
  return {
    seconds: arg(`${prefix}seconds`, CEILING_DEFAULTS.seconds),
    workflows: arg(`${prefix}workflows`, CEILING_DEFAULTS.workflows),
    signallers: arg(`${prefix}signallers`, CEILING_DEFAULTS.signallers),
  };
}

export async function measureCeiling(o: CeilingOptions = CEILING_DEFAULTS): Promise<Ceiling> {
  const dir = mkdtempSync(join(tmpdir(), 'waybill-ceiling-'));
  const started: ManagedProcess[] = [];
  let connection: Connection | undefined;
  try {
    say(`ceiling: starting a Temporal dev server (SQLite file) and a worker process`);
    const dev = await startDevServer(join(dir, 'temporal.sqlite'));
    started.push(dev.proc);
    const taskQueue = 'bench-ceiling';
    const worker = startProcess({
      name: 'ceiling-worker',
      command: process.execPath,
      args: ['--import', 'tsx', resolve(__dirname, 'ceiling/worker.ts')],
      env: { ...process.env, CEILING_TEMPORAL_ADDRESS: dev.address, CEILING_TASK_QUEUE: taskQueue },
      output: 'prefix',
    });
    started.push(worker);
    connection = await Connection.connect({ address: dev.address });
    await waitForPoller(connection, 'default', taskQueue, worker);
    const client = new Client({ connection, namespace: 'default' });
    const handles: WorkflowHandle[] = await mapLimit(
      Array.from({ length: o.workflows }, (_, i) => i),
      16,
      (i) => client.workflow.start('signalCounter', { taskQueue, workflowId: `ceiling-${i}` }),
    );
    say(`ceiling: ${o.workflows} workflows started; ${o.signallers} signallers for ${o.seconds} s`);

    const pids = { temporal: dev.proc.child.pid!, worker: worker.child.pid! };
    let accepted = 0;
    let errors = 0;
    let next = 0;
    const cpu0 = snapshot(pids);
    const t0 = performance.now();
    const end = t0 + o.seconds * 1000;
    const progress = setInterval(() => say(`ceiling: ${accepted} signals accepted (${(accepted / ((performance.now() - t0) / 1000)).toFixed(0)}/s)`), 5_000);
    await Promise.all(
      Array.from({ length: o.signallers }, async () => {
        while (performance.now() < end) {
          try {
            await handles[next++ % handles.length]!.signal('bump');
            accepted++;
          } catch {
            errors++;
          }
        }
      }),
    );
    clearInterval(progress);
    const sendSeconds = (performance.now() - t0) / 1000;

    // Applied: no workflow task pending on any workflow. A workflow seen idle after sending stopped stays
    // idle (nothing more is sent), so each sweep only re-reads the ones still busy.
    let busy = handles.map((h) => h.workflowId);
    const deadline = performance.now() + 300_000;
    while (busy.length > 0) {
      const still = await mapLimit(busy, 8, async (workflowId) => {
        const r = await connection!.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId } });
        return r.pendingWorkflowTask ? workflowId : undefined;
      });
      busy = still.filter((x): x is string => x !== undefined);
      if (busy.length > 0) {
        if (performance.now() > deadline) throw new Error(`ceiling: ${busy.length} workflows still had work 5 minutes after sending stopped`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const applySeconds = (performance.now() - t0) / 1000;
    const cpu = cpuBetween(cpu0, snapshot(pids));
    const counts = await mapLimit(handles, 8, (h) => h.query<number>('applied'));
    const counted = counts.reduce((a, b) => a + b, 0);
    const result: Ceiling = {
      options: o,
      accepted,
      errors,
      acceptedPerSecond: accepted / sendSeconds,
      appliedPerSecond: accepted / applySeconds,
      sendSeconds,
      applySeconds,
      counted,
      cpuMsPerSignal: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, accepted ? v / accepted : NaN])),
    };
    say(`ceiling: ${accepted} accepted (${result.acceptedPerSecond.toFixed(0)}/s), all applied after ${applySeconds.toFixed(1)} s (${result.appliedPerSecond.toFixed(0)}/s); counters add up to ${counted}`);
    await mapLimit(handles, 16, (h) => h.terminate('ceiling measured').catch(() => undefined));
    return result;
  } finally {
    await connection?.close().catch(() => undefined);
    for (const p of [...started].reverse()) await p.stop('SIGTERM', 10_000).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One row for a benchmark's table. */
export function ceilingRow(c: Ceiling): Row {
  return {
    measure: `ceiling: ${c.options.workflows} workflows, ${c.options.signallers} signallers, ${c.options.seconds} s`,
    'accepted / s': Math.round(c.acceptedPerSecond),
    'applied / s': Math.round(c.appliedPerSecond),
    accepted: c.accepted,
    errors: c.errors,
    'counted by query': c.counted,
    'all applied after s': Number(c.applySeconds.toFixed(1)),
    'CPU ms / signal (Temporal, worker, signallers)': ['temporal', 'worker', 'generator'].map((k) => (c.cpuMsPerSignal[k] ?? NaN).toFixed(2)).join(' · '),
  };
}

/** "412/s = 0.62 × ceiling (applied 660/s)" */
export function ofCeiling(rate: number, c: Ceiling): string {
  return `${rate.toFixed(0)}/s = ${(rate / c.appliedPerSecond).toFixed(2)} × ceiling`;
}

export async function run(command: string): Promise<void> {
  const loadStart = load();
  const c = await measureCeiling(ceilingOptionsFromArgs());
  report({
    title: 'Ceiling: the Temporal dev server alone (signal-counting workflow)',
    command,
    loadStart,
    loadEnd: load(),
    tables: [{ caption: 'Temporal dev server (SQLite file, as `npm start` runs it), one worker process, signallers in the benchmark process', rows: [ceilingRow(c)] }],
    notes: [
      'applied/s counts every accepted signal over the time from the first send until no workflow had a workflow task pending; the counters read by query must equal the accepted signals.',
      ...(c.counted !== c.accepted ? [`MISMATCH: the counters add up to ${c.counted}, ${c.accepted} signals were accepted.`] : []),
    ],
  });
}
