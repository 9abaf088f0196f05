// Benchmark 3 — cost per shipment: Temporal history events and billable actions.
//
//   npm run bench -- cost
//
// Two sources, both measured, nothing estimated by hand:
//  (a) the golden histories in test/histories/ (recorded by test/histories/record.ts from the production
//      shipmentWorkflow on the time-skipping server: happy path with 8 webhook scans, NDR paths, polling
//      only…). Events are counted as stored; billable actions are counted by Temporal Cloud's rules:
//      workflow start / continue-as-new, signal, update, timer started, search-attribute upsert, one per
//      activity ATTEMPT (read from ActivityTaskStarted.attempt, so the poller's silent retries count), one
//      per local-activity marker (an upper bound: Cloud bills a group of local activities per task as one);
//  (b) bench/history-cost.ts (the production retry poller against a naive timer loop, a quiet in-transit
//      shipment, booking to day 4), run as a child; its table is copied, and the per-day actions derived from its
//      courier-call count: retry poller = 1 action per poll attempt, naive loop = timer + activity = 2.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { load, report, say, type Row } from './lib/report';

interface Ev {
  eventType: string;
  eventTime?: { seconds: string };
  activityTaskStartedEventAttributes?: { attempt?: number };
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
}

const PATHS: Array<[string, string]> = [
  ['happy-webhooks', 'happy path, 8 scans by webhook'],
  ['ndr-customer-reattempt', 'NDR, customer asks for a re-attempt, delivered'],
  ['ndr-default-rto', 'NDR, nobody answers, default RTO'],
  ['icarry-ndr-ops', 'iCarry NDR resolved by ops'],
  ['polling-only', 'no webhooks, delivered by polling only'],
  ['stuck-then-lost', 'stuck, then lost'],
  ['cancel-before-pickup', 'cancelled before pickup'],
];

const BILLABLE: Record<string, number> = {
  EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: 1,
  EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW: 1,
  EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: 1,
  EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: 1,
  EVENT_TYPE_TIMER_STARTED: 1,
  EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: 1,
  EVENT_TYPE_MARKER_RECORDED: 1,
  EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED: 1,
};

export function costOf(events: Ev[]): { events: number; actions: number; activityAttempts: number; pollAttempts: number; days: number } {
  let actions = 0;
  let activityAttempts = 0;
  let pollAttempts = 0;
  const scheduledNames: string[] = [];
  for (const e of events) {
    actions += BILLABLE[e.eventType] ?? 0;
    if (e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED') scheduledNames.push(e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?');
    if (e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_STARTED') {
      const n = e.activityTaskStartedEventAttributes?.attempt ?? 1;
      activityAttempts += n;
      actions += n;
    }
  }
  // Scheduled-but-never-started activities (cancelled pollers) cost no attempt. Poll attempts: the
  // pollTracking share of started attempts, approximated by order of scheduling.
  const started = events.filter((e) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_STARTED');
  void started;
  pollAttempts = scheduledNames.filter((n) => n === 'pollTracking').length;
  const t = (e: Ev | undefined) => Number(e?.eventTime?.seconds ?? 0);
  const days = (t(events.at(-1)) - t(events[0])) / 86_400;
  return { events: events.length, actions, activityAttempts, pollAttempts, days };
}

export async function run(command: string): Promise<void> {
  const loadStart = load();
  const golden: Row[] = [];
  for (const [file, label] of PATHS) {
    const events = (JSON.parse(readFileSync(resolve(__dirname, `../test/histories/${file}.json`), 'utf8')) as { events: Ev[] }).events;
    const c = costOf(events);
    golden.push({ path: label, file: `${file}.json`, 'history events': c.events, 'billable actions': c.actions, 'activity attempts': c.activityAttempts, 'pollers armed': c.pollAttempts, 'days (courier time)': Number(c.days.toFixed(1)) });
  }

  say('running bench/history-cost.ts (time-skipping server; about a minute)');
  const child = spawnSync(process.execPath, ['--import', 'tsx', resolve(__dirname, 'history-cost.ts')], { encoding: 'utf8', cwd: resolve(__dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 });
  const text = (child.stdout ?? '').split('\n').filter((l) => !l.includes('WARN')).join('\n');
  if (child.status !== 0) throw new Error(`history-cost.ts failed (${child.status})`);
  // Its console.table: │ idx │ scenario │ design │ history events │ events per shipment-day │ courier track calls │
  const parsed = text
    .split('\n')
    .filter((l) => l.includes('│') && /quiet-in-transit|polling-5d|webhooks-8/.test(l))
    .map((l) => l.split('│').map((c) => c.trim().replace(/^'|'$/g, '')))
    .map((c) => ({ scenario: c[2]!, design: c[3]!, events: Number(c[4]), perDay: Number(c[5]), calls: Number(c[6]) }));
  const perDay: Row[] = parsed
    .filter((p) => p.scenario === 'quiet-in-transit')
    .map((p) => {
      const callsPerDay = p.calls / 4; // history-cost counts calls from booking to day 4
      const naive = p.design.startsWith('naive');
      return { design: p.design, 'history events / shipment-day': p.perDay, 'courier calls / shipment-day': Number(callsPerDay.toFixed(1)), 'billable actions / shipment-day': Number((callsPerDay * (naive ? 2 : 1)).toFixed(1)) };
    });
  report({
    title: '3. Cost per shipment (history events, billable actions)',
    command,
    loadStart,
    loadEnd: load(),
    tables: [
      { caption: 'Per shipment, from the golden histories of the production workflow (test/histories/*.json)', rows: golden },
      { caption: 'bench/history-cost.ts output (production retry poller vs naive timer loop, time-skipping server)', text },
      { caption: 'Polling only, quiet in-transit shipment: per shipment-day (from the table above; actions: poller = 1 per attempt, naive = timer + activity per poll)', rows: perDay },
    ],
    notes: [
      'Billable actions follow Temporal Cloud\'s list: start/continue-as-new, signal, update, timer, search-attribute upsert, each activity attempt (retries included, read from ActivityTaskStarted.attempt), each local-activity marker (upper bound).',
      'The retry poller saves history (a silent retry writes no event) but not actions: each poll attempt is still one activity attempt; the naive loop pays a timer too.',
    ],
  });
}
