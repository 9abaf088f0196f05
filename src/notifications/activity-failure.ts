// Where the notify activity meets a send failure: the NotificationError's classification becomes what
// Temporal should do. Permanent → fail now (no retry will help; the ledger records it and the shipment
// goes on); rate limited → retry after the wait the provider implies; anything else → the retry
// policy's backoff. Unknown errors retry: failing a customer's message on a bug would lose it.
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { isNotificationError } from './errors';

export const NOTIFICATION_FAILURE_TYPES = {
  permanent: 'NotificationPermanent',
  retryable: 'NotificationRetryable',
} as const;

/** ApplicationFailure.details[0] of a notification failure. */
export interface NotificationFailureDetails {
  code: string;
  provider: string;
  providerCode?: number;
}

export function toActivityFailure(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (!isNotificationError(err)) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error';
    return ApplicationFailure.create({ type: NOTIFICATION_FAILURE_TYPES.retryable, message });
  }
  const details: NotificationFailureDetails = { code: err.code, provider: err.provider, ...(err.providerCode !== undefined ? { providerCode: err.providerCode } : {}) };
  if (err.kind === 'permanent') {
    return ApplicationFailure.create({ type: NOTIFICATION_FAILURE_TYPES.permanent, message: err.message, nonRetryable: true, details: [details] });
  }
  return ApplicationFailure.create({
    type: NOTIFICATION_FAILURE_TYPES.retryable,
    message: err.message,
    details: [details],
    ...(err.retryAfterMs !== undefined ? { nextRetryDelay: Math.max(1000, err.retryAfterMs) } : {}),
    // Throttling is expected under load: retried without error logs or failure metrics.
    ...(err.code === 'rate_limited' ? { category: ApplicationFailureCategory.BENIGN } : {}),
  });
}
