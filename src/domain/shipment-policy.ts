// Timing and notification policy of a shipment: how often to poll, when a shipment counts as stuck,
// which status changes are worth a notification. Pure, so the workflow and the activities agree and
// tests can pin it. Who hears about which notification, on which channel: ./notifications.ts.
import type { NotificationEvent } from './notifications';
import type { ShipmentStatus } from './status';
import { isTerminal, phaseOf } from './status';

type ByStatus = Partial<Record<ShipmentStatus, number>>;

/**
 * Poll period by status while webhooks are NOT flowing: frequent where the customer is waiting on the
 * doorstep, rare where nothing happens for days.
 */
export const DEFAULT_POLL_MINUTES: ByStatus & { default: number; webhooksFlowing: number } = {
  default: 240,
  booked: 360,
  pickup_scheduled: 240,
  pickup_failed: 120,
  picked_up: 240,
  in_transit: 240,
  out_for_delivery: 60,
  undelivered: 120,
  rto_initiated: 720,
  rto_in_transit: 720,
  // While webhooks arrive the poll is only a safety net.
  webhooksFlowing: 720,
};

/** Webhooks count as flowing while the last one is at most this old. */
export const WEBHOOK_FRESH_HOURS = 24;

/** Unchanged polls stretch the period by this factor each time, up to MAX_BACKOFF_FACTOR × the base. */
export const UNCHANGED_BACKOFF = 1.5;
export const MAX_BACKOFF_FACTOR = 4;
export const MAX_POLL_MINUTES = 24 * 60;

export interface CadenceInput {
  status: ShipmentStatus;
  webhooksFlowing: boolean;
  /** Polls in a row that found nothing new (0 for the first poll after a change). */
  unchangedPolls: number;
  overrides?: Partial<Record<ShipmentStatus | 'default' | 'webhooksFlowing', number>>;
  /** Spreads polls of shipments booked together; any stable string (the AWB). */
  jitterSeed?: string;
}

export function basePollMinutes(status: ShipmentStatus, webhooksFlowing: boolean, overrides: CadenceInput['overrides'] = {}): number {
  const table = { ...DEFAULT_POLL_MINUTES, ...overrides };
  const byStatus = table[status] ?? table.default;
  // Out for delivery is worth watching even when webhooks flow: the customer is waiting today.
  if (webhooksFlowing && status !== 'out_for_delivery') return Math.max(byStatus, table.webhooksFlowing);
  return byStatus;
}

/** Delay before the next poll, ms. */
export function pollDelayMs(input: CadenceInput): number {
  const base = basePollMinutes(input.status, input.webhooksFlowing, input.overrides);
  const factor = Math.min(MAX_BACKOFF_FACTOR, UNCHANGED_BACKOFF ** Math.max(0, input.unchangedPolls));
  const minutes = Math.min(MAX_POLL_MINUTES, Math.max(base, base * factor));
  return Math.round(minutes * 60_000 * jitter(input.jitterSeed, input.unchangedPolls));
}

/** ±10 %, a pure function of the seed: thousands of shipments booked at once must not poll at once. */
function jitter(seed: string | undefined, n: number): number {
  if (!seed) return 1;
  let h = 2166136261;
  for (const ch of `${seed}:${n}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return 0.9 + ((h >>> 0) % 2001) / 10_000;
}

/** Hours without a new scan, per status, after which a shipment is flagged stuck. */
export const DEFAULT_STUCK_AFTER_HOURS: ByStatus & { default: number } = {
  default: 72,
  booked: 48,
  pickup_scheduled: 48,
  pickup_failed: 24,
  picked_up: 48,
  in_transit: 96,
  out_for_delivery: 24,
  undelivered: 48,
  rto_initiated: 120,
  rto_in_transit: 168,
};

export function stuckAfterMs(status: ShipmentStatus, overrides: Partial<Record<ShipmentStatus, number>> = {}): number | undefined {
  if (isTerminal(status) || status === 'pending') return undefined;
  const hours = overrides[status] ?? DEFAULT_STUCK_AFTER_HOURS[status] ?? DEFAULT_STUCK_AFTER_HOURS.default;
  return hours * 3_600_000;
}

export const DEFAULT_NDR_RESPONSE_HOURS = 24;
export const DEFAULT_MAX_NDR_REATTEMPTS = 2;

// ---------------------------------------------------------------------------------------------------
// Milestones

/**
 * Notifications a status change announces. Only the status actually reached counts: a poll that jumps
 * from in transit to delivered announces "delivered", never a stale "out for delivery".
 */
export function milestonesFor(from: ShipmentStatus, to: ShipmentStatus): NotificationEvent[] {
  if (from === to) return [];
  if (to === 'booked' && from === 'pending') return ['shipped'];
  if (to === 'out_for_delivery') return ['out_for_delivery'];
  if (to === 'delivered') return ['delivered'];
  if (to === 'undelivered') return ['ndr_action_needed', 'admin_ndr_alert'];
  if (phaseOf(to) === 'rto' && phaseOf(from) !== 'rto') return ['rto_initiated'];
  return [];
}

// ---------------------------------------------------------------------------------------------------
// NDR

/**
 * What happens when an NDR's response window closes unanswered: a reattempt while attempts remain and
 * the courier has an NDR API; otherwise a person has to decide.
 */
export function defaultNdrDecision(attempts: number, maxReattempts: number, courierHasNdrApi: boolean): { action: 'reattempt' } | { action: 'escalate'; why: string } {
  if (!courierHasNdrApi) return { action: 'escalate', why: 'courier has no NDR API' };
  if (attempts >= maxReattempts) return { action: 'escalate', why: `${attempts} failed attempts` };
  return { action: 'reattempt' };
}
