// Delivering store events to the store's webhook endpoints. One activity call is one event to one
// endpoint; Temporal's retry policy (up to 3 days, set by the workflow) is the backoff, a Retry-After
// becomes the next retry's delay, and the delivery record in MongoDB is what ops see per attempt.
import { Context } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { StoreEvent, StoreEventType } from '../domain/store-events';
import { attemptDelivery } from '../store-webhooks/deliver';
import type { StoreEventFeedWriter } from '../store-webhooks/feed-writer';
import type { StoreEndpointsRepo } from '../storage/store-endpoints-repo';
import type { ActivityDeps } from './deps';

export const STORE_DELIVERY_FAILURE = 'StoreEndpointUnavailable';

export interface StoreWebhookDeps {
  endpoints: Pick<StoreEndpointsRepo, 'subscribers' | 'decrypted' | 'delivery' | 'recordAttempt' | 'recordHealth' | 'disable'>;
  /** Where new events are written (the worker's feed writer). */
  feed: Pick<StoreEventFeedWriter, 'write'>;
  /** Where a replay reads an event by id. */
  events?: { event(id: string): Promise<StoreEvent | null> };
  /** An endpoint failing without a success for this long is disabled (default 3 days). */
  disableAfterMs?: number;
  /** Per attempt (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Backoff between attempts of one delivery: first wait, doubling up to the longest (default 5 s → 10 min). */
  retry?: { initialMs: number; maxMs: number };
  /** An endpoint was disabled (gone, or failing for days) while taking `orderId`'s event: tell the admins. */
  onDisabled?(endpoint: { id: string; url: string }, reason: string, orderId: string): void;
  onAttempt?(endpointId: string, outcome: 'delivered' | 'failed' | 'gone' | 'skipped', latencyMs: number): void;
}

export interface DeliverStoreEventInput {
  endpointId: string;
  event: StoreEvent;
  /** An ops replay: delivered even if it was delivered before. */
  replay?: boolean;
}

export type DeliverStoreEventResult = { outcome: 'delivered' | 'already_delivered' | 'skipped' | 'gone' | 'disabled'; reason?: string };

export const DEFAULT_STORE_DISABLE_AFTER_MS = 3 * 24 * 3_600_000;
export const DEFAULT_STORE_RETRY = { initialMs: 5_000, maxMs: 10 * 60_000 };

