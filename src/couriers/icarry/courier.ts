// The iCarry CourierClient: each operation as iCarry can do it, and a loud refusal where it cannot.
import type { NdrAction } from '../../domain/ndr';
import type { ShipmentStatus } from '../../domain/status';
import { CourierError, isCourierError } from '../common/errors';
import { parseCourierTime } from '../common/units';
import type {
  Booking,
  CancelResult,
  CourierCapabilities,
  CourierClient,
  CourierDeps,
  CreateShipmentRequest,
  NdrActionResult,
  Serviceability,
  ServiceabilityRequest,
  ShipmentRef,
  TrackResult,
} from '../types';
import type { BookingJournal, JournalEntry } from './booking-journal';
import type { IcarryHttp } from './http';
import type { IcarryConfig } from './config';
import { bookingFields, bookingFromReply, scanEvents, serviceabilityFromReply, syncStatusEvent, syncStatuses } from './mapper';
import { cancelReply, syncReply, trackReply } from './wire';

/**
 * Shipment ids per api_shipment_status_sync call. IC-PDF states no limit (its example sends 3); the
 * endpoint is PHP answering synchronously behind Cloudflare's 100 s origin timeout, so batches stay
 * small enough that one slow call cannot time out a whole poll round.
 */
export const ICARRY_BULK_TRACK_LIMIT = 50;
/** No NDR API: NDRs go to ops. */
export const ICARRY_CAPABILITIES: CourierCapabilities = { ndrActions: false, cancel: true, bulkTrackLimit: ICARRY_BULK_TRACK_LIMIT };

const CANCEL_NOTE =
  'iCarry cancels a shipment that has not been picked up at no charge; one already picked up is returned to the pickup address instead, and RTO charges apply.';

export class IcarryCourier implements CourierClient {
  readonly id = 'icarry' as const;
  readonly capabilities: CourierCapabilities = ICARRY_CAPABILITIES;

  constructor(
    private readonly config: IcarryConfig,
    private readonly api: IcarryHttp,
    private readonly deps: CourierDeps,
    private readonly journal: BookingJournal,
  ) {}

  async checkServiceability(req: ServiceabilityRequest): Promise<Serviceability> {
    if (!/^\d{6}$/.test(req.deliveryPincode)) {
      return { serviceable: false, cod: false, prepaid: false, reason: `"${req.deliveryPincode}" is not a 6-digit pincode` };
    }
    try {
      const reply = await this.api.post('checkServiceability', 'api_check_pincode', { pincode: req.deliveryPincode });
      return serviceabilityFromReply(reply.body, req);
    } catch (e) {
      // iCarry documents success 0 for an unknown pincode; a worded refusal under HTTP 200 means the
      // same thing. A 4xx does not: a wrong base URL must not read as "unserviceable".
      const worded = isCourierError(e) && (e.details.httpStatus ?? 0) >= 200 && (e.details.httpStatus ?? 0) < 300;
      if (worded && ['invalid_request', 'not_found', 'unserviceable'].includes(e.code)) {
        return { serviceable: false, cod: false, prepaid: false, reason: e.details.courierMessage ?? e.message };
      }
      throw e;
    }
  }

  /** See booking-journal.ts for why a create whose outcome is unknown is never repeated automatically. */
  async createShipment(req: CreateShipmentRequest): Promise<Booking> {
    const operation = 'createShipment';
    const fields = bookingFields(req, this.config);
    if (!fields.ok) throw new CourierError('icarry', operation, 'permanent', 'invalid_request', fields.problems.join('; '));

    const existing = await this.journal.claim(req.orderId, this.deps.now());
    if (existing?.state === 'booked') return { ...existing.booking, recovered: true };
    if (existing) throw this.inDoubt(req.orderId, existing);

    const endpoint = this.config.shipmentMode === 'E' ? 'api_add_shipment_air' : 'api_add_shipment_surface';
    let reply;
    try {
      reply = await this.api.post(operation, endpoint, fields.value);
    } catch (e) {
      if (certainlyNotBooked(e)) {
        await this.journal.release(req.orderId);
        throw e;
      }
      const reason = e instanceof Error ? e.message : String(e);
      const at = this.deps.now();
      await this.journal.inDoubt(req.orderId, reason, at);
      throw this.inDoubt(req.orderId, { state: 'in_doubt', orderId: req.orderId, since: at, reason });
    }

    const booking = bookingFromReply(reply.body, this.config.baseUrl);
    if (!booking.ok) {
      const reason = booking.problems.join('; ');
      const at = this.deps.now();
      await this.journal.inDoubt(req.orderId, reason, at, booking.shipmentId);
      throw this.inDoubt(req.orderId, { state: 'in_doubt', orderId: req.orderId, since: at, reason, ...(booking.shipmentId ? { shipmentId: booking.shipmentId } : {}) });
    }
    try {
      await this.journal.booked(req.orderId, booking.value, this.deps.now());
    } catch {
      // The parcel is booked whatever the journal says. Its entry stays in_flight, so a retry is still
      // refused rather than booking twice; handing the booking back is what matters now.
    }
    return { ...booking.value, recovered: false };
  }

