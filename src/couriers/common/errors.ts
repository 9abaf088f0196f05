import type { CourierId } from '../../domain/events';

/**
 * How the caller should treat a failure, decided where the courier was called:
 * - permanent: bad input, unserviceable pincode, rejected credentials, unsupported op → do not retry;
 * - transient: network error, timeout, 5xx, PHP warning page → retry with backoff;
 * - rate_limited: 429, or Delhivery's 403 from its WAF → retry after retryAfterMs.
 * "Nothing new yet" is not an error: it is a normal result (TrackResult 'not_yet').
 */
export type CourierErrorKind = 'permanent' | 'transient' | 'rate_limited';

export type CourierErrorCode =
  | 'unserviceable'
  | 'invalid_request'
  | 'auth_rejected'
  | 'not_found'
  | 'duplicate'
  | 'unsupported'
  | 'not_allowed' // e.g. cancel after pickup, NDR action in the wrong state
  | 'insufficient_balance'
  | 'rate_limited'
  | 'network'
  | 'timeout'
  | 'server_error'
  | 'bad_response';

export class CourierError extends Error {
  override readonly name = 'CourierError';
  constructor(
    readonly courier: CourierId,
    readonly operation: string,
    readonly kind: CourierErrorKind,
    readonly code: CourierErrorCode,
    message: string,
    readonly details: { httpStatus?: number; retryAfterMs?: number; courierMessage?: string } = {},
  ) {
    super(`${courier} ${operation}: ${message}`);
  }

  get retryable(): boolean {
    return this.kind !== 'permanent';
  }
}

export function isCourierError(e: unknown): e is CourierError {
  return e instanceof CourierError;
}
