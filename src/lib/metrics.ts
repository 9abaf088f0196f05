// Waybill's Prometheus metrics. One registry per process (API, worker), built here, so names, labels
// and buckets are the same wherever they are recorded and dashboards can rely on them. Callers record
// through typed methods rather than the raw prom-client objects: labels stay within a closed vocabulary
// and a value that comes from outside (a courier name in a webhook URL, a raw status code) cannot blow
// up the number of series. docs/operations.md lists every metric and what it is for.
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CourierCallObservation, CourierDeps } from '../couriers/types';
import type { EventSource } from '../domain/events';
import { isCourierId } from '../couriers/registry';
import { mongoCommandCounter, mongoCommandMetricsEnabled } from '../storage/mongo';
import type { InboxStatus, NotificationChannel, NotificationEvent } from '../storage/types';

/** `shed`: refused with 503 before reading the body, too many in flight; `unavailable`: 503, the database was unreachable. */
export type WebhookOutcome = 'accepted' | 'duplicate' | 'unauthorized' | 'malformed' | 'too_large' | 'shed' | 'unavailable';
/** `uncertain`: an interrupted attempt may have handed the message over; it was not sent again (see docs/notifications.md). */
export type NotificationResult = 'sent' | 'skipped' | 'failed' | 'duplicate' | 'uncertain';
/** Why a courier call failed, for dashboards: transport, HTTP class, or an error inside a 2xx body. */
export type CourierErrorKind = 'rate_limited' | 'network' | 'server_error' | 'client_error' | 'api_error';

/** What the API reads from the inbox at scrape time. */
export interface InboxSnapshot {
  backlog: Partial<Record<InboxStatus, number>>;
  /** When the oldest still-pending delivery was received (epoch ms); absent when nothing is pending. */
  oldestPendingAt?: number;
}

export interface MetricsOptions {
  service: 'api' | 'worker';
  /** The API passes its inbox reader; without one the inbox gauges are not exported at all. */
  inboxSnapshot?: () => Promise<InboxSnapshot>;
  /** A failed inbox read drops the backlog series (alert on absent()), sets the age to NaN, and is reported here. */
  onCollectError?: (err: unknown) => void;
  /** Node.js process metrics (CPU, memory, event loop lag, GC); default true. */
  processMetrics?: boolean;
  /** Export waybill_mongo_commands_total; default MONGODB_COMMAND_METRICS. */
  mongoCommands?: boolean;
  now?: () => number;
}

export interface WaybillMetrics {
  readonly registry: Registry;
  webhook(courier: string, outcome: WebhookOutcome): void;
  courierCall(obs: CourierCallObservation): void;
  unmappedStatus(courier: string, rawCode: string): void;
  /** A courier event changed a shipment's status: how long after the courier's own event time. */
  statusApplied(a: { courier: string; source: EventSource; eventAt: number; appliedAt: number }): void;
  notification(channel: NotificationChannel, event: NotificationEvent, result: NotificationResult): void;
  /** One group commit of the webhook ack path: how many webhooks it wrote and how long it took. */
  webhookCommit(size: number, seconds: number): void;
  /** One journal batch delivered to the workflows: how many webhooks and how long. */
  webhookDrain(size: number, seconds: number): void;
  /** One delivery attempt of a store event to the store's endpoint. */
  storeDelivery(outcome: 'delivered' | 'failed' | 'gone' | 'skipped', latencyMs: number): void;
}

// Courier APIs answer in tens of ms to tens of seconds (Delhivery bulk tracking, iCarry bookings).
const COURIER_LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
// Webhooks land within seconds; polls within the poll interval (minutes to hours); 48 h is "broken".
const FRESHNESS_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 43200, 86400, 172800];
const MAX_UNMAPPED_CODES_PER_COURIER = 200;

