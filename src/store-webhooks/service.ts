// The store integration's application layer: endpoints (create, change, rotate, remove), the event
// feed for catch-up (GET /api/events), each endpoint's deliveries, and replays. The API's handlers and
// the ops console call this and nothing below it.
import type { StoreEvent, StoreEventType } from '../domain/store-events';
import { decodeJsonCursor, encodeJsonCursor, InvalidCursorError } from '../lib/cursor';
import type { FeedPosition, StoreEventFeed } from '../storage/store-event-feed';
import type { StoreDeliveryDoc, StoreEndpointsRepo, StoreEndpointView } from '../storage/store-endpoints-repo';

export class StoreWebhookError extends Error {
  override readonly name = 'StoreWebhookError';
  constructor(
    readonly kind: 'not_found' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

/** Starts a replay (a short workflow that delivers the events in order); returns its id. */
export type ReplayStarter = (endpointId: string, eventIds: string[]) => Promise<string>;

export interface EventsQuery {
  after?: string;
  limit: number;
  types?: StoreEventType[];
  orderId?: string;
}

export interface EventsPage {
  items: StoreEvent[];
  /** Pass as `after` to get what follows; with `hasMore: false` ask again later for new events. */
  next: string;
  hasMore: boolean;
}

export interface DeliveryRow {
  event: StoreEvent & { recordedAt: string };
  delivery?: Omit<StoreDeliveryDoc, '_id'>;
}

export const MAX_REPLAY_EVENTS = 10_000;

export class StoreWebhooks {
  constructor(
    private readonly endpoints: StoreEndpointsRepo,
    private readonly feed: StoreEventFeed,
    private readonly startReplay: ReplayStarter,
  ) {}

  list(): Promise<StoreEndpointView[]> {
    return this.endpoints.list();
  }

  async get(id: string): Promise<StoreEndpointView> {
    return (await this.endpoints.get(id)) ?? notFound(id);
  }

  create(input: { url: string; description?: string; eventTypes: StoreEventType[]; secret: string }, by: string): Promise<StoreEndpointView> {
    return this.endpoints.create({ ...input, by });
  }

  async update(id: string, patch: { url?: string; description?: string | null; eventTypes?: StoreEventType[]; enabled?: boolean }, by: string): Promise<StoreEndpointView> {
    return (await this.endpoints.update(id, { ...patch, by })) ?? notFound(id);
  }

  async rotateSecret(id: string, secret: string, overlapHours: number, by: string): Promise<StoreEndpointView> {
    return (await this.endpoints.rotateSecret(id, secret, overlapHours, by)) ?? notFound(id);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.endpoints.remove(id))) notFound(id);
  }

  /** The newest events and what became of each at this endpoint (events it does not want show no delivery). */
  async deliveries(id: string, limit: number): Promise<DeliveryRow[]> {
    await this.get(id);
    const events = await this.feed.latest(limit);
    const docs = await this.endpoints.deliveriesFor(
      id,
      events.map((e) => e.id),
    );
    return events.map((event) => {
      const d = docs.get(event.id);
      if (!d) return { event };
      const { _id, ...delivery } = d;
      void _id;
      return { event, delivery };
    });
  }

  /** Delivers one event again, or every event written in [from, to]; in the order they happened. */
  async replay(id: string, what: { eventId: string } | { from: string; to: string }): Promise<{ replayId: string; events: number }> {
    await this.get(id);
    let ids: string[];
    if ('eventId' in what) {
      if (!(await this.feed.event(what.eventId))) throw new StoreWebhookError('not_found', `event ${what.eventId} not found (events are kept 30 days)`);
      ids = [what.eventId];
    } else {
      if (!(what.from < what.to)) throw new StoreWebhookError('invalid', '`from` must be before `to`');
      const events = await this.feed.range(what.from, what.to, MAX_REPLAY_EVENTS + 1);
      if (events.length > MAX_REPLAY_EVENTS) throw new StoreWebhookError('invalid', `more than ${MAX_REPLAY_EVENTS} events in that range: replay a shorter one`);
      // In the order they happened per order: by order, then sequence, keeps each order's events in order.
      ids = events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.orderId.localeCompare(b.orderId) || a.sequence - b.sequence).map((e) => e.id);
    }
    if (ids.length === 0) return { replayId: '', events: 0 };
    return { replayId: await this.startReplay(id, ids), events: ids.length };
  }

  async events(q: EventsQuery): Promise<EventsPage> {
    if (q.orderId) {
      const after = q.after ? decodeOrderCursor(q.after, q.orderId) : 0;
      // One order's events: by id, in sequence (a type filter applies only with one type).
      const type = q.types?.length === 1 ? q.types[0] : undefined;
      const r = await this.feed.orderEvents(q.orderId, after, q.limit, type);
      const items = q.types && q.types.length > 1 ? r.events.filter((e) => q.types!.includes(e.type)) : r.events;
      return { items, next: encodeJsonCursor({ o: q.orderId, s: r.last }), hasMore: r.hasMore };
    }
    const position = q.after ? decodeFeedCursor(q.after) : {};
    const page = await this.feed.page(position, { limit: q.limit, ...(q.types ? { types: q.types } : {}) });
    return { items: page.events, next: encodeJsonCursor({ p: page.position }), hasMore: page.hasMore };
  }
}

function notFound(id: string): never {
  throw new StoreWebhookError('not_found', `store webhook endpoint ${id} not found`);
}

const isFeedCursor = (v: unknown): v is { p: FeedPosition } => {
  const p = (v as { p?: unknown } | null)?.p;
  if (!p || typeof p !== 'object' || Array.isArray(p)) return false;
  return Object.values(p).every((pos) => Array.isArray(pos) && pos.length === 2 && pos.every((n) => Number.isInteger(n) && (n as number) >= 0));
};

const isOrderCursor = (v: unknown): v is { o: string; s: number } => {
  const c = v as { o?: unknown; s?: unknown } | null;
  return typeof c?.o === 'string' && Number.isInteger(c.s) && (c.s as number) >= 0;
};

function decodeFeedCursor(c: string): FeedPosition {
  return decodeJsonCursor(c, isFeedCursor).p;
}

function decodeOrderCursor(c: string, orderId: string): number {
  const v = decodeJsonCursor(c, isOrderCursor);
  // A cursor of another order's list is not a position in this one.
  if (v.o !== orderId) throw new InvalidCursorError();
  return v.s;
}
