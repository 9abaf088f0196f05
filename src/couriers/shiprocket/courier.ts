// Shiprocket behind Waybill's CourierClient. Each public method is one logical call: it is observed
// once, and whatever fails inside it leaves as a classified CourierError.
import type { Dispatcher } from 'undici';
import type { NdrAction } from '../../domain/ndr';
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
import { bookShipment } from './booking';
import { asCourierError, ShiprocketHttp, type CallContext } from './http';
import type { ShiprocketConfig } from './config';
import { vendorMessage } from './errors';
import { toNdrActionBody, toServiceability, toServiceabilityQuery, UnsupportedRequest } from './mapper';
import { toTrackResult } from './tracking';
import { serviceabilityResponse, trackResponse } from './wire';

export const BULK_TRACK_LIMIT = 50; // §1.2, §1.11
export const SHIPROCKET_CAPABILITIES: CourierCapabilities = { ndrActions: true, cancel: true, bulkTrackLimit: BULK_TRACK_LIMIT };

export class ShiprocketCourier implements CourierClient {
  readonly id = 'shiprocket' as const;
  readonly capabilities: CourierCapabilities = SHIPROCKET_CAPABILITIES;
  private readonly api: ShiprocketHttp;

  constructor(
    private readonly config: ShiprocketConfig,
    private readonly deps: CourierDeps,
    dispatcher?: Dispatcher,
  ) {
    this.api = new ShiprocketHttp(config, deps, dispatcher);
  }

  checkServiceability(req: ServiceabilityRequest): Promise<Serviceability> {
    return this.observed('checkServiceability', async (ctx) => {
      const res = await this.api.send(ctx, { method: 'GET', path: '/courier/serviceability/', query: toServiceabilityQuery(req) });
      const failure = this.api.classify(ctx.operation, res);
      if (failure) {
        // Some refusals say "not serviceable" through an error status: that is an answer, not a failure.
        if (failure.code === 'unserviceable') return { serviceable: false, cod: false, prepaid: false, reason: vendorMessage(res.body, res.raw.text) };
        throw failure;
      }
      return toServiceability(req, this.api.expectShape(ctx.operation, serviceabilityResponse, res.body), this.config.courierCompanyId);
    });
  }

  createShipment(req: CreateShipmentRequest): Promise<Booking> {
    return this.observed('createShipment', (ctx) => bookShipment(this.api, this.config, ctx, req));
  }

  track(ref: ShipmentRef): Promise<TrackResult> {
    return this.observed('track', async (ctx) => {
      const body = await this.api.call(ctx, { method: 'GET', path: `/courier/track/awb/${encodeURIComponent(ref.awb)}` }, trackResponse);
      return this.reportUnmapped(toTrackResult(ref.awb, body.tracking_data));
    });
  }

  trackMany(refs: ShipmentRef[]): Promise<Record<string, TrackResult>> {
    return this.observed('trackMany', async (ctx) => {
      const awbs = [...new Set(refs.map((r) => r.awb))];
      if (awbs.length > BULK_TRACK_LIMIT) throw new UnsupportedRequest(`at most ${BULK_TRACK_LIMIT} AWBs per bulk track, got ${awbs.length}`);
      const out: Record<string, TrackResult> = {};
      if (awbs.length === 0) return out;
      const body = await this.api.call(ctx, { method: 'POST', path: '/courier/track/awbs', body: { awbs } });
      // Keyed by AWB. PHP encodes an empty map as [], so an array means "nothing known".
      if (Array.isArray(body)) return out;
      if (typeof body !== 'object' || body === null) throw this.api.error(ctx.operation, 'permanent', 'bad_response', 'bulk tracking answered with a non-object body', ctx.httpStatus);
      const byAwb = body as Record<string, unknown>;
      for (const awb of awbs) {
        const entry = trackResponse.safeParse(byAwb[awb]);
        // Entries that are absent or unreadable are left out: the caller tracks those one by one.
        if (entry.success) out[awb] = this.reportUnmapped(toTrackResult(awb, entry.data.tracking_data));
      }
      return out;
    });
  }

  cancel(ref: ShipmentRef): Promise<CancelResult> {
    return this.observed('cancel', async (ctx) => {
      const res = await this.api.send(ctx, { method: 'POST', path: '/orders/cancel/shipment/awbs', body: { awbs: [ref.awb] } });
      const failure = this.api.classify(ctx.operation, res);
      if (failure) {
        // Shiprocket cancels only before pickup (before "Out for Pickup", SR-RN); later it refuses.
        if (failure.kind === 'permanent' && failure.code === 'invalid_request') {
          const message = failure.details.courierMessage ?? failure.message;
          throw this.api.error(ctx.operation, 'permanent', 'not_allowed', `cancellation refused: ${message}`, failure.details.httpStatus, message);
        }
        throw failure;
      }
      // The success body is undocumented (couriers.md §5.5): any 2xx without an error is a cancellation.
      const note = vendorMessage(res.body, res.raw.text);
      return note === '(empty body)' ? { cancelled: true } : { cancelled: true, note };
    });
  }

  ndrAction(ref: ShipmentRef, action: NdrAction): Promise<NdrActionResult> {
    return this.observed('ndrAction', async (ctx) => {
      const body = toNdrActionBody(action);
      const res = await this.api.send(ctx, { method: 'POST', path: `/ndr/${encodeURIComponent(ref.awb)}/action`, body });
      const failure = this.api.classify(ctx.operation, res);
      const message = vendorMessage(res.body, res.raw.text);
      if (failure) {
        // 400: no open NDR on this AWB or an action it does not take now; 422 stays a malformed request.
        if (failure.kind === 'permanent' && failure.code === 'invalid_request' && failure.details.httpStatus !== 422) {
          throw this.api.error(ctx.operation, 'permanent', 'not_allowed', `NDR action refused: ${message}`, failure.details.httpStatus, message);
        }
        throw failure;
      }
      // Success is 202 {"status": "Data Updated Sucessfully"} (sic). A 2xx that says anything else is a
      // refusal in disguise: reporting it as accepted would leave the parcel waiting for nothing.
      const status = typeof res.body === 'object' && res.body !== null ? (res.body as Record<string, unknown>).status : undefined;
      if (typeof status === 'string' && /updated|success/i.test(status)) return { accepted: true };
      throw this.api.error(ctx.operation, 'permanent', 'not_allowed', `NDR action not confirmed: ${message}`, res.status, message);
    });
  }

  private reportUnmapped(r: { result: TrackResult; unknownCodes: string[] }): TrackResult {
    for (const code of r.unknownCodes) this.deps.onUnmappedStatus?.('shiprocket', code);
    return r.result;
  }

  private async observed<T>(operation: string, fn: (ctx: CallContext) => Promise<T>): Promise<T> {
    const started = this.deps.now();
    const ctx: CallContext = { operation };
    const observe = (outcome: 'ok' | 'permanent' | 'transient' | 'rate_limited', httpStatus?: number) =>
      this.deps.observe?.({ courier: 'shiprocket', operation, httpStatus, outcome, durationMs: this.deps.now() - started });
    try {
      const result = await fn(ctx);
      observe('ok', ctx.httpStatus);
      return result;
    } catch (e) {
      const err =
        e instanceof UnsupportedRequest ? this.api.error(operation, 'permanent', e.code, e.message) : asCourierError(this.api, operation, e);
      observe(err.kind, err.details.httpStatus ?? ctx.httpStatus);
      throw err;
    }
  }
}