  /**
   * Scans from api_track_shipment for the timeline, and the status from api_shipment_status_sync's code:
   * the tracking text is the underlying courier's and lies (a cancelled parcel still says "Manifested").
   */
  async track(ref: ShipmentRef): Promise<TrackResult> {
    const shipmentId = requireShipmentId('track', ref);
    const [tracked, synced] = await Promise.all([
      this.api.post('track', 'api_track_shipment', { shipment_id: shipmentId }),
      this.api.post('track', 'api_shipment_status_sync', { shipment_ids: [shipmentId] }),
    ]);
    const t = trackReply.safeParse(tracked.body);
    const s = syncReply.safeParse(synced.body);
    if (!t.success || !s.success) throw new CourierError('icarry', 'track', 'transient', 'bad_response', 'tracking reply did not have the documented shape');

    const events = scanEvents(ref.awb, t.data);
    const code = syncStatuses(s.data.msg).get(shipmentId);
    let status: ShipmentStatus | null = null;
    if (code) {
      const event = syncStatusEvent(ref.awb, code, new Date(this.deps.now()).toISOString());
      if (event.unmapped) this.deps.onUnmappedStatus?.('icarry', code.code);
      status = event.status;
      events.push(event);
      events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
    }
    if (events.length === 0) return { kind: 'not_yet', awb: ref.awb };
    const eta = parseCourierTime(t.data.eta_datetime);
    return { kind: 'tracked', awb: ref.awb, status, events, ...(eta ? { expectedDeliveryAt: eta } : {}) };
  }

  /** One api_shipment_status_sync call; refs without an iCarry shipment id cannot be asked about and are absent. */
  async trackMany(refs: ShipmentRef[]): Promise<Record<string, TrackResult>> {
    if (refs.length > ICARRY_BULK_TRACK_LIMIT) {
      throw new CourierError('icarry', 'trackMany', 'permanent', 'invalid_request', `at most ${ICARRY_BULK_TRACK_LIMIT} shipments per call, got ${refs.length}`);
    }
    const byId = new Map<string, ShipmentRef[]>();
    for (const ref of refs) {
      const id = ref.courierShipmentId?.trim();
      if (id) byId.set(id, [...(byId.get(id) ?? []), ref]);
    }
    if (byId.size === 0) return {};
    const reply = await this.api.post('trackMany', 'api_shipment_status_sync', { shipment_ids: [...byId.keys()] });
    const parsed = syncReply.safeParse(reply.body);
    if (!parsed.success) throw new CourierError('icarry', 'trackMany', 'transient', 'bad_response', 'status sync reply did not have the documented shape');

    const polledAt = new Date(this.deps.now()).toISOString();
    const out: Record<string, TrackResult> = {};
    for (const [id, code] of syncStatuses(parsed.data.msg)) {
      for (const ref of byId.get(id) ?? []) {
        const event = syncStatusEvent(ref.awb, code, polledAt);
        if (event.unmapped) this.deps.onUnmappedStatus?.('icarry', code.code);
        out[ref.awb] = { kind: 'tracked', awb: ref.awb, status: event.status, events: [event] };
      }
    }
    return out;
  }

  async cancel(ref: ShipmentRef): Promise<CancelResult> {
    const shipmentId = requireShipmentId('cancel', ref);
    try {
      const reply = await this.api.post('cancel', 'api_cancel_shipment', { shipment_id: shipmentId });
      if (!cancelReply.safeParse(reply.body).success) {
        throw new CourierError('icarry', 'cancel', 'transient', 'bad_response', 'cancel reply had neither success nor error');
      }
      return { cancelled: true, note: CANCEL_NOTE };
    } catch (e) {
      // A retried cancel whose first reply was lost: the goal is met.
      if (isCourierError(e) && e.kind === 'permanent' && /already\s+(been\s+)?cancel/i.test(e.details.courierMessage ?? '')) {
        return { cancelled: true, note: 'iCarry had already cancelled this shipment.' };
      }
      throw e;
    }
  }

  async ndrAction(ref: ShipmentRef, action: NdrAction): Promise<NdrActionResult> {
    throw new CourierError(
      'icarry',
      'ndrAction',
      'permanent',
      'unsupported',
      `iCarry has no API for NDR actions: ${action.type} for AWB ${ref.awb} must be done by ops in the iCarry panel (NDR section)`,
    );
  }

  private inDoubt(orderId: string, entry: Exclude<JournalEntry, { state: 'booked' }>): CourierError {
    const since = new Date(entry.since).toISOString();
    const what =
      entry.state === 'in_flight'
        ? `another booking attempt for this order started at ${since} and has not recorded an outcome (still running, or its worker stopped)`
        : `an attempt at ${since} ended without a clear answer (${entry.reason})${entry.shipmentId ? `; iCarry shipment id ${entry.shipmentId}` : ''}`;
    return new CourierError(
      'icarry',
      'createShipment',
      'permanent',
      'duplicate',
      `iCarry may already hold a booking for order ${orderId}: ${what}. iCarry cannot be searched by client_order_id, so Waybill will not book it again by itself. Look for client_order_id ${orderId} in the iCarry panel (My Shipments): record its AWB if it is there, otherwise release the order for rebooking.`,
    );
  }
}

/** True only when iCarry certainly did not act on the booking request. */
function certainlyNotBooked(e: unknown): boolean {
  if (!isCourierError(e)) return false;
  if (e.operation === 'login') return true; // the create was never sent
  if (e.kind === 'rate_limited') return true;
  if (e.kind === 'permanent') return e.code !== 'duplicate'; // iCarry answered, and said no
  // The connection never opened, so no request reached iCarry.
  return e.code === 'network' && /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|UND_ERR_CONNECT_TIMEOUT|Connect Timeout/i.test(e.message);
}

function requireShipmentId(operation: string, ref: ShipmentRef): string {
  const id = ref.courierShipmentId?.trim();
  if (!id) {
    throw new CourierError('icarry', operation, 'permanent', 'invalid_request', `iCarry works by its own shipment id and has no lookup by AWB; AWB ${ref.awb} has no courierShipmentId`);
  }
  return id;
}