export function createMetrics(o: MetricsOptions): WaybillMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: o.service });
  if (o.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const webhooks = new Counter({
    name: 'waybill_webhooks_total',
    help: 'Courier webhook deliveries received, by courier and outcome (accepted|duplicate|unauthorized|malformed|too_large)',
    labelNames: ['courier', 'outcome'] as const,
    registers,
  });
  const commitSize = new Histogram({
    name: 'waybill_webhook_commit_size',
    help: 'Webhooks written by one group commit (journal segment + inbox insert) of the ack path',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers,
  });
  const commitSeconds = new Histogram({
    name: 'waybill_webhook_commit_seconds',
    help: 'Duration of one group commit of the webhook ack path (both writes)',
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const drainSize = new Histogram({ name: 'waybill_webhook_drain_batch_size', help: 'Webhooks delivered by one journal drainer batch', buckets: [1, 5, 20, 50, 100, 250, 512], registers });
  const drainSeconds = new Histogram({
    name: 'waybill_webhook_drain_batch_seconds',
    help: 'Duration of one journal drainer batch (signals and settle write)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const calls = new Counter({
    name: 'waybill_courier_api_calls_total',
    help: 'Calls to courier APIs, by courier, operation and outcome (ok|permanent|transient|rate_limited)',
    labelNames: ['courier', 'operation', 'outcome'] as const,
    registers,
  });
  const errors = new Counter({
    name: 'waybill_courier_api_errors_total',
    help: 'Failed courier API calls, by kind (rate_limited|network|server_error|client_error|api_error: an error in a 2xx body)',
    labelNames: ['courier', 'operation', 'kind'] as const,
    registers,
  });
  const rateLimited = new Counter({
    name: 'waybill_courier_api_rate_limited_total',
    help: 'Courier API calls answered 429 / rate limited',
    labelNames: ['courier', 'operation'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'waybill_courier_api_duration_seconds',
    help: 'Courier API latency per logical call (a create that first looks up an earlier booking counts once)',
    labelNames: ['courier', 'operation'] as const,
    buckets: COURIER_LATENCY_BUCKETS,
    registers,
  });
  const freshness = new Histogram({
    name: 'waybill_sync_freshness_seconds',
    help: "Seconds from a courier event's own timestamp to Waybill applying the status it carries, by courier and source (webhook|poll)",
    labelNames: ['courier', 'source'] as const,
    buckets: FRESHNESS_BUCKETS,
    registers,
  });
  const notifications = new Counter({
    name: 'waybill_notifications_total',
    help: 'Customer and admin notifications, by channel, event and result (sent|skipped|failed|duplicate|uncertain: an interrupted attempt may have sent it; not sent again)',
    labelNames: ['channel', 'event', 'result'] as const,
    registers,
  });
  const unmapped = new Counter({
    name: 'waybill_unmapped_status_total',
    help: 'Courier status codes with no Waybill mapping (add them to the status table), by courier and raw code',
    labelNames: ['courier', 'code'] as const,
    registers,
  });
  const storeDeliveries = new Counter({
    name: 'waybill_store_webhook_attempts_total',
    help: "Delivery attempts of store events to the store's webhook endpoints, by outcome (delivered|failed|gone|skipped)",
    labelNames: ['outcome'] as const,
    registers,
  });
  const storeLatency = new Histogram({
    name: 'waybill_store_webhook_duration_seconds',
    help: "How long the store's endpoint took to answer a delivery attempt",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  if (o.inboxSnapshot) registerInboxGauges(registry, o.inboxSnapshot, o.onCollectError, o.now ?? Date.now);
  // Database round trips (opt-in, see src/storage/mongo.ts): counted by the process's MongoDB client.
  if (o.mongoCommands ?? mongoCommandMetricsEnabled()) registry.registerMetric(mongoCommandCounter());

  const seenCodes = new Map<string, Set<string>>();
  return {
    registry,
    webhook: (courier, outcome) => webhooks.inc({ courier: knownCourier(courier), outcome }),
    webhookCommit(size, seconds) {
      commitSize.observe(size);
      commitSeconds.observe(seconds);
    },
    webhookDrain(size, seconds) {
      drainSize.observe(size);
      drainSeconds.observe(seconds);
    },
    courierCall(obs) {
      const labels = { courier: knownCourier(obs.courier), operation: obs.operation };
      calls.inc({ ...labels, outcome: obs.outcome });
      duration.observe(labels, obs.durationMs / 1000);
      const kind = errorKind(obs);
      if (kind) errors.inc({ ...labels, kind });
      if (kind === 'rate_limited') rateLimited.inc(labels);
    },
    unmappedStatus(courier, rawCode) {
      const c = knownCourier(courier);
      const seen = seenCodes.get(c) ?? seenCodes.set(c, new Set()).get(c)!;
      let code = rawCode.trim().slice(0, 40) || '(empty)';
      if (!seen.has(code)) {
        if (seen.size >= MAX_UNMAPPED_CODES_PER_COURIER) code = '(other)';
        else seen.add(code);
      }
      unmapped.inc({ courier: c, code });
    },
    statusApplied: ({ courier, source, eventAt, appliedAt }) =>
      // A courier clock ahead of ours would give a negative age: count it as fresh, not as an error.
      freshness.observe({ courier: knownCourier(courier), source }, Math.max(0, (appliedAt - eventAt) / 1000)),
    notification: (channel, event, result) => notifications.inc({ channel, event, result }),
    storeDelivery(outcome, latencyMs) {
      storeDeliveries.inc({ outcome });
      if (outcome !== 'skipped') storeLatency.observe(latencyMs / 1000);
    },
  };
}

function registerInboxGauges(registry: Registry, snapshot: () => Promise<InboxSnapshot>, onError: ((e: unknown) => void) | undefined, now: () => number): void {
  // Both gauges come from one inbox read per scrape: prom-client starts every collect() of a scrape
  // together, so the second one joins the read the first one started.
  let inflight: Promise<InboxSnapshot | undefined> | undefined;
  const read = (): Promise<InboxSnapshot | undefined> =>
    (inflight ??= snapshot()
      .catch((e: unknown) => {
        onError?.(e);
        return undefined;
      })
      .finally(() => {
        inflight = undefined;
      }));

  new Gauge({
    name: 'waybill_inbox_backlog',
    help: 'Webhook inbox deliveries by status (pending: accepted, not yet in their workflow)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const s = await read();
      this.reset();
      for (const [status, n] of Object.entries(s?.backlog ?? {})) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'waybill_inbox_oldest_age_seconds',
    help: 'Age of the oldest pending inbox delivery (0 when none is pending)',
    registers: [registry],
    async collect() {
      const s = await read();
      // A label-less gauge cannot be absent in prom-client: NaN says "unknown" where 0 would say "all clear".
      if (!s) this.set(NaN);
      else this.set(s.oldestPendingAt === undefined ? 0 : Math.max(0, (now() - s.oldestPendingAt) / 1000));
    },
  });
}

function knownCourier(c: string): string {
  return isCourierId(c) ? c : 'unknown';
}

export function errorKind(obs: Pick<CourierCallObservation, 'outcome' | 'httpStatus'>): CourierErrorKind | undefined {
  if (obs.outcome === 'rate_limited' || obs.httpStatus === 429) return 'rate_limited';
  if (obs.outcome === 'ok') return undefined;
  if (obs.httpStatus === undefined) return 'network';
  if (obs.httpStatus >= 500) return 'server_error';
  if (obs.httpStatus >= 400) return 'client_error';
  return 'api_error';
}

/** CourierDeps hooks that record every courier call and unmapped status into `metrics`. */
export function courierObserver(metrics: WaybillMetrics): Required<Pick<CourierDeps, 'observe' | 'onUnmappedStatus'>> {
  return {
    observe: (obs) => metrics.courierCall(obs),
    onUnmappedStatus: (courier, rawCode) => metrics.unmappedStatus(courier, rawCode),
  };
}

/** GET /metrics in the Prometheus text format. */
export function metricsHandler(registry: Registry): RequestHandler {
  return async (_req, res) => {
    const body = await registry.metrics();
    res.set('Content-Type', registry.contentType).send(body);
  };
}
