// Accepting a courier webhook: authenticate on the raw body, parse, write to the inbox, and only then
// acknowledge. Delivery to the workflows starts right after, outside the request; if it cannot finish,
// the relay does. A request that fails authentication or parsing writes nothing.
import type { Logger } from 'pino';
import type { CourierId, TrackingEvent } from '../domain/events';
import type { WebhookRequest } from '../couriers/types';
import { inboxId, type InboxDelivery, type InboxRecord, type InboxRepo } from '../storage/inbox-repo';
import { scrubSecrets, type WebhookAuthSource } from './auth-settings';
import type { InboxDeliverer } from './deliver';
import type { WebhookModules } from './modules';

export interface IncomingWebhook extends WebhookRequest {
  courier: CourierId;
  /** The route it came in on (kept on the inbox document for ops). */
  endpoint: string;
  /** For rejection logs only. */
  ip?: string;
}

export type IngestOutcome =
  | { kind: 'accepted'; inboxId: string; duplicate: boolean; events: number }
  | { kind: 'unsupported' }
  | { kind: 'unauthenticated' }
  | { kind: 'malformed'; error: string };

export interface IngestorDeps {
  modules: WebhookModules;
  auth: WebhookAuthSource;
  inbox: InboxRepo;
  deliverer: InboxDeliverer;
  log: Logger;
  /** How long the immediate delivery owns a new document before the relay may take it over. */
  leaseMs: number;
  /**
   * Immediate deliveries (signals) in flight at once. Past it, a new document is left due for the relay
   * instead: acks stay fast under a burst and Temporal sees a bounded stream, not one signal per request.
   */
  maxImmediateDeliveries?: number;
}

export const DEFAULT_MAX_IMMEDIATE_DELIVERIES = 64;

export class WebhookIngestor {
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly d: IngestorDeps) {}

  async accept(w: IncomingWebhook): Promise<IngestOutcome> {
    const module = this.d.modules[w.courier];
    if (!module) return { kind: 'unsupported' };
    const auth = await this.d.auth(w.courier);
    const req: WebhookRequest = { headers: w.headers, rawBody: w.rawBody, receivedAt: w.receivedAt, url: w.url };
    // Never log the headers, the body or the query: they carry the courier's token.
    const context = { courier: w.courier, endpoint: w.endpoint, ip: w.ip, bytes: w.rawBody.length };
    if (!module.authenticate(req, auth.config)) {
      this.d.log.warn({ ...context, reason: 'authentication failed' }, 'webhook rejected');
      return { kind: 'unauthenticated' };
    }
    const parsed = module.parse(req);
    if (!parsed.ok) {
      this.d.log.warn({ ...context, reason: 'malformed' }, 'webhook rejected');
      return { kind: 'malformed', error: parsed.error.slice(0, 300) };
    }
    const rawBody = scrubSecrets(w.rawBody.toString('utf8'), auth.secrets);
    const receivedAt = new Date(w.receivedAt).toISOString();
    const immediate = this.inflight.size < (this.d.maxImmediateDeliveries ?? DEFAULT_MAX_IMMEDIATE_DELIVERIES);
    const doc: InboxRecord = {
      _id: inboxId(w.courier, rawBody),
      courier: w.courier,
      endpoint: w.endpoint,
      receivedAt,
      rawBody,
      deliveries: groupByAwb(parsed.events),
      status: parsed.events.length ? 'pending' : 'delivered',
      attempts: 0,
      // Delivered now by this process, or due at once for the relay when too many are already under way.
      nextAttemptAt: immediate ? new Date(w.receivedAt + this.d.leaseMs).toISOString() : receivedAt,
      updatedAt: receivedAt,
    };
    const fresh = await this.d.inbox.insert(doc);
    if (fresh && doc.deliveries.length && immediate) this.track(doc);
    return { kind: 'accepted', inboxId: doc._id, duplicate: !fresh, events: parsed.events.length };
  }

  /** Resolves once every delivery started by accept() has finished (shutdown, tests, the bench). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  private track(doc: InboxRecord): void {
    const p = this.d.deliverer
      .deliver(doc)
      .then(() => undefined)
      .catch((err: unknown) => this.d.log.error({ err, inboxId: doc._id }, 'immediate webhook delivery failed; the relay will retry'))
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }
}

function groupByAwb(events: TrackingEvent[]): InboxDelivery[] {
  const by = new Map<string, TrackingEvent[]>();
  for (const e of events) by.set(e.awb, [...(by.get(e.awb) ?? []), e]);
  return [...by].map(([awb, evs]) => ({ awb, status: 'pending', attempts: 0, events: evs }));
}
