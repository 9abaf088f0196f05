// One Shiprocket scan → one TrackingEvent. Shared by tracking (poll) and webhook (push) so that the same
// scan produces the same event, and above all the same dedupe key, whichever way it arrived.
import type { TrackingEvent } from '../../domain/events';
import { keyTime, parseCourierTime } from '../common/units';
import { ndrReasonFromText } from './ndr-reasons';
import { normaliseStatusId, toStatusId, type Normalised } from './status-map';
import { scan as scanSchema, type Scan } from './wire';

/** `shiprocket:<awb>:<rawCode>:<second>`: the courier code and the scan's own time, never arrival time. */
export function eventKey(awb: string, rawCode: string, occurredAt: string): string {
  return `shiprocket:${awb}:${rawCode}:${keyTime(occurredAt)}`;
}

/** A scan's status, from its `sr-status` (shipment enum). "NA" is an informational scan, not an unknown one. */
export function scanStatus(s: Scan): Normalised | undefined {
  const raw = s['sr-status'];
  if (raw === undefined || raw === null) return undefined;
  const id = toStatusId(raw);
  if (id === undefined) {
    const text = String(raw).trim();
    if (text === '' || text.toUpperCase() === 'NA') return { status: null, rawCode: 'shipment:NA', label: 'NA', unmapped: false, unknownCodes: [] };
    return { status: null, rawCode: `shipment:${text}`, label: text, unmapped: true, unknownCodes: [`shipment:${text}`] };
  }
  return normaliseStatusId('shipment', id);
}

/** Scans one by one: a malformed scan (no date) is dropped, never the payload around it. */
export function readScans(values: readonly unknown[] | null | undefined): Scan[] {
  const out: Scan[] = [];
  for (const v of values ?? []) {
    const parsed = scanSchema.safeParse(v);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

export interface ScanEvent {
  event: TrackingEvent;
  /** The scan's shipment-status id ("42"), or undefined for NA and codeless scans. */
  srStatus?: number;
  unknownCodes: string[];
}

export function scanToEvent(awb: string, s: Scan): ScanEvent | undefined {
  const occurredAt = parseCourierTime(s.date);
  if (!occurredAt) return undefined;
  const n = scanStatus(s);
  const description = (s.activity ?? '').trim();
  // The courier's code (X-PPOM) is the scan's identity. The older bulk-tracking shape has none; its
  // activity text stands in so that two scans in the same second keep distinct keys.
  const rawCode = s.status?.trim() || description.slice(0, 80) || 'NA';
  const label = s['sr-status-label']?.trim() || n?.label || '';
  const event: TrackingEvent = {
    key: eventKey(awb, rawCode, occurredAt),
    courier: 'shiprocket',
    awb,
    status: n?.status ?? null,
    rawCode,
    rawLabel: label,
    description,
    occurredAt,
  };
  const location = s.location?.trim();
  if (location && location !== 'NA') event.location = location;
  if (n?.unmapped) event.unmapped = true;
  if (event.status === 'undelivered') event.ndr = { reason: ndrReasonFromText(description), rawCode, rawText: description };
  const srStatus = toStatusId(s['sr-status']);
  return { event, srStatus, unknownCodes: n?.unknownCodes ?? [] };
}

/**
 * The current status as an event of its own, for when no scan carries it (the webhook sample's current
 * status is In Transit while its scans say Shipped and "NA"). Keyed on the status id and the time the
 * status was read, which webhook and tracking both take from the newest scan.
 */
export function currentStatusEvent(awb: string, current: Normalised, at: string, text: string): TrackingEvent {
  const rawCode = current.rawCode.replace(/^(shipment|order|label):/, '');
  const event: TrackingEvent = {
    key: eventKey(awb, rawCode, at),
    courier: 'shiprocket',
    awb,
    status: current.status,
    rawCode,
    rawLabel: current.label,
    description: text || current.label,
    occurredAt: at,
  };
  if (current.unmapped) event.unmapped = true;
  if (current.status === 'undelivered') event.ndr = { reason: ndrReasonFromText(text), rawCode, rawText: text };
  return event;
}

/**
 * Scans (any order) plus the current status → events oldest-first. The current-status event is added
 * only when the newest status-bearing scan does not already say it.
 */
export function buildEvents(
  awb: string,
  scans: readonly Scan[],
  current: { normalised: Normalised; shipmentStatusId?: number; at?: string; text: string } | undefined,
): { events: TrackingEvent[]; unknownCodes: string[] } {
  const mapped = scans.map((s) => scanToEvent(awb, s)).filter((e): e is ScanEvent => e !== undefined);
  // Stable sort by time: the API's own order breaks ties.
  mapped.sort((a, b) => a.event.occurredAt.localeCompare(b.event.occurredAt));
  const events = mapped.map((m) => m.event);
  const unknownCodes = mapped.flatMap((m) => m.unknownCodes);
  if (current) {
    const lastStatusScan = [...mapped].reverse().find((m) => m.srStatus !== undefined);
    const said = current.shipmentStatusId !== undefined && lastStatusScan?.srStatus === current.shipmentStatusId;
    const at = current.at ?? events[events.length - 1]?.occurredAt;
    const synthetic = !said && at ? currentStatusEvent(awb, current.normalised, at, current.text) : undefined;
    if (synthetic && !events.some((e) => e.key === synthetic.key)) {
      events.push(synthetic);
      events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
    }
    unknownCodes.push(...current.normalised.unknownCodes);
  }
  return { events, unknownCodes: [...new Set(unknownCodes)] };
}
