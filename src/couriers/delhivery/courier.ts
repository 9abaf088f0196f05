// Delhivery B2C behind Waybill's CourierClient: each operation as Delhivery does it, over http.ts. Shapes
// are built and read by the pure modules next to it (request-mapper, response-parser, tracking-mapper),
// failures classified by errors.ts.
import type { Dispatcher } from 'undici';
import type { NdrAction } from '../../domain/ndr';
import { isTerminal } from '../../domain/status';
import { CourierError, isCourierError } from '../common/errors';
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
import { DUPLICATE_ORDER, badBody, bodyMessages, classifyCreateRemark, isUnknownAwbMessage } from './errors';
import type { DelhiveryConfig } from './config';
import { DelhiveryHttp, type CallCtx, type Sent } from './http';
import { buildCreatePayload, encodeCreateForm, ndrUpdateBody, ndrUpdateFor } from './request-mapper';
import { ALREADY_CANCELLED, findUplId, parseCancelResponse, parseCreateResponse, parsePincodeResponse, parseUplStatus } from './response-parser';
import { mapTrackedShipment, trackingUrlFor, type MappedShipment } from './tracking-mapper';
import { trackResponseSchema } from './wire';

export const DELHIVERY_BULK_TRACK_LIMIT = 50;
export const DELHIVERY_CAPABILITIES: CourierCapabilities = { ndrActions: true, cancel: true, bulkTrackLimit: DELHIVERY_BULK_TRACK_LIMIT };

export const CANCEL_NOTE =
  'Delhivery keeps a forward shipment cancelled before pickup as Manifested (it is simply never picked up); ' +
  'one cancelled after pickup becomes an RTO (StatusType RT) and returns to the warehouse.';

type Outcome = 'ok' | 'permanent' | 'transient' | 'rate_limited';

export class DelhiveryCourier implements CourierClient {
  readonly id = 'delhivery' as const;
  readonly capabilities: CourierCapabilities = DELHIVERY_CAPABILITIES;
  private readonly http: DelhiveryHttp;

  constructor(
    private readonly cfg: DelhiveryConfig,
    private readonly deps: CourierDeps,
    options: { dispatcher?: Dispatcher } = {},
  ) {
    // Every logical call (a create that also looks up its earlier booking counts as one) is observed
    // exactly once, in run() below; the HTTP layer reports nothing itself.
    this.http = new DelhiveryHttp(cfg, deps, options);
  }

  // -------------------------------------------------------------------------------------------------

  async checkServiceability(req: ServiceabilityRequest): Promise<Serviceability> {
    return this.run('checkServiceability', async (ctx) => {
      const pin = req.deliveryPincode.trim();
      if (!/^\d{6}$/.test(pin)) throw this.error('checkServiceability', 'permanent', 'invalid_request', `delivery pincode must be 6 digits (got "${pin}")`);
      const { res, json } = await this.send(ctx, 'checkServiceability', 'GET', '/c/api/pin-codes/json/', `filter_codes=${pin}`);
      const result = parsePincodeResponse(json, pin, req.paymentMethod);
      if (!result) throw badBody('checkServiceability', res);
      return result;
    });
  }

  async createShipment(req: CreateShipmentRequest): Promise<Booking> {
    return this.run('createShipment', async (ctx) => {
      const form = encodeCreateForm(buildCreatePayload(req, this.cfg));
      const { res, json } = await this.send(ctx, 'createShipment', 'POST', '/api/cmu/create.json', undefined, {
        text: form,
        contentType: 'application/x-www-form-urlencoded',
      });
      const outcome = parseCreateResponse(json, DUPLICATE_ORDER);
      if (!outcome) throw badBody('createShipment', res);
      if (outcome.kind === 'booked') return this.booking(outcome.awb, req.orderId, false);
      if (outcome.kind === 'duplicate') return this.recoverBooking(ctx, req.orderId);
      throw classifyCreateRemark(this.http.scrub(outcome.remark), { warehouse: this.cfg.warehouseName, nowMs: this.deps.now(), httpStatus: res.status });
    });
  }

  async track(ref: ShipmentRef): Promise<TrackResult> {
    return this.run('track', async (ctx) => {
      const found = await this.fetchTracking(ctx, 'track', 'waybill', [ref.awb]);
      const shipment = found.get(ref.awb);
      if (!shipment) throw this.error('track', 'permanent', 'not_found', `Delhivery does not know waybill ${ref.awb}`, { httpStatus: ctx.httpStatus });
      return this.trackResult(shipment);
    });
  }

