// The one place iCarry TrackingEvents and their dedupe keys are built, so a status seen by the webhook
// and the same status seen by polling produce the same key.
import type { TrackingEvent } from '../../domain/events';
import { keyTime } from '../common/units';
import { ICARRY_NDR_TYPES, ICARRY_STATUS_CODES } from './status-map';

/**
 * A status code, from the webhook or from api_shipment_status_sync. iCarry gives no time with the
 * code, so the key is the code alone: each code counts once per shipment. (A code that genuinely
 * repeats, e.g. 26 Out For Delivery again after an NDR, is therefore absorbed; the next different code
 * still lands.)
 */
export function statusEvent(awb: string, code: string, occurredAt: string): TrackingEvent {
  const known = ICARRY_STATUS_CODES[code];
  const label = known?.label ?? `Unknown iCarry status ${code}`;
  return {
    key: `icarry:${awb}:status:${code}`,
    courier: 'icarry',
    awb,
    status: known?.status ?? null,
    rawCode: code,
    rawLabel: label,
    description: label,
    occurredAt,
    ...(known ? {} : { unmapped: true }),
  };
}

/**
 * One entry of the daily NDR batch. The batch repeats yesterday's entries, so the key is the type and
 * the day iCarry recorded it (normalised to YYYY-MM-DD so "3/1/2025" and "03/01/2025" agree).
 */
export function ndrEvent(awb: string, type: string, day: string, occurredAt: string): TrackingEvent {
  const known = ICARRY_NDR_TYPES[type];
  const base = { key: `icarry:${awb}:ndr:${type}:${day}`, courier: 'icarry' as const, awb, rawCode: type, occurredAt };
  if (known) {
    return {
      ...base,
      status: known.status,
      rawLabel: type,
      description: known.text,
      ...(known.reason ? { ndr: { reason: known.reason, rawCode: type, rawText: known.text } } : {}),
    };
  }
  // An unknown type on the return leg says nothing about delivery; any other unknown type is still a
  // failed delivery the admin must hear about, so it opens an NDR with reason 'other'.
  if (type.startsWith('RTO-')) return { ...base, status: null, rawLabel: type, description: `iCarry return-leg exception ${type}`, unmapped: true };
  return {
    ...base,
    status: 'undelivered',
    rawLabel: type,
    description: `iCarry NDR ${type}`,
    ndr: { reason: 'other', rawCode: type, rawText: type },
    unmapped: true,
  };
}

/**
 * A line of api_track_shipment's `details`: the underlying courier's free text, which says too little
 * reliably (a cancelled parcel still reads "Manifested") to move the status. Kept for the timeline.
 */
export function scanEvent(awb: string, occurredAt: string, notes: string, location: string | undefined): TrackingEvent {
  return {
    key: `icarry:${awb}:scan:${keyTime(occurredAt)}:${fnv1a(`${notes}|${location ?? ''}`)}`,
    courier: 'icarry',
    awb,
    status: null,
    rawCode: 'scan',
    rawLabel: notes,
    description: notes,
    ...(location ? { location } : {}),
    occurredAt,
  };
}

/** 32-bit FNV-1a as 8 hex digits: tells apart two scans in the same second, stably across polls. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
