// Everything the shipment activities need from the outside world, injected by the worker (real
// couriers, MongoDB, providers) or by tests (fakes, simulators) through the same door.
import type { CourierRegistry } from '../couriers/registry';
import type { CourierId } from '../couriers/types';
import type { NotificationLedger, ProjectionStore } from '../storage/types';
import type { NotificationSender } from './notification-sender';
import type { RateLimit } from './rate-limiter';

export interface ActivityConfig {
  /** Pincode of the pickup warehouse: serviceability is checked from here. */
  pickupPincode: string;
  /** Where admin alerts (NDR, stuck) go; without it they are skipped and recorded as such. */
  adminEmail?: string;
  /** How long a track request waits for others to share a bulk call. */
  trackBatchWindowMs: number;
  /** Per-courier request rate; unlisted couriers use defaultRateLimit. */
  rateLimits: Partial<Record<CourierId, RateLimit>>;
  defaultRateLimit: RateLimit;
  /** An activity waits at most this long for a rate-limit slot, then hands the retry to Temporal. */
  maxRateLimitWaitMs: number;
}

export const DEFAULT_ACTIVITY_CONFIG: Omit<ActivityConfig, 'pickupPincode'> = {
  trackBatchWindowMs: 250,
  rateLimits: {},
  defaultRateLimit: { perSecond: 2, burst: 5 },
  maxRateLimitWaitMs: 10_000,
};

export interface ActivityLog {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

/** Counters the worker can forward to Prometheus; every hook is optional. */
export interface ActivityMetrics {
  trackBatch?(courier: CourierId, size: number): void;
  poll?(courier: CourierId, outcome: 'changed' | 'unchanged' | 'failed'): void;
  notification?(event: string, channel: string, outcome: 'sent' | 'skipped' | 'already_done' | 'failed'): void;
  /** A courier event moved a shipment's status and the order now shows it: courier event time → stored. */
  statusApplied?(courier: CourierId, source: 'webhook' | 'poll', eventAt: number, storedAt: number): void;
}

export interface ActivityDeps {
  couriers: CourierRegistry;
  store: ProjectionStore;
  ledger: NotificationLedger;
  sender: NotificationSender;
  clock: { now(): number };
  config: Partial<ActivityConfig> & Pick<ActivityConfig, 'pickupPincode'>;
  log?: ActivityLog;
  metrics?: ActivityMetrics;
}