  async trackMany(refs: ShipmentRef[]): Promise<Record<string, TrackResult>> {
    const awbs = [...new Set(refs.map((r) => r.awb))];
    if (awbs.length === 0) return {};
    return this.run('trackMany', async (ctx) => {
      if (awbs.length > DELHIVERY_BULK_TRACK_LIMIT) {
        // Delhivery's WAF answers 403 to more than 50; refuse before spending a call on it.
        throw this.error('trackMany', 'permanent', 'invalid_request', `at most ${DELHIVERY_BULK_TRACK_LIMIT} waybills per call (got ${awbs.length})`);
      }
      const found = await this.fetchTracking(ctx, 'trackMany', 'waybill', awbs);
      const out: Record<string, TrackResult> = {};
      for (const awb of awbs) {
        const s = found.get(awb);
        if (s) out[awb] = this.trackResult(s);
      }
      return out;
    });
  }

  async cancel(ref: ShipmentRef): Promise<CancelResult> {
    return this.run('cancel', async (ctx) => {
      const { res, json } = await this.send(ctx, 'cancel', 'POST', '/api/p/edit', undefined, {
        text: JSON.stringify({ waybill: ref.awb, cancellation: 'true' }),
        contentType: 'application/json',
      });
      const outcome = parseCancelResponse(res.text, json);
      if (!outcome) throw badBody('cancel', res);
      if (outcome.ok || ALREADY_CANCELLED.test(outcome.remark)) return { cancelled: true, note: CANCEL_NOTE };
      const remark = this.http.scrub(outcome.remark).slice(0, 300);
      if (isUnknownAwbMessage(remark)) throw this.error('cancel', 'permanent', 'not_found', `Delhivery does not know waybill ${ref.awb}`, { httpStatus: res.status, courierMessage: remark });
      throw this.error('cancel', 'permanent', 'not_allowed', `Delhivery refused to cancel ${ref.awb}: ${remark || 'no reason given'}`, {
        httpStatus: res.status,
        courierMessage: remark,
      });
    });
  }

  async ndrAction(ref: ShipmentRef, action: NdrAction): Promise<NdrActionResult> {
    return this.run('ndrAction', async (ctx) => {
      const update = ndrUpdateFor(action);
      const { res, json } = await this.send(ctx, 'ndrAction', 'POST', '/api/p/update', undefined, {
        text: ndrUpdateBody(ref.awb, update),
        contentType: 'application/json',
      });
      if (typeof json !== 'object' || json === null) throw badBody('ndrAction', res);
      const upl = findUplId(json);
      if (!upl) {
        const messages = this.http.scrub(bodyMessages(json)).slice(0, 300);
        if (/incorrect status|not eligible/i.test(messages)) throw this.notAllowed(ref.awb, messages, res.status);
        if (/invalid data|can ?not update more than/i.test(messages)) throw this.error('ndrAction', 'permanent', 'invalid_request', `Delhivery refused the NDR request: ${messages}`, { httpStatus: res.status, courierMessage: messages });
        const o = json as Record<string, unknown>;
        if (o.status === false || o.success === false || o.error === true) {
          throw this.error('ndrAction', 'permanent', 'bad_response', `Delhivery refused the NDR request: ${messages || 'no reason given'}`, { httpStatus: res.status, courierMessage: messages });
        }
        // Taken, but without an id to follow it by.
        return { accepted: true };
      }
      return this.checkUpl(ctx, ref.awb, upl);
    });
  }

  // -------------------------------------------------------------------------------------------------

  /**
   * Delhivery applies NDR actions asynchronously. One status read right after submitting turns an
   * immediate refusal ("Package in incorrect status") into an error; a result still pending, or a failed
   * read, leaves the action accepted: failing the call would make the caller submit it again.
   */
  private async checkUpl(ctx: CallCtx, awb: string, upl: string): Promise<NdrActionResult> {
    const submitted = ctx.httpStatus;
    let outcome;
    try {
      const { json } = await this.send(ctx, 'ndrAction', 'GET', `/api/cmu/get_bulk_upl/${encodeURIComponent(upl)}`, 'verbose=true');
      outcome = parseUplStatus(json, awb);
    } catch (e) {
      if (!isCourierError(e)) throw e;
      ctx.httpStatus = submitted; // observed as the submission that succeeded, not the status read
      return { accepted: true, reference: upl };
    }
    if (outcome.state === 'rejected') throw this.notAllowed(awb, this.http.scrub(outcome.remark).slice(0, 300), ctx.httpStatus);
    return { accepted: true, reference: upl };
  }

