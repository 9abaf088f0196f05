// Where an activity meets a courier, its failure is classified once, into what Temporal should do:
// permanent → fail now (the workflow decides), rate limited → retry when the courier says, transient →
// the retry policy's backoff. Messages carry codes and the courier's operation, never request data.
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { isCourierError } from '../couriers/common/errors';
import { RateLimitWaitTooLong } from './rate-limiter';

export const FAILURE_TYPES = {
  permanent: 'CourierPermanent',
  rateLimited: 'CourierRateLimited',
  transient: 'CourierTransient',
  noChange: 'NoTrackingChange',
} as const;

/** Details of a permanent courier failure, as ApplicationFailure.details[0]. */
export interface PermanentFailureDetails {
  code: string;
  courierMessage?: string;
}

export function permanentFailure(code: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FAILURE_TYPES.permanent, message, nonRetryable: true, details: [{ code } satisfies PermanentFailureDetails] });
}

/**
 * Turns anything thrown by a courier call into the failure Temporal should see.
 * `transientDelayMs` overrides the retry policy's backoff (pollers retry on their own cadence).
 */
export function classifyCourierFailure(err: unknown, transientDelayMs?: number): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof RateLimitWaitTooLong) {
    return ApplicationFailure.create({ type: FAILURE_TYPES.rateLimited, message: err.message, nextRetryDelay: err.waitMs, category: ApplicationFailureCategory.BENIGN });
  }
  if (isCourierError(err)) {
    if (err.kind === 'permanent') return permanentFailure(err.code, err.message);
    if (err.kind === 'rate_limited') {
      return ApplicationFailure.create({
        type: FAILURE_TYPES.rateLimited,
        message: err.message,
        nextRetryDelay: Math.max(1000, err.details.retryAfterMs ?? 30_000),
        category: ApplicationFailureCategory.BENIGN,
      });
    }
    return ApplicationFailure.create({ type: FAILURE_TYPES.transient, message: err.message, ...(transientDelayMs !== undefined ? { nextRetryDelay: transientDelayMs } : {}) });
  }
  // Unknown errors (a bug, a broken client) retry: failing a shipment on a bug would lose it.
  const message = err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error';
  return ApplicationFailure.create({ type: FAILURE_TYPES.transient, message, ...(transientDelayMs !== undefined ? { nextRetryDelay: transientDelayMs } : {}) });
}

/** "Nothing new yet" for the retry poller: benign (no error logs or failure metrics), retried on cadence. */
export function noChange(nextRetryDelayMs: number, why: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FAILURE_TYPES.noChange, message: why, nextRetryDelay: nextRetryDelayMs, category: ApplicationFailureCategory.BENIGN });
}
