// Delhivery Shipment objects (tracking API and scan push alike) → Waybill TrackingEvents. Pure.
// The same scan must give the same event whichever way it arrives, so both paths go through scanEvent.
import type { TrackingEvent } from '../../domain/events';
import type { ShipmentStatus } from '../../domain/status';
import { awbString, keyTime, parseCourierTime } from '../common/units';
import { mapScan } from './status-map';
import type { DlvShipment } from './wire';

export const trackingUrlFor = (awb: string) => `https://www.delhivery.com/track/package/${encodeURIComponent(awb)}`;

/** One scan as both APIs carry it, before normalisation. */
export interface RawScan {
  statusType?: string;
  status?: string;
  nsl?: string;
  /** Delhivery local time (IST, no offset). */
  time?: string;
  location?: string;
  instructions?: string;
}

export interface MappedEvent {
  event: TrackingEvent;
  /** Set when the code should be reported to onUnmappedStatus. */
  unknownCode?: string;
}

/** The code part of the dedupe key and rawCode: the NSL code, or StatusType-Status when a scan has none. */
function codeOf(scan: RawScan): string {
  const nsl = scan.nsl?.trim();
  if (nsl) return nsl;
  return `${scan.statusType?.trim() || '?'}-${scan.status?.trim() || '?'}`;
}

export function dedupeKey(awb: string, code: string, occurredAtIso: string): string {
  return `delhivery:${awb}:${code}:${keyTime(occurredAtIso)}`;
}

/**
 * Whether an RT scan started the RTO. RTOStartedDate, when the payload carries it, decides for both paths
 * alike (scans up to that second started it); failing that the tracking API's full history does; a lone
 * webhook scan without it stays undecided (status-map treats RT/In Transit as the start).
 */
function firstRtoScan(scan: RawScan, occurredAt: string, rtoStartedAt: string | undefined, isFirstRtInHistory: boolean | undefined): boolean | undefined {
  if ((scan.statusType ?? '').trim().toUpperCase() !== 'RT') return undefined;
  if (rtoStartedAt) return keyTime(occurredAt) <= keyTime(rtoStartedAt);
  return isFirstRtInHistory;
}

/**
 * One raw scan → TrackingEvent. `fallbackTime` (ISO UTC) stands in for a missing or unparsable scan time;
 * without one such a scan is dropped (returns undefined).
 */
export function scanEvent(
  awb: string,
  scan: RawScan,
  ctx: { rtoStartedAt?: string; isFirstRtInHistory?: boolean; fallbackTime?: string },
): MappedEvent | undefined {
  const occurredAt = parseCourierTime(scan.time) ?? ctx.fallbackTime;
  if (!occurredAt) return undefined;
  const code = codeOf(scan);
  const mapped = mapScan({
    statusType: scan.statusType,
    status: scan.status,
    nsl: scan.nsl,
    firstRtoScan: firstRtoScan(scan, occurredAt, ctx.rtoStartedAt, ctx.isFirstRtInHistory),
  });
  const instructions = scan.instructions?.trim() ?? '';
  const event: TrackingEvent = {
    key: dedupeKey(awb, code, occurredAt),
    courier: 'delhivery',
    awb,
    status: mapped.status,
    rawCode: code,
    rawLabel: `${scan.statusType?.trim() ?? ''}/${scan.status?.trim() ?? ''}`,
    description: instructions || scan.status?.trim() || code,
    occurredAt,
  };
  const location = scan.location?.trim();
  if (location) event.location = location;
  if (mapped.ndr) event.ndr = { reason: mapped.ndr.reason, rawCode: code, rawText: instructions || mapped.ndr.text };
  if (mapped.unmapped) event.unmapped = true;
  return mapped.unknownCode ? { event, unknownCode: code } : { event };
}

const isRtEvent = (e: TrackingEvent) => e.rawLabel.toUpperCase().startsWith('RT/');

