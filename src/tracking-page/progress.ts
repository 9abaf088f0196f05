// The shipment's status in the customer's words, as steps: booked → picked up → in transit → out for
// delivery → delivered, with the detours a parcel can take (a failed attempt, a return, a cancellation,
// a loss) told as such rather than squeezed onto the happy path.
import type { NdrActionType } from '../domain/ndr';
import type { NdrReason, ShipmentStatus } from '../domain/status';

export type StepState = 'done' | 'current' | 'todo' | 'problem';
export interface Step {
  label: string;
  state: StepState;
}
export type Variant = 'normal' | 'ndr' | 'rto' | 'cancelled' | 'lost' | 'delivered';

export interface Progress {
  variant: Variant;
  headline: string;
  steps: Step[];
}

const FORWARD = ['Booked', 'Picked up', 'In transit', 'Out for delivery', 'Delivered'] as const;

/** Index of the last forward step reached. */
const REACHED: Partial<Record<ShipmentStatus, number>> = {
  booked: 0,
  pickup_scheduled: 0,
  pickup_failed: 0,
  picked_up: 1,
  in_transit: 2,
  out_for_delivery: 3,
  undelivered: 3,
  delivered: 4,
};

export const HEADLINES: Record<ShipmentStatus, string> = {
  pending: 'We are preparing your order',
  booked: 'Your order is packed and booked with the courier',
  pickup_scheduled: 'Waiting for the courier to pick it up',
  pickup_failed: 'The pickup is being rescheduled',
  picked_up: 'Picked up by the courier',
  in_transit: 'On its way',
  out_for_delivery: 'Out for delivery',
  undelivered: 'We could not deliver your order',
  delivered: 'Delivered',
  rto_initiated: 'Your order is being returned to us',
  rto_in_transit: 'Your order is being returned to us',
  rto_delivered: 'Your order has been returned to us',
  cancelled: 'This shipment was cancelled',
  lost: 'There is a problem with your parcel',
  damaged: 'There is a problem with your parcel',
};

export function progressOf(status: ShipmentStatus): Progress {
  const headline = HEADLINES[status];
  if (status === 'cancelled') return { variant: 'cancelled', headline, steps: [] };
  if (status === 'lost' || status === 'damaged') return { variant: 'lost', headline, steps: [] };
  if (status.startsWith('rto_')) {
    const back = status === 'rto_delivered';
    return {
      variant: 'rto',
      headline,
      steps: [
        { label: 'Booked', state: 'done' },
        { label: 'Sent out', state: 'done' },
        { label: 'Returning to us', state: back ? 'done' : 'current' },
        { label: 'Returned', state: back ? 'done' : 'todo' },
      ],
    };
  }
  const reached = REACHED[status] ?? -1;
  const steps: Step[] = FORWARD.map((label, i) => ({
    label,
    state: i < reached ? 'done' : i === reached ? (status === 'delivered' ? 'done' : 'current') : 'todo',
  }));
  if (status === 'undelivered') steps[3] = { label: 'Delivery attempt failed', state: 'problem' };
  return { variant: status === 'undelivered' ? 'ndr' : status === 'delivered' ? 'delivered' : 'normal', headline, steps };
}

export const NDR_REASON_TEXT: Record<NdrReason, string> = {
  consignee_unavailable: 'nobody was available to receive it',
  address_issue: 'the courier could not find the address',
  future_delivery_requested: 'a later delivery date was asked for',
  refused: 'the parcel was refused at the door',
  cod_not_ready: 'the cash-on-delivery amount was not ready',
  open_delivery_requested: 'an open-box delivery was asked for',
  restricted_entry: 'the courier could not get in',
  out_of_delivery_area: 'the address is outside the courier’s delivery area',
  not_attempted: 'the courier could not attempt the delivery',
  otp_issue: 'the delivery code (OTP) could not be confirmed',
  max_attempts: 'the courier has made its last attempt',
  other: 'the courier could not deliver it',
};

export const NDR_ACTION_TEXT: Record<NdrActionType, string> = {
  reattempt: 'deliver it again',
  reschedule: 'deliver it on the day you chose',
  change_address: 'deliver it to the corrected address',
  change_phone: 'call you on the new number',
  return_to_origin: 'return it to us',
};
