// A failed send says what the caller should do about it, decided once where the provider's answer is
// understood: `retryable` (the provider or the network may recover: back off and try again) or
// `permanent` (this message will never go: record it and move on). Messages carry codes and the
// provider's words with addresses masked, never a recipient, a token or a password.

export type FailureKind = 'permanent' | 'retryable';
export type NotificationProvider = 'smtp' | 'whatsapp' | 'template';

export interface NotificationErrorOptions {
  provider: NotificationProvider;
  /** A wait the provider asked for (or that its limits imply), for the retry's backoff. */
  retryAfterMs?: number;
  /** SMTP reply code or HTTP status, when there was one. */
  status?: number;
  /** The provider's own error code (WhatsApp/Graph `error.code`). */
  providerCode?: number;
  cause?: unknown;
}

export class NotificationError extends Error {
  override readonly name = 'NotificationError';
  readonly provider: NotificationProvider;
  readonly retryAfterMs?: number;
  readonly status?: number;
  readonly providerCode?: number;

  constructor(
    readonly kind: FailureKind,
    /** Short and stable, for metrics and the ledger: invalid_recipient, rejected, auth, rate_limited, unavailable, network, template_data, … */
    readonly code: string,
    message: string,
    options: NotificationErrorOptions,
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.provider = options.provider;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.status !== undefined) this.status = options.status;
    if (options.providerCode !== undefined) this.providerCode = options.providerCode;
  }

  get retryable(): boolean {
    return this.kind === 'retryable';
  }
}

export function isNotificationError(e: unknown): e is NotificationError {
  return e instanceof NotificationError;
}

/**
 * Thrown by the port-shaped `send()` when a message is deliberately not sent (channel switched off,
 * no contact on file). Not a failure: the caller records it as skipped with `reason`.
 */
export class NotificationSkipped extends Error {
  override readonly name = 'NotificationSkipped';
  constructor(readonly reason: string) {
    super(`skipped: ${reason}`);
  }
}

export function isNotificationSkipped(e: unknown): e is NotificationSkipped {
  return e instanceof NotificationSkipped;
}

const EMAIL_LIKE = /[^\s<>"'():;,]+@[^\s<>"'():;,]+/g;
const LONG_DIGITS = /\+?\d[\d -]{7,}\d/g;

/** Masks what looks like an email address or a phone number in a provider's text. */
export function maskContacts(text: string): string {
  return text.replace(EMAIL_LIKE, '[address]').replace(LONG_DIGITS, '[number]');
}