/** Scans of a tracking-API Shipment, oldest first; the Status block stands in when Scans is absent. */
function rawScans(shipment: DlvShipment): RawScan[] {
  const scans: RawScan[] = [];
  for (const s of shipment.Scans ?? []) {
    const d = s.ScanDetail;
    if (!d) continue;
    scans.push({
      statusType: d.ScanType,
      status: d.Scan,
      nsl: d.StatusCode,
      time: d.StatusDateTime ?? d.ScanDateTime,
      location: d.ScannedLocation,
      instructions: d.Instructions,
    });
  }
  if (scans.length === 0 && shipment.Status) scans.push(statusScan(shipment));
  return scans;
}

/** The Shipment's Status block as a scan. The scan push keeps its NSL code at Shipment level. */
export function statusScan(shipment: DlvShipment): RawScan {
  const st = shipment.Status;
  return {
    statusType: st?.StatusType,
    status: st?.Status,
    nsl: st?.StatusCode || shipment.NSLCode,
    time: st?.StatusDateTime,
    location: st?.StatusLocation,
    instructions: st?.Instructions,
  };
}

export interface MappedShipment {
  awb: string;
  referenceNo?: string;
  events: TrackingEvent[];
  /** Normalised current status (from the Status block, else the newest event); null when unmapped. */
  status: ShipmentStatus | null;
  /** Neither a status nor any scan yet: known to Delhivery, nothing to say. */
  empty: boolean;
  expectedDeliveryAt?: string;
  /** Distinct unknown codes, for onUnmappedStatus. */
  unknownCodes: string[];
  /** StatusType of the current status (RT/DL…), upper case; '' when absent. */
  statusType: string;
}

/** A full tracking-API Shipment → events and current status. undefined when it carries no AWB. */
export function mapTrackedShipment(shipment: DlvShipment): MappedShipment | undefined {
  const awb = awbString(shipment.AWB);
  if (!awb) return undefined;
  const rtoStartedAt = parseCourierTime(shipment.RTOStartedDate);
  const unknown = new Set<string>();
  const events: TrackingEvent[] = [];
  // "First RT scan" needs chronological order; Delhivery lists oldest first, but nothing promises it.
  // Array.prototype.sort is stable, so scans sharing a second keep Delhivery's order.
  const ordered = rawScans(shipment)
    .map((scan) => ({ scan, at: parseCourierTime(scan.time) ?? '' }))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
    .map((x) => x.scan);
  let seenRt = false;
  for (const scan of ordered) {
    const isRt = (scan.statusType ?? '').trim().toUpperCase() === 'RT';
    const mapped = scanEvent(awb, scan, { rtoStartedAt, isFirstRtInHistory: isRt ? !seenRt : undefined });
    if (isRt) seenRt = true;
    if (!mapped) continue;
    events.push(mapped.event);
    if (mapped.unknownCode) unknown.add(mapped.unknownCode);
  }

  let status: ShipmentStatus | null = events.length > 0 ? events[events.length - 1]!.status : null;
  const current = shipment.Status;
  const hasCurrent = Boolean(current && (current.Status || current.StatusType));
  if (hasCurrent) {
    // The Status block is the newest scan; it decides the current status even when Scans lag behind it.
    const scan = statusScan(shipment);
    const at = parseCourierTime(scan.time);
    const isRt = (scan.statusType ?? '').trim().toUpperCase() === 'RT';
    const earlierRt = events.some((e) => isRtEvent(e) && (at === undefined || e.occurredAt < at));
    const mapped = mapScan({
      statusType: scan.statusType,
      status: scan.status,
      nsl: scan.nsl,
      firstRtoScan: at ? firstRtoScan(scan, at, rtoStartedAt, !earlierRt) : isRt ? !earlierRt : undefined,
    });
    status = mapped.status;
    if (mapped.unknownCode) unknown.add(codeOf(scan));
  }
  const expectedDeliveryAt = parseCourierTime(shipment.ExpectedDeliveryDate) ?? parseCourierTime(shipment.PromisedDeliveryDate);
  return {
    awb,
    referenceNo: shipment.ReferenceNo?.trim() || undefined,
    events,
    status,
    empty: events.length === 0 && !hasCurrent,
    expectedDeliveryAt,
    unknownCodes: [...unknown],
    statusType: (current?.StatusType ?? '').trim().toUpperCase(),
  };
}
