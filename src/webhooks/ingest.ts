// Accepting a courier webhook: authenticate on the raw body, parse, and make it durable; only then
// acknowledge. The ack path is that durable write and nothing else: concurrent webhooks share one group
// commit, and delivery to the workflows is the journal drainer's job, outside the request. A request
// that fails authentication or parsing writes nothing.
import type { Logger } from 'pino';
import type { CourierId, TrackingEvent } from '../domain/events';
import type { WebhookRequest } from '../couriers/types';
import { inboxId, type InboxDelivery, type InboxRecord } from '../storage/inbox-repo';
import { scrubSecrets, type WebhookAuthSource } from './auth-settings';
import type { GroupCommitter } from './group-commit';
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
  | { kind: 'malformed'; error: string }
  /** The stored backlog is past its bound: nothing written; the courier retries after retryAfterSeconds. */
  | { kind: 'overloaded'; retryAfterSeconds: number };

export interface IngestorDeps {
  modules: WebhookModules;
  auth: WebhookAuthSource;
  committer: Pick<GroupCommitter, 'submit'>;
  log: Logger;
  /** Webhooks accepted and not yet delivered, and the bound past which new ones are refused. */
  backlog: () => number;
  maxBacklog: number;
  /** Resolves once what was accepted so far is delivered (or queued for retry): see idle(). */
  settled?: () => Promise<void>;
}

export class WebhookIngestor {
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
    const backlog = this.d.backlog();
    if (backlog >= this.d.maxBacklog) {
      this.d.log.warn({ ...context, backlog }, 'webhook refused: the stored backlog is at its bound');
      return { kind: 'overloaded', retryAfterSeconds: 30 };
    }
    const rawBody = scrubSecrets(w.rawBody.toString('utf8'), auth.secrets);
    const receivedAt = new Date(w.receivedAt).toISOString();
    const doc: InboxRecord = {
      _id: inboxId(w.courier, rawBody),
      courier: w.courier,
      endpoint: w.endpoint,
      receivedAt,
      rawBody,
      deliveries: groupByAwb(parsed.events),
      status: parsed.events.length ? 'pending' : 'delivered',
      attempts: 0,
      nextAttemptAt: receivedAt,
      updatedAt: receivedAt,
    };
    const { duplicate } = await this.d.committer.submit(doc);
    return { kind: 'accepted', inboxId: doc._id, duplicate, events: parsed.events.length };
  }

  /** Resolves once every webhook accepted so far has gone to its workflow or the retry queue (tests, shutdown). */
  async idle(): Promise<void> {
    await this.d.settled?.();
  }
}

function groupByAwb(events: TrackingEvent[]): InboxDelivery[] {
  const by = new Map<string, TrackingEvent[]>();
  for (const e of events) by.set(e.awb, [...(by.get(e.awb) ?? []), e]);
  return [...by].map(([awb, evs]) => ({ awb, status: 'pending', attempts: 0, events: evs }));
}
