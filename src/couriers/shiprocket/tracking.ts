// tracking_data (GET /courier/track/awb/{awb}, POST /courier/track/awbs, GET /courier/track?order_id=)
// → TrackResult (couriers.md §1.8). Activities arrive newest-first; results are oldest-first.
import type { TrackResult } from '../types';
import { buildEvents, readScans } from './events';
import { isoFromCourier, trackingUrl } from './mapper';
import { normaliseCurrentStatus, toStatusId } from './status-map';
import type { TrackingData } from './wire';

/** `track_status: 0` (HTTP 200, "no activities found"): known to Shiprocket, not scanned yet. */
export function isNotYetScanned(data: TrackingData): boolean {
  return toStatusId(data.track_status) === 0;
}

export function toTrackResult(awb: string, data: TrackingData): { result: TrackResult; unknownCodes: string[] } {
  if (isNotYetScanned(data)) return { result: { kind: 'not_yet', awb }, unknownCodes: [] };
  const track = data.shipment_track?.[0];
  const current = normaliseCurrentStatus({ shipmentStatusId: data.shipment_status, label: track?.current_status });
  const { events, unknownCodes } = buildEvents(
    awb,
    readScans(data.shipment_track_activities),
    current && { normalised: current, shipmentStatusId: toStatusId(data.shipment_status), text: track?.current_status ?? '' },
  );
  const result: TrackResult = {
    kind: 'tracked',
    awb,
    status: current?.status ?? null,
    events,
    trackingUrl: trackingUrl(awb, data.track_url),
  };
  const expected = isoFromCourier(data.etd) ?? isoFromCourier(track?.edd);
  if (expected) result.expectedDeliveryAt = expected;
  return { result, unknownCodes };
}
