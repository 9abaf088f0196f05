// The five commands an update queues for the main loop, when the shipment refuses one, and what each
// answers. Pure. One refusal function serves both moments a command is judged: the update's validator
// (the caller gets a 409 and nothing is queued) and the main loop (state may have moved since: a
// courier scan applied first), which answers with the same words instead of acting.
import { ORDER_STATUS_FOR, STATUS_RANK, isTerminal, type ShipmentStatus } from '../../domain/status';
import type { CancelRequest, CancelResult, ManualStatusRequest, RefreshResult, ResolveNdrRequest, ResolveNdrResult, RetryBookingRequest } from './contract';
import { bookingOutcome, type ShipmentState } from './state';

export type Command =
  | { kind: 'refresh'; id: string }
  | { kind: 'resolveNdr'; id: string; req: ResolveNdrRequest }
  | { kind: 'manual'; id: string; req: ManualStatusRequest }
  | { kind: 'cancel'; id: string; req: CancelRequest }
  | { kind: 'retryBooking'; id: string; req: RetryBookingRequest };

export type CommandKind = Command['kind'];

/** Why the shipment cannot take this command in its present state, or undefined when it can. */
export function refusal(s: ShipmentState, kind: CommandKind): string | undefined {
  const status = s.machine.status;
  switch (kind) {
    case 'refresh':
      return s.booking.state === 'booked' ? undefined : 'shipment is not booked';
    case 'resolveNdr':
      return s.ndr?.open ? undefined : 'no open NDR';
    case 'manual':
      if (s.booking.state !== 'booked') return 'shipment is not booked';
      return isTerminal(status) ? `shipment is already ${status}` : undefined;
    case 'cancel':
      if (isTerminal(status) || s.booking.state === 'cancelled') return `shipment is already ${status}`;
      return STATUS_RANK[status] >= STATUS_RANK.picked_up ? 'the parcel has been picked up: ask for a return to origin instead' : undefined;
    case 'retryBooking':
      return s.booking.state === 'failed' ? undefined : `booking is ${s.booking.state}, not failed`;
  }
}

/** The answer to a command refused by the main loop, in the shape its update returns. */
export function refusedAnswer(s: ShipmentState, kind: CommandKind, why: string): unknown {
  const status = s.machine.status;
  switch (kind) {
    case 'refresh':
      return { success: false, statusUpdated: false, status, orderStatus: ORDER_STATUS_FOR[status], error: why } satisfies RefreshResult;
    case 'resolveNdr':
      return { accepted: false, sentToCourier: false, status, message: why } satisfies ResolveNdrResult;
    case 'manual':
      return { applied: false };
    case 'cancel':
      return { cancelled: false, status, message: why } satisfies CancelResult;
    case 'retryBooking':
      return bookingOutcome(s);
  }
}

export function refreshAnswer(s: ShipmentState, before: ShipmentStatus, poll: { ok: true } | { ok: false; error: string }): RefreshResult {
  const status = s.machine.status;
  return poll.ok
    ? { success: true, statusUpdated: status !== before, status, orderStatus: ORDER_STATUS_FOR[status] }
    : { success: false, statusUpdated: false, status, orderStatus: ORDER_STATUS_FOR[status], error: poll.error };
}

export function resolveNdrAnswer(s: ShipmentState, r: { sentToCourier: boolean; error?: string }): ResolveNdrResult {
  return {
    accepted: r.error === undefined,
    sentToCourier: r.sentToCourier,
    status: s.machine.status,
    ...(r.error ? { message: r.error } : r.sentToCourier ? {} : { message: 'recorded for ops: this courier has no NDR API' }),
  };
}

// ---------------------------------------------------------------------------------------------------
// Answers kept for retried requests

/** Answers kept; older ones fall off (a retry days later is not a retry). */
const MAX_RESULTS = 50;

export function priorAnswer(s: ShipmentState, requestId: string): { result: unknown } | undefined {
  return s.results.find((r) => r.requestId === requestId);
}

export function answered(s: ShipmentState, requestId: string): boolean {
  return s.results.some((r) => r.requestId === requestId);
}

export function recordAnswer(s: ShipmentState, requestId: string, result: unknown): void {
  s.results = [...s.results, { requestId, result }].slice(-MAX_RESULTS);
}
