// The updates' validators and the input checks they share: a malformed request is refused with
// InvalidRequest (the API answers 422), one the shipment's state refuses with a plain error (409).
// Either way nothing is queued and nothing reaches history. Pure.
import { ApplicationFailure } from '@temporalio/workflow';
import type { TrackingEvent } from '../../domain/events';
import type { NdrAction } from '../../domain/ndr';
import { isShipmentStatus } from '../../domain/status';
import { answered, refusal, type CommandKind } from './commands';
import type { CancelRequest, ManualStatusRequest, ResolveNdrRequest, RetryBookingRequest } from './contract';
import type { ShipmentState } from './state';

/** Events a courier signal may carry; anything else is dropped (a signal handler must never throw). */
export function isUsableEvent(e: unknown): e is TrackingEvent {
  const x = e as Partial<TrackingEvent> | null;
  return !!x && typeof x.key === 'string' && x.key.length > 0 && typeof x.occurredAt === 'string' && !Number.isNaN(Date.parse(x.occurredAt)) && (x.status === null || isShipmentStatus(x.status));
}

export const validate = {
  refresh(s: ShipmentState): void {
    refuseIfRefused(s, 'refresh');
  },
  resolveNdr(s: ShipmentState, req: ResolveNdrRequest): void {
    if (isRetry(s, req)) return;
    refuseIfRefused(s, 'resolveNdr');
    validateNdrAction(req.action);
  },
  manual(s: ShipmentState, req: ManualStatusRequest): void {
    if (isRetry(s, req)) return;
    if (!isShipmentStatus(req.status) || req.status === 'pending') throw invalid('not a shipment status');
    refuseIfRefused(s, 'manual');
    if (!req.by || !req.reason) throw invalid('who and why are required');
  },
  cancel(s: ShipmentState, req: CancelRequest): void {
    if (isRetry(s, req)) return;
    refuseIfRefused(s, 'cancel');
  },
  retryBooking(s: ShipmentState, req: RetryBookingRequest): void {
    if (isRetry(s, req)) return;
    refuseIfRefused(s, 'retryBooking');
  },
};

/** A request id is required; a request already answered is accepted as is (its answer is replayed). */
function isRetry(s: ShipmentState, req: { requestId?: unknown } | undefined): boolean {
  if (!req || typeof req.requestId !== 'string' || req.requestId.length === 0) throw invalid('requestId is required');
  return answered(s, req.requestId);
}

function refuseIfRefused(s: ShipmentState, kind: CommandKind): void {
  const why = refusal(s, kind);
  if (why) throw new Error(why);
}

/** A malformed request (the API answers 422); state conflicts throw plain errors (409). */
export function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'InvalidRequest', message, nonRetryable: true });
}

export function validateNdrAction(a: NdrAction | undefined): void {
  if (!a || typeof a !== 'object') throw invalid('action is required');
  switch (a.type) {
    case 'reattempt':
    case 'return_to_origin':
      return;
    case 'reschedule':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(a.date ?? '')) throw invalid('reschedule needs a date YYYY-MM-DD');
      return;
    case 'change_address':
      if (!a.address1) throw invalid('change_address needs address1');
      if (a.pincode !== undefined && !/^\d{6}$/.test(a.pincode)) throw invalid('pincode must be 6 digits');
      return;
    case 'change_phone':
      if (!/^\d{10}$/.test(a.phone ?? '')) throw invalid('phone must be 10 digits');
      return;
    default:
      throw invalid('unknown NDR action');
  }
}
