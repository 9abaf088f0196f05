// iCarry's reply shapes (IC-PDF via couriers.md §3), loose on purpose: iCarry mixes numbers and
// strings for the same field, and unknown extra members must not fail a parse. These types never
// leave src/couriers/icarry.
import { z } from 'zod';

const idLike = z.union([z.string(), z.number()]);
const text = z.string().nullish();

export const bookingReply = z.looseObject({
  shipment_id: idLike,
  awb: idLike.nullish(),
  courier_id: idLike.nullish(),
  courier_name: text,
  tracking_url: text,
  pickup_id: idLike.nullish(),
  success: text,
});
export type BookingReply = z.infer<typeof bookingReply>;

export const trackReply = z.looseObject({
  success: idLike.nullish(),
  courier_name: text,
  status: text,
  location: text,
  datetime: text,
  eta_datetime: text,
  picked_datetime: text,
  delivered_datetime: text,
  details: z.array(z.looseObject({ datetime: text, location: text, notes: text })).nullish(),
});
export type TrackReply = z.infer<typeof trackReply>;

export const syncEntry = z.looseObject({
  shipment_id: idLike,
  status: idLike,
  date_delivered: text,
  // Sic: IC-PDF's key has a trailing space. The spaceless spelling is read too, in case it gets fixed.
  'date_picked ': text,
  date_picked: text,
});
export type SyncEntry = z.infer<typeof syncEntry>;

export const syncReply = z.looseObject({ msg: z.array(z.unknown()).nullish() });

export const cancelReply = z.looseObject({ success: z.union([z.string(), z.number(), z.boolean()]), shipment_id: idLike.nullish() });

export const pincodeReply = z.looseObject({ success: idLike.nullish(), msg: z.unknown() });
