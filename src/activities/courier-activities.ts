// Activities that call couriers. Each classifies its own failures (failures.ts) so the workflow sees
// only: a result, a permanent failure with a code, or nothing (Temporal retrying).
import { Context } from '@temporalio/activity';
import type { CourierClient, CourierId, ShipmentRef, TrackResult } from '../couriers/types';
import { pollDelayMs } from '../domain/shipment-policy';
import type { ActivityConfig, ActivityDeps } from './deps';
import { classifyCourierFailure, noChange, permanentFailure } from './failures';
import { TokenBucket } from './rate-limiter';
import { TrackBatcher } from './track-batcher';
import type {
  BookShipmentInput,
  BookShipmentOutput,
  CancelAtCourierInput,
  CancelAtCourierOutput,
  NdrActionInput,
  NdrActionOutput,
  PollTrackingInput,
  TrackNowInput,
  TrackOutput,
} from './types';

/** Transient poll failures retry sooner than the cadence, but not in a tight loop. */
const POLL_ERROR_RETRY_CAP_MS = 15 * 60_000;

export function createCourierActivities(deps: ActivityDeps, config: ActivityConfig) {
  const buckets = new Map<CourierId, TokenBucket>();
  const batchers = new Map<CourierId, TrackBatcher>();

  const bucket = (id: CourierId) => {
    let b = buckets.get(id);
    if (!b) buckets.set(id, (b = new TokenBucket(config.rateLimits[id] ?? config.defaultRateLimit, () => deps.clock.now())));
    return b;
  };
  const limited = async <T>(id: CourierId, call: () => Promise<T>): Promise<T> => {
    await bucket(id).acquire(config.maxRateLimitWaitMs);
    return call();
  };
  const batcher = (client: CourierClient) => {
    let b = batchers.get(client.id);
    if (!b) {
      b = new TrackBatcher(client, {
        windowMs: config.trackBatchWindowMs,
        beforeCall: () => bucket(client.id).acquire(config.maxRateLimitWaitMs),
        onBatch: (n) => deps.metrics?.trackBatch?.(client.id, n),
      });
      batchers.set(client.id, b);
    }
    return b;
  };
  // Times the workflow compares with its own clock come from Temporal (when this attempt was
  // scheduled), not from this machine: they agree in production and stay consistent under time skipping.
  const serverNow = () => Context.current().info.currentAttemptScheduledTimestampMs;
  const nowIso = () => new Date(serverNow()).toISOString();
  const toOutput = (r: TrackResult): TrackOutput =>
    r.kind === 'not_yet'
      ? { events: [], courierStatus: null, polledAt: nowIso() }
      : {
          events: r.events,
          courierStatus: r.status,
          ...(r.expectedDeliveryAt ? { expectedDeliveryAt: r.expectedDeliveryAt } : {}),
          ...(r.trackingUrl ? { trackingUrl: r.trackingUrl } : {}),
          polledAt: nowIso(),
        };

  return {
    /** Checks serviceability, then books. A retried create is recognised by the courier (order id as reference). */
    async bookShipment(input: BookShipmentInput): Promise<BookShipmentOutput> {
      try {
        const client = await deps.couriers.get(input.courier);
        const r = input.request;
        const svc = await limited(input.courier, () =>
          client.checkServiceability({
            pickupPincode: config.pickupPincode,
            deliveryPincode: r.consignee.pincode,
            weightGrams: r.parcel.weightGrams,
            paymentMethod: r.paymentMethod,
            orderValue: r.orderValue,
          }),
        );
        if (!svc.serviceable) throw permanentFailure('unserviceable', svc.reason ?? `${input.courier} does not serve the delivery pincode`);
        if (r.paymentMethod === 'cod' && !svc.cod) throw permanentFailure('unserviceable', `${input.courier} does not collect cash on delivery there`);
        if (r.paymentMethod === 'prepaid' && !svc.prepaid) throw permanentFailure('unserviceable', `${input.courier} does not take prepaid parcels there`);
        const booking = await limited(input.courier, () => client.createShipment(r));
        return { booking, capabilities: client.capabilities };
      } catch (e) {
        throw classifyCourierFailure(e);
      }
    },

    /**
     * The retry poller. Each attempt asks the courier (through the bulk batcher) and either returns new
     * events or fails benignly with the delay until the next poll, so unchanged polls write no history.
     */
    async pollTracking(input: PollTrackingInput): Promise<TrackOutput> {
      const { attempt } = Context.current().info;
      const firstCallAttempt = input.firstDelayMs > 0 ? 2 : 1;
      const webhooksFlowing = input.lastWebhookAt !== undefined && serverNow() - Date.parse(input.lastWebhookAt) < input.webhookFreshHours * 3_600_000;
      const cadence = (unchanged: number) =>
        pollDelayMs({ status: input.status, webhooksFlowing, unchangedPolls: unchanged, jitterSeed: input.ref.awb, ...(input.pollMinutes ? { overrides: input.pollMinutes } : {}) });
      if (attempt < firstCallAttempt) throw noChange(input.firstDelayMs, 'first poll not due yet');
      const unchanged = attempt - firstCallAttempt;
      let out: TrackOutput;
      try {
        const client = await deps.couriers.get(input.courier);
        // Background: waits up to trackBatchWindowMs for other polls of this courier to share the call.
        out = toOutput(await batcher(client).track(input.ref));
      } catch (e) {
        deps.metrics?.poll?.(input.courier, 'failed');
        throw classifyCourierFailure(e, Math.min(cadence(unchanged), POLL_ERROR_RETRY_CAP_MS));
      }
      const known = new Set(input.knownKeys);
      const fresh = out.events.filter((e) => !known.has(e.key));
      if (fresh.length === 0) {
        deps.metrics?.poll?.(input.courier, 'unchanged');
        throw noChange(cadence(unchanged + 1), 'no new scans');
      }
      deps.metrics?.poll?.(input.courier, 'changed');
      return { ...out, events: fresh };
    },

    /**
     * One tracking call now (refresh, stuck check). All events are returned; the workflow dedupes.
     * Urgent: it never waits for the batch window, and polls waiting for it ride along in the same call.
     */
    async trackNow(input: TrackNowInput): Promise<TrackOutput> {
      try {
        const client = await deps.couriers.get(input.courier);
        return toOutput(await batcher(client).track(input.ref, { urgent: true }));
      } catch (e) {
        throw classifyCourierFailure(e);
      }
    },

    async sendNdrAction(input: NdrActionInput): Promise<NdrActionOutput> {
      try {
        const client = await deps.couriers.get(input.courier);
        if (!client.capabilities.ndrActions) throw permanentFailure('unsupported', `${input.courier} has no NDR API`);
        return await limited(input.courier, () => client.ndrAction(input.ref, input.action));
      } catch (e) {
        throw classifyCourierFailure(e);
      }
    },

    async cancelAtCourier(input: CancelAtCourierInput): Promise<CancelAtCourierOutput> {
      try {
        const client = await deps.couriers.get(input.courier);
        if (!client.capabilities.cancel) throw permanentFailure('unsupported', `${input.courier} cannot cancel through its API`);
        return await limited(input.courier, () => client.cancel(input.ref));
      } catch (e) {
        throw classifyCourierFailure(e);
      }
    },
  };
}

export type { ShipmentRef };
