// Booking at Shiprocket is three calls: create order → assign AWB → generate pickup. Any of them can fail
// or time out after Shiprocket acted, and a retried create is refused (422: the order id is taken, even
// after cancellation). So a retry finds the existing order and carries on from the first step not done:
// one booking per order, whatever retries happen (DESIGN.md invariant 3).
import { STATUS_RANK } from '../../domain/status';
import { awbString } from '../common/units';
import type { Booking, CreateShipmentRequest } from '../types';
import type { CallContext, ShiprocketHttp } from './http';
import type { ShiprocketConfig } from './config';
import { ALREADY_ASSIGNED, ALREADY_IN_PICKUP_QUEUE, codeFromMessage, vendorMessage } from './errors';
import { isoFromCourier, toCreateOrderBody, trackingUrl } from './mapper';
import { normaliseCurrentStatus, toStatusId } from './status-map';
import { assignAwbResponse, createOrderResponse, orderSearchResponse, pickupResponse, trackResponse, type CreateOrderResponse } from './wire';

/** How far a booking got at Shiprocket. */
interface Progress {
  srOrderId: string;
  shipmentId: string;
  awb?: string;
  carrierName?: string;
  pickupScheduled: boolean;
  pickupScheduledAt?: string;
  recovered: boolean;
}

const PICKUP_SCHEDULED_RANK = STATUS_RANK.pickup_scheduled;

export async function bookShipment(api: ShiprocketHttp, config: ShiprocketConfig, ctx: CallContext, req: CreateShipmentRequest): Promise<Booking> {
  let progress = await createOrRecover(api, config, ctx, req);
  if (!progress.awb) progress = await assignAwb(api, config, ctx, req.orderId, progress);
  if (!progress.pickupScheduled) progress = await generatePickup(api, ctx, progress);
  const awb = progress.awb!;
  const booking: Booking = {
    awb,
    courierShipmentId: progress.shipmentId,
    courierOrderId: progress.srOrderId,
    trackingUrl: trackingUrl(awb),
    recovered: progress.recovered,
  };
  if (progress.carrierName) booking.carrierName = progress.carrierName;
  if (progress.pickupScheduledAt) booking.pickupScheduledAt = progress.pickupScheduledAt;
  return booking;
}

async function createOrRecover(api: ShiprocketHttp, config: ShiprocketConfig, ctx: CallContext, req: CreateShipmentRequest): Promise<Progress> {
  const body = toCreateOrderBody(req, config);
  const res = await api.send(ctx, { method: 'POST', path: '/orders/create/adhoc', body });
  const failure = api.classify(ctx.operation, res);
  if (!failure) return fromCreated(api.expectShape(ctx.operation, createOrderResponse, res.body));
  if (failure.details.httpStatus !== 422) throw failure;

  // Shiprocket's wording for a taken order id is not documented, so every 422 gets a lookup: a
  // genuine validation error finds nothing and is reported as it came.
  const existing = await findExisting(api, ctx, req.orderId);
  if (!existing) {
    const message = failure.details.courierMessage ?? '';
    if (/order[ _]?id|already|exist|taken|duplicate/i.test(message)) {
      // The id is taken but the order cannot be seen yet (search lag): later is the right answer.
      throw api.error(ctx.operation, 'transient', 'duplicate', `order id ${req.orderId} is taken at Shiprocket but the order was not found yet: ${message}`, 422, message);
    }
    throw failure;
  }
  if (existing.cancelled) {
    throw api.error(
      ctx.operation,
      'permanent',
      'duplicate',
      `order id ${req.orderId} belongs to a cancelled Shiprocket order (${existing.progress.srOrderId}); Shiprocket never reuses an order id`,
      422,
    );
  }
  return existing.progress;
}

/**
 * A 200 can also describe an order that existed before this call (an AWB already on it); what was done
 * then is not done again.
 */
function fromCreated(r: CreateOrderResponse): Progress {
  const awb = awbString(r.awb_code);
  const status = toStatusId(r.status_code);
  const progress: Progress = {
    srOrderId: String(r.order_id),
    shipmentId: String(r.shipment_id),
    pickupScheduled: status !== undefined && rankOfOrderStatus(status) >= PICKUP_SCHEDULED_RANK,
    recovered: awb !== undefined,
  };
  if (awb) progress.awb = awb;
  if (r.courier_name) progress.carrierName = r.courier_name;
  return progress;
}

function rankOfOrderStatus(id: number): number {
  const s = normaliseCurrentStatus({ orderStatusId: id })?.status;
  return s ? STATUS_RANK[s] : 0;
}

interface Existing {
  progress: Progress;
  cancelled: boolean;
}

/**
 * The order already booked under our order id. First GET /orders?search= (documented as searching the
 * channel order id; it lists the shipment even before an AWB exists), matching the id exactly because
 * search also matches AWBs and partial ids. Then, in case the search index lags, GET /courier/track?
 * order_id=, which only knows shipments that have an AWB.
 */
