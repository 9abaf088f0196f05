// The store event feed: every store event Waybill recorded, in the order it was written, for
// GET /api/events (catch-up after missed webhooks), the ops console's delivery lists and replays.
//
// Each worker process appends to a log of its own: segment `${writer}:${seq}`, seq counting up from 0
// with no gaps (appends are serialised and a failed one is retried under the same seq), one segment per
// group of events written together. Readers walk a log by exact _id, the one filter FerretDB v1 answers
// from an index, so a page costs the same with a year of events as with none. Each event is also kept by
// its own id (`store_events`), which is how one order's events are read (ids `${orderId}:e${n}` count up
// per order) and how one event is replayed.
import type { Collection, Db } from 'mongodb';
import type { StoreEvent, StoreEventType } from '../domain/store-events';
import { COLLECTIONS } from './collections';
import { isDuplicateKey } from './mongo';

export interface StoreEventSegment {
  _id: string;
  writer: string;
  seq: number;
  at: string;
  events: StoreEvent[];
}

export interface StoreEventWriterDoc {
  _id: string;
  startedAt: string;
  /** Segments written: the next seq. */
  next: number;
  /** Segments below this were deleted by retention. */
  pruned: number;
  heartbeatAt: string;
}

export type StoreEventDoc = StoreEvent & { _id: string; recordedAt: string };

/** Where a reader is in every log: writer → [next segment seq, index in it]. */
export type FeedPosition = Record<string, [number, number]>;

export interface FeedPage {
  events: StoreEvent[];
  position: FeedPosition;
  /** More may be there already: ask again with `position` at once. */
  hasMore: boolean;
}

export const feedSegmentId = (writer: string, seq: number) => `${writer}:${seq}`;

