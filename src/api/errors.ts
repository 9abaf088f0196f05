// The closed set of errors a handler may throw, and what the one error middleware maps to them: the
// shipment services' ShipmentError and the gateway's ShipmentGatewayError (src/shipments), a page
// cursor's InvalidCursorError (src/lib/cursor.ts); anything else is a 500.
import type { InvalidCursorError } from '../lib/cursor';
import type { ShipmentError } from '../shipments/errors';
import type { GatewayErrorKind, ShipmentGatewayError } from '../shipments/gateway';

export type ApiErrorCode =
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

const STATUS: Record<ApiErrorCode, number> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
    /** Sent as Retry-After (503, 429): when trying again makes sense. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
  get status(): number {
    return STATUS[this.code];
  }
}

/** What a 503 tells a caller (a courier retrying a webhook, a client) when nothing more precise is known. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

export const databaseUnavailable = () => new ApiError('unavailable', 'the database is unavailable; retry later', undefined, DEFAULT_RETRY_AFTER_SECONDS);

export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);

const FROM_GATEWAY: Record<GatewayErrorKind, ApiErrorCode> = {
  not_found: 'not_found',
  finished: 'conflict',
  conflict: 'conflict',
  invalid: 'unprocessable',
  unavailable: 'unavailable',
};

/** Temporal's answers, as the gateway classified them, in HTTP terms. */
export function fromGatewayError(e: ShipmentGatewayError): ApiError {
  return new ApiError(FROM_GATEWAY[e.kind], e.message, undefined, e.kind === 'unavailable' ? DEFAULT_RETRY_AFTER_SECONDS : undefined);
}

/** The shipment services' refusals (order not found, not shippable, booking refused): same code, same details. */
export function fromShipmentError(e: ShipmentError): ApiError {
  return new ApiError(e.code, e.message, e.details);
}

/** A page cursor that does not decode is the caller's mistake: 400. */
export function fromInvalidCursor(e: InvalidCursorError): ApiError {
  return new ApiError('validation_failed', e.message);
}