async function findExisting(api: ShiprocketHttp, ctx: CallContext, orderId: string): Promise<Existing | undefined> {
  const search = await api.call(ctx, { method: 'GET', path: '/orders', query: { search: orderId } }, orderSearchResponse);
  const matches = search.data.filter((o) => o.channel_order_id !== null && o.channel_order_id !== undefined && String(o.channel_order_id) === orderId);
  const isCancelled = (o: (typeof matches)[number]) => normaliseCurrentStatus({ orderStatusId: o.status_code, label: o.status })?.status === 'cancelled';
  const order = matches.find((o) => !isCancelled(o)) ?? matches[0];
  const shipment = order?.shipments?.[0];
  if (order && shipment) {
    const progress: Progress = {
      srOrderId: String(order.id),
      shipmentId: String(shipment.id),
      pickupScheduled: Boolean(shipment.pickup_scheduled_date) || rankOfOrderStatus(toStatusId(order.status_code) ?? 0) >= PICKUP_SCHEDULED_RANK,
      recovered: true,
    };
    const awb = awbString(shipment.awb);
    if (awb) progress.awb = awb;
    if (shipment.courier) progress.carrierName = shipment.courier;
    const at = isoFromCourier(shipment.pickup_scheduled_date);
    if (at) progress.pickupScheduledAt = at;
    return { progress, cancelled: isCancelled(order) };
  }

  const tracked = await api.send(ctx, { method: 'GET', path: '/courier/track', query: { order_id: orderId } });
  if (api.classify(ctx.operation, tracked) || !Array.isArray(tracked.body)) return undefined;
  for (const item of tracked.body) {
    const parsed = trackResponse.safeParse(item);
    const data = parsed.success ? parsed.data.tracking_data : undefined;
    const track = data?.shipment_track?.[0];
    if (!data || !track || track.shipment_id === null || track.shipment_id === undefined || track.order_id === null || track.order_id === undefined) continue;
    const status = normaliseCurrentStatus({ shipmentStatusId: data.shipment_status, label: track.current_status })?.status;
    const progress: Progress = {
      srOrderId: String(track.order_id),
      shipmentId: String(track.shipment_id),
      pickupScheduled: status ? STATUS_RANK[status] >= PICKUP_SCHEDULED_RANK : false,
      recovered: true,
    };
    const awb = awbString(track.awb_code);
    if (awb) progress.awb = awb;
    if (track.courier_name) progress.carrierName = track.courier_name;
    return { progress, cancelled: status === 'cancelled' };
  }
  return undefined;
}

async function assignAwb(api: ShiprocketHttp, config: ShiprocketConfig, ctx: CallContext, orderId: string, progress: Progress): Promise<Progress> {
  const body: Record<string, number> = { shipment_id: Number(progress.shipmentId) };
  if (config.courierCompanyId !== undefined) body.courier_id = config.courierCompanyId;
  const res = await api.send(ctx, { method: 'POST', path: '/courier/assign/awb', body });
  const failure = api.classify(ctx.operation, res);
  const message = vendorMessage(res.body, res.raw.text);
  if (failure) {
    // "Cannot reassign courier" (400): an earlier attempt assigned one.
    if (ALREADY_ASSIGNED.test(message)) return adoptExistingAwb(api, ctx, orderId, progress, message);
    throw failure;
  }
  const parsed = api.expectShape(ctx.operation, assignAwbResponse, res.body);
  const data = parsed.response?.data;
  const awb = awbString(data?.awb_code);
  if (toStatusId(parsed.awb_assign_status) === 1 && awb) {
    const next: Progress = { ...progress, awb };
    if (data?.courier_name) next.carrierName = data.courier_name;
    return next;
  }
  // awb_assign_status 0 under HTTP 200, with the reason in awb_assign_error.
  if (ALREADY_ASSIGNED.test(message)) return adoptExistingAwb(api, ctx, orderId, progress, message);
  const code = codeFromMessage(message);
  if (code) throw api.error(ctx.operation, 'permanent', code, `AWB not assigned: ${message}`, res.status, message);
  // Otherwise often the underlying courier's API failing; a retry resumes here through the lookup.
  throw api.error(ctx.operation, 'transient', 'server_error', `AWB not assigned: ${message}`, res.status, message);
}

async function adoptExistingAwb(api: ShiprocketHttp, ctx: CallContext, orderId: string, progress: Progress, message: string): Promise<Progress> {
  const existing = await findExisting(api, ctx, orderId);
  if (existing?.progress.awb && existing.progress.shipmentId === progress.shipmentId) {
    return { ...progress, ...existing.progress, recovered: true };
  }
  throw api.error(ctx.operation, 'transient', 'server_error', `Shiprocket says an AWB is assigned but none was found yet: ${message}`, undefined, message);
}

async function generatePickup(api: ShiprocketHttp, ctx: CallContext, progress: Progress): Promise<Progress> {
  const res = await api.send(ctx, { method: 'POST', path: '/courier/generate/pickup', body: { shipment_id: [Number(progress.shipmentId)] } });
  const failure = api.classify(ctx.operation, res);
  const message = vendorMessage(res.body, res.raw.text);
  // "Already in Pickup Queue." (400): an earlier attempt got this far.
  if (ALREADY_IN_PICKUP_QUEUE.test(message) && (failure === undefined || failure.kind === 'permanent')) {
    return { ...progress, pickupScheduled: true, recovered: true };
  }
  if (failure) throw failure;
  const parsed = api.expectShape(ctx.operation, pickupResponse, res.body);
  if (toStatusId(parsed.pickup_status) !== 1) {
    const code = codeFromMessage(message);
    throw api.error(ctx.operation, code ? 'permanent' : 'transient', code ?? 'server_error', `pickup not generated: ${message}`, res.status, message);
  }
  const next: Progress = { ...progress, pickupScheduled: true };
  const at = isoFromCourier(parsed.response?.pickup_scheduled_date);
  if (at) next.pickupScheduledAt = at;
  return next;
}