export class StoreEventFeed {
  private readonly segments: Collection<StoreEventSegment>;
  private readonly writers: Collection<StoreEventWriterDoc>;
  private readonly byId: Collection<StoreEventDoc>;

  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.segments = db.collection<StoreEventSegment>(COLLECTIONS.storeEventLog);
    this.writers = db.collection<StoreEventWriterDoc>(COLLECTIONS.storeEventWriters);
    this.byId = db.collection<StoreEventDoc>(COLLECTIONS.storeEvents);
  }

  async openWriter(writer: string): Promise<void> {
    const at = new Date(this.now()).toISOString();
    await this.writers.updateOne({ _id: writer }, { $setOnInsert: { startedAt: at, next: 0, pruned: 0 }, $set: { heartbeatAt: at } }, { upsert: true });
  }

  /**
   * Writes one segment and its events by id. Safe to repeat with the same seq and events (a retried
   * append); false when the seq holds other events (an earlier append reported failure but landed).
   */
  async append(writer: string, seq: number, events: StoreEvent[]): Promise<boolean> {
    const at = new Date(this.now()).toISOString();
    if (events.length > 0) {
      try {
        await this.byId.insertMany(
          events.map((e) => ({ ...e, _id: e.id, recordedAt: at })),
          { ordered: false },
        );
      } catch (e) {
        // A retried append (or a retried projection write) wrote some already: their content is the same.
        if (!isDuplicateKey(e) && !allDuplicates(e)) throw e;
      }
    }
    try {
      await this.segments.insertOne({ _id: feedSegmentId(writer, seq), writer, seq, at, events });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      const there = await this.segments.findOne({ _id: feedSegmentId(writer, seq) });
      if (there && there.events.map((x) => x.id).join() !== events.map((x) => x.id).join()) {
        await this.writers.updateOne({ _id: writer }, { $set: { next: seq + 1, heartbeatAt: at } });
        return false;
      }
    }
    await this.writers.updateOne({ _id: writer }, { $set: { next: seq + 1, heartbeatAt: at } });
    return true;
  }

  event(id: string): Promise<StoreEventDoc | null> {
    return this.byId.findOne({ _id: id });
  }

  /** One order's events after `afterSequence`, by id (sequences count up from 1 with no gaps). */
  async orderEvents(orderId: string, afterSequence: number, limit: number, type?: StoreEventType): Promise<{ events: StoreEvent[]; last: number; hasMore: boolean }> {
    const events: StoreEvent[] = [];
    let n = afterSequence;
    // Read in small parallel batches of ids: each is an indexed point read.
    for (;;) {
      const ids = Array.from({ length: 20 }, (_, i) => `${orderId}:e${n + 1 + i}`);
      const docs = await Promise.all(ids.map((id) => this.byId.findOne({ _id: id })));
      for (const d of docs) {
        if (!d) return { events, last: n, hasMore: false };
        n = d.sequence;
        if (!type || d.type === type) events.push(strip(d));
        if (events.length >= limit) return { events, last: n, hasMore: true };
      }
    }
  }

  /** Every log, oldest writer first (one document per worker process start: a small collection). */
  async logs(): Promise<StoreEventWriterDoc[]> {
    const all = await this.writers.find({}).toArray();
    return all.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a._id.localeCompare(b._id));
  }

  /**
   * The next events after `position`, oldest log first, at most `limit` events and `maxSegments`
   * segment reads. Logs the position does not name are read from their oldest kept segment.
   */
  async page(position: FeedPosition, opts: { limit: number; types?: readonly StoreEventType[]; maxSegments?: number; since?: string }): Promise<FeedPage> {
    const logs = await this.logs();
    const next: FeedPosition = { ...position };
    const events: StoreEvent[] = [];
    let reads = 0;
    const maxSegments = opts.maxSegments ?? 200;
    const types = opts.types && opts.types.length > 0 ? new Set<string>(opts.types) : undefined;
    for (const log of logs) {
      let [seq, idx] = next[log._id] ?? [log.pruned, 0];
      if (seq < log.pruned) [seq, idx] = [log.pruned, 0];
      while (seq < log.next) {
        if (events.length >= opts.limit || reads >= maxSegments) return { events, position: next, hasMore: true };
        const seg = await this.segments.findOne({ _id: feedSegmentId(log._id, seq) });
        reads += 1;
        if (!seg) {
          // Pruned meanwhile, or not there yet (the writer's count moves after the segment): stop here.
          break;
        }
        for (; idx < seg.events.length; idx++) {
          if (events.length >= opts.limit) {
            next[log._id] = [seq, idx];
            return { events, position: next, hasMore: true };
          }
          const e = seg.events[idx]!;
          if (types && !types.has(e.type)) continue;
          if (opts.since && e.occurredAt < opts.since) continue;
          events.push(e);
        }
        seq += 1;
        idx = 0;
        next[log._id] = [seq, 0];
      }
      if (next[log._id] === undefined) next[log._id] = [seq, idx];
    }
    return { events, position: next, hasMore: false };
  }

  /**
   * The newest events first, for the console: reads each log backwards from its head, at most
   * `maxSegments` segments, and merges by time of writing.
   */
  async latest(limit: number, maxSegments = 50): Promise<Array<StoreEvent & { recordedAt: string }>> {
    const logs = (await this.logs()).reverse();
    const out: Array<StoreEvent & { recordedAt: string }> = [];
    let reads = 0;
    for (const log of logs) {
      for (let seq = log.next - 1; seq >= log.pruned && reads < maxSegments; seq--) {
        const seg = await this.segments.findOne({ _id: feedSegmentId(log._id, seq) });
        reads += 1;
        if (!seg) break;
        for (let i = seg.events.length - 1; i >= 0; i--) out.push({ ...seg.events[i]!, recordedAt: seg.at });
        if (out.length >= limit) break;
      }
      if (out.length >= limit || reads >= maxSegments) break;
    }
    return out.sort((a, b) => b.recordedAt.localeCompare(a.recordedAt)).slice(0, limit);
  }

  /**
   * The events written in [from, to] (by the time their segment was written), at most `limit`. Each
   * log is in time order, so its first segment in range is found by bisection: a few reads per log.
   */
  async range(from: string, to: string, limit: number): Promise<StoreEvent[]> {
    const out: StoreEvent[] = [];
    for (const log of await this.logs()) {
      let lo = log.pruned;
      let hi = log.next;
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        const seg = await this.segments.findOne({ _id: feedSegmentId(log._id, mid) });
        if (!seg || seg.at < from) lo = mid + 1;
        else hi = mid;
      }
      for (let seq = lo; seq < log.next && out.length < limit; seq++) {
        const seg = await this.segments.findOne({ _id: feedSegmentId(log._id, seq) });
        if (!seg) continue;
        if (seg.at > to) break;
        out.push(...seg.events.slice(0, limit - out.length));
      }
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Deletes segments (and their events by id) written before `before`; returns how many segments went. */
  async prune(before: string): Promise<number> {
    let deleted = 0;
    for (const log of await this.logs()) {
      let seq = log.pruned;
      for (; seq < log.next; seq++) {
        const seg = await this.segments.findOne({ _id: feedSegmentId(log._id, seq) });
        if (seg && seg.at >= before) break;
        if (seg) {
          for (const e of seg.events) await this.byId.deleteOne({ _id: e.id });
          await this.segments.deleteOne({ _id: seg._id });
          deleted += 1;
        }
      }
      if (seq !== log.pruned) await this.writers.updateOne({ _id: log._id }, { $set: { pruned: seq } });
      // A log fully pruned whose writer is long gone has nothing left to say.
      if (seq >= log.next && log.heartbeatAt < before) await this.writers.deleteOne({ _id: log._id });
    }
    return deleted;
  }
}

function strip(d: StoreEventDoc): StoreEvent {
  const { _id, recordedAt, ...e } = d;
  void _id;
  void recordedAt;
  return e;
}

function allDuplicates(e: unknown): boolean {
  const errs = (e as { writeErrors?: Array<{ code?: number }> | { code?: number } }).writeErrors;
  const list = Array.isArray(errs) ? errs : errs ? [errs] : [];
  return list.length > 0 && list.every((w) => w.code === 11000);
}