/** The wait after the `attempt`-th failed attempt (1-based): doubling from initialMs, capped at maxMs. */
export function backoffMs(attempt: number, r: { initialMs: number; maxMs: number }): number {
  return Math.min(r.maxMs, r.initialMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
}
/** How long a subscriber list is reused: a projection write must not read the endpoints every time. */
const SUBSCRIBERS_TTL_MS = 2_000;

export function createStoreWebhookActivities(deps: ActivityDeps) {
  const sw = deps.storeWebhooks;
  const cache = new Map<StoreEventType, { at: number; ids: Promise<string[]> }>();

  async function subscribers(type: StoreEventType): Promise<string[]> {
    if (!sw) return [];
    const now = deps.clock.now();
    const hit = cache.get(type);
    if (hit && now - hit.at < SUBSCRIBERS_TTL_MS) return hit.ids;
    const ids = sw.endpoints.subscribers(type);
    cache.set(type, { at: now, ids });
    ids.catch(() => cache.delete(type));
    return ids;
  }

  return {
    /**
     * Called by the projection write (same activity): appends the events to the feed and says which
     * endpoints each goes to. Without store webhooks configured the events are not kept.
     */
    async recordStoreEvents(events: StoreEvent[]): Promise<Record<string, string[]>> {
      if (!sw || events.length === 0) return {};
      await sw.feed.write(events);
      const out: Record<string, string[]> = {};
      for (const e of events) for (const id of await subscribers(e.type)) (out[id] ??= []).push(e.id);
      return out;
    },

    /** An ops replay of a stored event (storeReplayWorkflow): delivered even if it was before, or the endpoint is disabled. */
    async replayStoreEvent({ endpointId, eventId }: { endpointId: string; eventId: string }): Promise<DeliverStoreEventResult> {
      const stored = await sw?.events?.event(eventId);
      if (!stored) return { outcome: 'skipped', reason: 'event not kept (events are kept 30 days)' };
      const { id, type, version, orderId, sequence, occurredAt, data } = stored;
      return deliver({ endpointId, event: { id, type, version, orderId, sequence, occurredAt, data }, replay: true });
    },

    deliverStoreEvent: (input: DeliverStoreEventInput) => deliver(input),
  };

  async function deliver({ endpointId, event, replay }: DeliverStoreEventInput): Promise<DeliverStoreEventResult> {
      if (!sw) return { outcome: 'skipped', reason: 'store webhooks are not configured' };
      const endpoint = await sw.endpoints.decrypted(endpointId);
      const ref = { id: event.id, orderId: event.orderId, type: event.type };
      if (!endpoint) return { outcome: 'skipped', reason: 'endpoint deleted' };
      if (!endpoint.enabled && !replay) {
        await sw.endpoints.recordAttempt(endpointId, ref, { status: 'skipped', error: 'endpoint disabled' });
        return { outcome: 'skipped', reason: 'endpoint disabled' };
      }
      if (!replay) {
        const prior = await sw.endpoints.delivery(endpointId, event.id);
        if (prior?.status === 'delivered') return { outcome: 'already_delivered' };
      }
      const r = await attemptDelivery(endpoint, event, { timeoutMs: sw.timeoutMs ?? 10_000, now: deps.clock.now, ...(sw.fetch ? { fetch: sw.fetch } : {}) });
      sw.onAttempt?.(endpointId, r.kind, r.latencyMs);
      if (r.kind === 'delivered') {
        await sw.endpoints.recordAttempt(endpointId, ref, { status: 'delivered', statusCode: r.statusCode, latencyMs: r.latencyMs, ...(replay ? { replay } : {}) });
        if (endpoint.health.failingSince || !endpoint.health.lastSuccessAt || deps.clock.now() - Date.parse(endpoint.health.lastSuccessAt) > 60_000) {
          await sw.endpoints.recordHealth(endpointId, true);
        }
        return { outcome: 'delivered' };
      }
      if (r.kind === 'gone') {
        const reason = 'the endpoint answered 410 Gone';
        await sw.endpoints.recordAttempt(endpointId, ref, { status: 'gone', statusCode: 410, latencyMs: r.latencyMs, error: reason });
        await sw.endpoints.disable(endpointId, reason);
        sw.onDisabled?.({ id: endpointId, url: endpoint.url }, reason, event.orderId);
        deps.log?.warn('store webhook endpoint disabled', { endpointId, reason });
        return { outcome: 'gone', reason };
      }
      await sw.endpoints.recordAttempt(endpointId, ref, { status: 'failed', ...(r.statusCode !== undefined ? { statusCode: r.statusCode } : {}), error: r.error, latencyMs: r.latencyMs });
      const health = await sw.endpoints.recordHealth(endpointId, false, r.error);
      const failingFor = health?.failingSince ? deps.clock.now() - Date.parse(health.failingSince) : 0;
      if (!replay && failingFor >= (sw.disableAfterMs ?? DEFAULT_STORE_DISABLE_AFTER_MS)) {
        const reason = `failing since ${health?.failingSince} without a success (last: ${r.error})`;
        await sw.endpoints.disable(endpointId, reason);
        sw.onDisabled?.({ id: endpointId, url: endpoint.url }, reason, event.orderId);
        deps.log?.warn('store webhook endpoint disabled', { endpointId, reason });
        return { outcome: 'disabled', reason };
      }
      throw ApplicationFailure.create({
        type: STORE_DELIVERY_FAILURE,
        message: `store endpoint ${endpointId}: ${r.error}`,
        category: ApplicationFailureCategory.BENIGN,
        nextRetryDelay: r.retryAfterMs !== undefined ? Math.max(1000, r.retryAfterMs) : backoffMs(currentAttempt(), sw.retry ?? DEFAULT_STORE_RETRY),
      });
  }
}

/** The activity's attempt number (1 outside an activity, e.g. in a test calling it directly). */
function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}
