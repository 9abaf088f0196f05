// The worker's side of the store event feed: many projection writes at once hand their events here, and
// one append at a time writes whatever has gathered as the next segment of this process's log. A failed
// append is retried under the same seq, so the log never has a gap; callers wait until their events
// are durable.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { StoreEvent } from '../domain/store-events';
import type { StoreEventFeed } from '../storage/store-event-feed';

interface Waiting {
  events: StoreEvent[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class StoreEventFeedWriter {
  readonly writer: string;
  private seq = 0;
  private opened?: Promise<void>;
  private queue: Waiting[] = [];
  private running = false;

  constructor(
    private readonly feed: StoreEventFeed,
    opts: { writer?: string; maxEventsPerSegment?: number; retryMs?: number } = {},
  ) {
    this.writer = opts.writer ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.maxEvents = opts.maxEventsPerSegment ?? 500;
    this.retryMs = opts.retryMs ?? 500;
  }
  private readonly maxEvents: number;
  private readonly retryMs: number;

  /** Resolves once `events` are in the feed. */
  write(events: StoreEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      this.opened ??= this.feed.openWriter(this.writer);
      await this.opened.catch((e: unknown) => {
        this.opened = undefined;
        throw e;
      });
      while (this.queue.length > 0) {
        const group: Waiting[] = [];
        let n = 0;
        while (this.queue.length > 0 && (group.length === 0 || n + this.queue[0]!.events.length <= this.maxEvents)) {
          const w = this.queue.shift()!;
          group.push(w);
          n += w.events.length;
        }
        const events = group.flatMap((w) => w.events);
        // The same seq until it lands: the log has no gaps. Callers are activities: they time out and retry
        // on their own if the database stays away, and their events join a later segment (ids dedupe).
        for (let attempt = 0; ; attempt++) {
          try {
            if (await this.feed.append(this.writer, this.seq, events)) break;
            this.seq += 1; // the seq holds an earlier group that reported failure but landed
            attempt = -1;
          } catch (e) {
            if (attempt >= 3) {
              for (const w of group) w.reject(e);
              group.length = 0;
              // Try this seq again with the next group, so the log stays gap-free.
              break;
            }
            await new Promise((r) => setTimeout(r, this.retryMs * (attempt + 1)));
          }
        }
        if (group.length > 0) {
          this.seq += 1;
          for (const w of group) w.resolve();
        }
      }
    } catch (e) {
      for (const w of this.queue.splice(0)) w.reject(e);
    } finally {
      this.running = false;
    }
  }
}
