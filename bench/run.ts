// `npm run bench -- <name> [options]`: runs one benchmark; each prints a table and appends its figures,
// the command, the date, the machine and the load average to docs/BENCHMARKS.md. See docs/evidence.md.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { load, report, say } from './lib/report';

type Bench = { describe: string; run: (command: string) => Promise<void> };

const lazy = (path: string, describe: string): Bench => ({
  describe,
  run: async (command) => {
    const mod = (await import(path)) as { run: (command: string) => Promise<void> };
    await mod.run(command);
  },
});

/** A standalone script of its own (it runs main() on load): run as a child, its output appended. */
const script = (file: string, title: string, describe: string): Bench => ({
  describe,
  run: async (command) => {
    const loadStart = load();
    const args = process.argv.slice(3);
    say(`running bench/${file} ${args.join(' ')}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', resolve(__dirname, file), ...args], { encoding: 'utf8', cwd: resolve(__dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`bench/${file} exited ${r.status}`);
    report({ title, command, loadStart, loadEnd: load(), tables: [{ text: r.stdout }] });
  },
});

export const BENCHES: Record<string, Bench> = {
  ceiling: lazy('./ceiling', "0. ceiling: the Temporal dev server alone, a signal-counting workflow, 100 workflows, 64 signallers: signals accepted/s and applied/s"),
  ingest: lazy('./ingest', '1. webhook ingest: a 1,000/s burst for 30 s, its drain vs the ceiling, then a ladder of rates; open loop, API and worker in their own processes'),
  e2e: lazy('./e2e', '2. end to end: the highest rate with webhook → stored p99 < 1 s, as a fraction of the ceiling; 60 s at 0.7 × ceiling: does the backlog grow?'),
  aging: lazy('./aging', '2b. aging: ingest at 10/s and e2e at 0.5 × ceiling with 0 / 100,000 / 1,000,000 stored webhooks and 20,000 / 100,000 shipments, as ratios to the empty store'),
  'webhook-cost': lazy('./webhook-cost', '3b. cost per webhook: database round trips, Temporal requests, history events, CPU ms per process (API, worker, Temporal, FerretDB)'),
  cost: lazy('./cost', '3. cost per shipment: history events and billable actions; retry poller vs naive loop'),
  'courier-calls': lazy('./courier-calls', '4. courier API calls per active shipment per day, 10,000 shipments, with/without bulk coalescing'),
  scale: lazy('./scale', '5. scale: N open workflows (--shipments 10000): worker RSS, poll timer lag, webhook latency'),
  startup: lazy('./startup', '6. start-up: `npm start` to ready'),
  'history-cost': script('history-cost.ts', 'history-cost (bench/history-cost.ts)', 'history events per shipment: retry poller vs naive timer loop (part of `cost`)'),
  'store-events': lazy('./store-events', "store events: added cost per courier webhook, events/s to a local receiver, ingestion with the store's receiver down vs up"),
  'ops-queries': lazy('./ops-queries', 'ops and analytics queries with a year of data (--orders 100000): p50/p95 over HTTP'),
  'webhook-latency': script('webhook-latency.ts', 'webhook latency, closed loop (bench/webhook-latency.ts)', 'webhook → 200 and webhook → status in MongoDB, N shipments in flight'),
};

/**
 * Every benchmark runs the Temporal dev server and FerretDB from .tools/: install them first (silent when
 * they are there and current, e.g. FerretDB with this checkout's patch), as `npm test` does.
 */
function ensureTools(): void {
  const r = spawnSync('bash', [resolve(__dirname, '../scripts/install-tools.sh'), '--quiet'], { stdio: 'inherit' });
  if (r.status !== 0) {
    throw new Error("installing the local tools (.tools/) failed, see above. Run 'npm run tools' (scripts/install-tools.sh: needs Go, Java 17 and Maven) and try again.");
  }
}

async function main(): Promise<void> {
  const name = process.argv[2];
  const bench = name ? BENCHES[name] : undefined;
  if (!bench) {
    console.log('usage: npm run bench -- <name> [options]\n');
    for (const [n, b] of Object.entries(BENCHES)) console.log(`  ${n.padEnd(16)} ${b.describe}`);
    process.exit(name ? 2 : 0);
  }
  ensureTools();
  await bench.run(`npm run bench -- ${process.argv.slice(2).join(' ')}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
