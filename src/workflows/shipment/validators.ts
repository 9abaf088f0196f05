// Checking what arrives in signals and updates. Pure.
import { ApplicationFailure } from '@temporalio/workflow';
import type { TrackingEvent } from '../../domain/events';
import type { NdrAction } from '../../domain/ndr';
import { isShipmentStatus } from '../../domain/status';

export function isUsableEvent(e: unknown): e is TrackingEvent {
  const x = e as Partial<TrackingEvent> | null;
  return !!x && typeof x.key === 'string' && x.key.length > 0 && typeof x.occurredAt === 'string' && !Number.isNaN(Date.parse(x.occurredAt)) && (x.status === null || isShipmentStatus(x.status));
}

/** A malformed request (the API answers 422); state conflicts throw plain errors (409). */
export function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'InvalidRequest', message, nonRetryable: true });
}

export function requireRequestId(req: { requestId?: unknown } | undefined): void {
  if (!req || typeof req.requestId !== 'string' || req.requestId.length === 0) throw invalid('requestId is required');
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