  /**
   * A retried create whose first attempt went through gets "Duplicate Order Id": the booking exists, so
   * it is looked up by order reference and returned (recovered) instead of failing or booking twice.
   */
  private async recoverBooking(ctx: CallCtx, orderId: string): Promise<Booking> {
    const found = await this.fetchTracking(ctx, 'createShipment', 'ref_ids', [orderId]);
    const mine = [...found.values()].filter((s) => s.referenceNo === undefined || s.referenceNo === orderId);
    const live = mine.filter((s) => s.statusType !== 'RT' && !(s.status !== null && isTerminal(s.status)));
    if (live.length === 0) {
      const dead = mine[0];
      if (dead) {
        throw this.error(
          'createShipment',
          'permanent',
          'duplicate',
          `order ${orderId} is already booked with Delhivery as ${dead.awb}, now ${dead.status ?? 'in an unknown state'}; book again under a new order reference`,
          { httpStatus: ctx.httpStatus },
        );
      }
      // "Package might have been partially saved": it may surface shortly, so a retry can still recover it.
      throw this.error('createShipment', 'transient', 'duplicate', `Delhivery reports order ${orderId} as a duplicate but shows no shipment for it yet`, { httpStatus: ctx.httpStatus });
    }
    // More than one live booking cannot come from this client (the duplicate check stops it); take the newest.
    const newest = live.reduce((a, b) => ((a.events[0]?.occurredAt ?? '') >= (b.events[0]?.occurredAt ?? '') ? a : b));
    return this.booking(newest.awb, orderId, true, newest.expectedDeliveryAt);
  }

  private booking(awb: string, orderId: string, recovered: boolean, expectedDeliveryAt?: string): Booking {
    const b: Booking = { awb, courierOrderId: orderId, carrierName: `Delhivery ${this.cfg.shippingMode}`, trackingUrl: trackingUrlFor(awb), recovered };
    if (expectedDeliveryAt) b.expectedDeliveryAt = expectedDeliveryAt;
    return b;
  }

  /**
   * "Known but nothing to say yet" (not_yet) is a Shipment entry with neither a Status nor a scan. A
   * manifested shipment already has its X-UCI scan, so it is 'tracked' with status 'booked'.
   */
  private trackResult(s: MappedShipment): TrackResult {
    if (s.empty) return { kind: 'not_yet', awb: s.awb };
    const r: TrackResult = { kind: 'tracked', awb: s.awb, status: s.status, events: s.events, trackingUrl: trackingUrlFor(s.awb) };
    if (s.expectedDeliveryAt) r.expectedDeliveryAt = s.expectedDeliveryAt;
    return r;
  }

  /** GET the tracking API by waybills or order references; unknown ones are simply absent. */
  private async fetchTracking(ctx: CallCtx, op: string, by: 'waybill' | 'ref_ids', keys: string[]): Promise<Map<string, MappedShipment>> {
    // Commas stay literal: Delhivery documents `waybill=a,b`.
    const { res, json } = await this.send(ctx, op, 'GET', '/api/v1/packages/json/', `${by}=${keys.map(encodeURIComponent).join(',')}`);
    const parsed = trackResponseSchema.safeParse(json);
    if (json === undefined || !parsed.success || typeof json !== 'object' || json === null || Array.isArray(json)) throw badBody(op, res);
    const out = new Map<string, MappedShipment>();
    const unknownCodes = new Set<string>();
    for (const entry of parsed.data.ShipmentData ?? []) {
      if (!entry.Shipment) continue;
      const mapped = mapTrackedShipment(entry.Shipment);
      if (!mapped) continue;
      out.set(mapped.awb, mapped);
      for (const c of mapped.unknownCodes) unknownCodes.add(c);
    }
    for (const c of unknownCodes) this.deps.onUnmappedStatus?.('delhivery', c);
    if (out.size === 0 && !parsed.data.ShipmentData) {
      const messages = this.http.scrub(bodyMessages(json)).slice(0, 300);
      if (!isUnknownAwbMessage(messages)) {
        throw this.error(op, 'transient', 'bad_response', `Delhivery tracking answered without ShipmentData${messages ? `: ${messages}` : ''}`, {
          httpStatus: res.status,
          courierMessage: messages || undefined,
        });
      }
    }
    return out;
  }

  private send(ctx: CallCtx, op: string, method: 'GET' | 'POST', path: string, query?: string, body?: { text: string; contentType: string }): Promise<Sent> {
    return this.http.send(ctx, op, method, path, query, body);
  }

  private notAllowed(awb: string, remark: string, httpStatus: number | undefined): CourierError {
    return this.error('ndrAction', 'permanent', 'not_allowed', `Delhivery refused the NDR action on ${awb}: ${remark || 'no reason given'}`, { httpStatus, courierMessage: remark });
  }

  private error(op: string, kind: CourierError['kind'], code: CourierError['code'], message: string, details: CourierError['details'] = {}): CourierError {
    return new CourierError('delhivery', op, kind, code, this.http.scrub(message), details);
  }

  /** Runs one logical call and observes it exactly once. */
  private async run<T>(operation: string, fn: (ctx: CallCtx) => Promise<T>): Promise<T> {
    const started = this.deps.now();
    const ctx: CallCtx = {};
    let outcome: Outcome = 'ok';
    try {
      return await fn(ctx);
    } catch (e) {
      outcome = isCourierError(e) ? e.kind : 'permanent';
      throw e;
    } finally {
      this.deps.observe?.({ courier: 'delhivery', operation, httpStatus: ctx.httpStatus, outcome, durationMs: this.deps.now() - started });
    }
  }
}
