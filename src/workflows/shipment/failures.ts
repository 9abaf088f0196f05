// Activity failures in words: what a booking failure is called, what a failed call says. Pure.
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';

export function bookingFailure(err: unknown): { code: string; message: string } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const details = cause.details?.[0] as { code?: string } | undefined;
    return { code: details?.code ?? cause.type ?? 'failed', message: cause.message };
  }
  if (cause instanceof TimeoutFailure) return { code: 'courier_unavailable', message: 'the courier did not answer in time' };
  return { code: 'failed', message: failureMessage(err) };
}

export function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof Error ? cause.message : 'failed';
}
