// Inbox retention: delivered webhooks older than the retention age are deleted, oldest first, in bounded
// batches. It walks each journal log from where it last stopped, by exact _id, and deletes a segment's
// inbox documents by _id: never a filter FerretDB would answer by scanning every webhook ever stored.
// A document still in the retry queue is kept.
import type { Logger } from 'pino';
import type { InboxRepo } from '../storage/inbox-repo';
import type { WebhookJournal } from '../storage/webhook-journal';

export interface RetentionOptions {
  /** Delivered webhooks older than this are deleted. */
  maxAgeMs: number;
  /** Segments deleted per pass, at most. */
  batchSegments: number;
  /** Pause between passes. */
  intervalMs: number;
}

export const DEFAULT_RETENTION: RetentionOptions = { maxAgeMs: 30 * 24 * 3_600_000, batchSegments: 200, intervalMs: 60_000 };

export interface PruneRun {
  segments: number;
  webhooks: number;
  /** Segments were left for the next pass (the batch filled up). */
  more: boolean;
}

export class InboxRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;

  constructor(
    private readonly journal: WebhookJournal,
    private readonly inbox: InboxRepo,
    private readonly log: Logger,
    private readonly o: RetentionOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** One bounded pass over every log. */
  async pruneOnce(): Promise<PruneRun> {
    const cutoff = this.now() - this.o.maxAgeMs;
    let budget = this.o.batchSegments;
    const run: PruneRun = { segments: 0, webhooks: 0, more: false };
    const queued = await this.inbox.queuedIds();
    for (const c of await this.journal.all()) {
      let seq = c.pruned;
      // Only what the drainer has passed: below `next`, every item was delivered or handed to the queue.
      while (seq < c.next) {
        if (budget === 0) {
          run.more = true;
          break;
        }
        const seg = await this.journal.get(c._id, seq);
        if (seg && Date.parse(seg.at) > cutoff) break;
        if (seg) {
          const dupes = new Set(seg.dupes ?? []);
          // A duplicate's inbox document belongs to the segment of the webhook it repeats.
          run.webhooks += await this.inbox.deleteSettled(
            seg.items.filter((i) => !dupes.has(i.id)).map((i) => i.id),
            queued,
          );
          await this.journal.deleteSegment(seg._id);
          run.segments++;
          budget--;
        }
        seq++;
      }
      if (seq !== c.pruned) await this.journal.setPruned(c._id, seq);
      // A finished log with nothing left: its cursor goes too.
      if (c.finished && seq >= c.next) await this.journal.deleteCursor(c._id);
    }
    return run;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.pruneOnce()
        .then((r) => {
          if (r.segments) this.log.info(r, 'inbox retention pass');
          // A backlog of expired webhooks is worked through at once, one bounded batch at a time.
          if (!this.stopped) this.timer = setTimeout(tick, r.more ? 0 : this.o.intervalMs);
        })
        .catch((err: unknown) => {
          this.log.warn({ err }, 'inbox retention pass failed');
          if (!this.stopped) this.timer = setTimeout(tick, this.o.intervalMs);
        })
        .finally(() => this.timer?.unref());
    };
    this.timer = setTimeout(tick, this.o.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    this.timer = undefined;
  }
}
