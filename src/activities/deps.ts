// Everything the shipment activities need from the outside world, injected by the worker (real
// couriers, MongoDB, providers) or by tests (fakes, simulators) through the same door.
import type { CourierClients } from '../couriers/clients';
import type { CourierId } from '../couriers/types';
import type { NotificationLedger, ProjectionStore } from '../storage/types';
import type { NotificationSender } from './notification-sender';
import type { RateLimit } from './rate-limiter';
import type { StoreWebhookDeps } from './store-webhook-activities';

export interface ActivityConfig {
  /** Pincode of the pickup warehouse: serviceability is checked from here. */
  pickupPincode: string;
  /** Where admin alerts (NDR, stuck) go; without it they are skipped and recorded as such. */
  adminEmail?: string;
  /**
   * How long a background track request (the poller) waits for others to share a bulk call; urgent ones
   * (trackNow) never wait. Env TRACK_BATCH_WINDOW_MS; see DEFAULT_TRACK_BATCH_WINDOW_MS.
   */
  trackBatchWindowMs: number;
  /** Per-courier request rate; unlisted couriers use defaultRateLimit. */
  rateLimits: Partial<Record<CourierId, RateLimit>>;
  defaultRateLimit: RateLimit;
  /** An activity waits at most this long for a rate-limit slot, then hands the retry to Temporal. */
  maxRateLimitWaitMs: number;
  /** Waits before each retry of a notification ledger write after the provider answered (default ~15 s in all). */
  ledgerRetryMs?: readonly number[];
}

/**
 * 15 s: bench/courier-calls.ts (10,000 shipments, docs/BENCHMARKS.md §4) measures 84 % fewer courier
 * calls than one per poll (polling only; 78 % while webhooks flow), against 8 % at the old 250 ms, 64 % at
 * 5 s and 78 % at 10 s; past 15 s each doubling of the wait buys less (30 s: 91 %). It fits the budgets:
 * window + rate-limit wait (maxRateLimitWaitMs, 10 s) + one courier call (20 s HTTP timeout) = 45 s, well
 * inside pollTracking's 2-minute startToCloseTimeout; a poll waiting when the worker shuts down is still
 * sent within its 20 s shutdownGraceTime; and a poll that runs every 1–12 h does not notice 15 s.
 */
export const DEFAULT_TRACK_BATCH_WINDOW_MS = 15_000;

export const DEFAULT_ACTIVITY_CONFIG: Omit<ActivityConfig, 'pickupPincode'> = {
  trackBatchWindowMs: DEFAULT_TRACK_BATCH_WINDOW_MS,
  rateLimits: {},
  defaultRateLimit: { perSecond: 2, burst: 5 },
  maxRateLimitWaitMs: 10_000,
};

export interface ActivityLog {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

export type NotificationMetricOutcome = 'sent' | 'skipped' | 'already_done' | 'failed' | 'uncertain';

/** Counters the worker can forward to Prometheus; every hook is optional. */
export interface ActivityMetrics {
  trackBatch?(courier: CourierId, size: number): void;
  poll?(courier: CourierId, outcome: 'changed' | 'unchanged' | 'failed'): void;
  /**
   * One per notify decision. 'uncertain': an earlier attempt died or timed out between handing the
   * message to the provider and recording the answer; it was not sent again (it may have gone out once).
   */
  notification?(event: string, channel: string, outcome: NotificationMetricOutcome): void;
  /** A courier event moved a shipment's status and the order now shows it: courier event time → stored. */
  statusApplied?(courier: CourierId, source: 'webhook' | 'poll', eventAt: number, storedAt: number): void;
}

export interface ActivityDeps {
  couriers: CourierClients;
  store: ProjectionStore;
  ledger: NotificationLedger;
  sender: NotificationSender;
  clock: { now(): number };
  config: Partial<ActivityConfig> & Pick<ActivityConfig, 'pickupPincode'>;
  log?: ActivityLog;
  metrics?: ActivityMetrics;
  /** Outbound webhooks to the store's own system; without it store events are derived but not kept or sent. */
  storeWebhooks?: StoreWebhookDeps;
}
