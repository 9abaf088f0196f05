// Delivers the webhook journal to the workflows, decoupled from the requests that filled it.
//
// Each API process drains its own log as soon as a commit lands, in batches that grow with the backlog,
// at the pace Temporal takes (a bounded number of signals in flight). When Temporal does not answer,
// the batch waits durably and is retried with backoff; the acks never wait for it. Logs whose writer
// went quiet (a crashed or stopped API process) are adopted by any other drainer.
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { JournalItem, WebhookJournal } from '../storage/webhook-journal';
import type { InboxDeliverer } from './deliver';

export interface DrainerOptions {
  /** This process's log. */
  writer: string;
  /** Most webhooks one batch delivers. */
  batchItems: number;
  /** Signals in flight at once. */
  concurrency: number;
  /** A drainer's claim on a log lasts this long without renewal. */
  leaseMs: number;
  /** A log whose writer has been silent this long is adopted by another drainer. */
  quietMs: number;
  /** How often the cursor (and heartbeat) is written while work flows. */
  persistEveryMs: number;
  /** Most webhooks kept in memory for the drainer; beyond it, segments are read back from the journal. */
  maxCachedItems: number;
  /** Each delivered batch: webhooks in it and seconds it took (metrics). */
  observe?: (size: number, seconds: number) => void;
}

export const DEFAULT_DRAINER_OPTIONS: Omit<DrainerOptions, 'writer'> = {
  batchItems: 512,
  concurrency: 64,
  leaseMs: 30_000,
  quietMs: 30_000,
  persistEveryMs: 1_000,
  maxCachedItems: 50_000,
};

/** Retries while Temporal is unreachable: 0.5 s doubling to 15 s. */
const BACKOFF_MS = { first: 500, max: 15_000 };

export class JournalDrainer {
  private next = 0;
  private committed = 0;
  /** Committed segments not yet delivered: their items when kept in memory, and whether they are counted in `written`. */
  private readonly cache = new Map<number, { items: JournalItem[] | null; counted: boolean }>();
  private cachedItems = 0;
  private written = 0;
  private drained = 0;
  private stopped = true;
  private wake: (() => void) | undefined;
  private loops: Array<Promise<void>> = [];
  private lastPersist = 0;
  private persisted = { next: 0, written: 0 };
  private failures = 0;
  /** Items of the batch in hand already settled by an interrupted try. */
  private readonly done = new Set<string>();
  private waiters: Array<{ target: number; resolve: () => void }> = [];

  constructor(
    private readonly journal: WebhookJournal,
    private readonly deliverer: InboxDeliverer,
    private readonly log: Logger,
    private readonly o: DrainerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Webhooks of this process accepted and not yet delivered (drives shedding). */
  backlog(): number {
    return this.written - this.drained;
  }

  /** Called by the group committer once a segment is durable. */
  onCommitted(seq: number, items: JournalItem[] | null): void {
    const count = items?.length ?? 0;
    const keep = items && this.cachedItems + count <= this.o.maxCachedItems ? items : null;
    this.cache.set(seq, { items: keep, counted: items !== null });
    if (keep) this.cachedItems += count;
    this.committed = Math.max(this.committed, seq + 1);
    this.written += count;
    this.wake?.();
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    await this.journal.open(this.o.writer, this.o.leaseMs);
    this.stopped = false;
    this.loops = [this.ownLoop(), this.adoptLoop()];
  }

  /**
   * Stops draining. What is still undelivered stays in the journal, and the log is left to be adopted at
   * once by another drainer (or this writer's successor).
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake?.();
    await Promise.allSettled(this.loops);
    this.settleWaiters();
    await this.journal
      .release(this.o.writer, { next: this.next, written: this.written, drained: this.drained, finished: this.next >= this.committed })
      .catch((err: unknown) => this.log.warn({ err }, 'could not record the webhook journal position at shutdown; it is redelivered from the last one'));
  }

  /**
   * Resolves once everything committed so far is delivered or handed to the retry queue (shutdown, tests,
   * the bench), or the drainer stops.
   */
  caughtUp(): Promise<void> {
    const target = this.committed;
    if (this.stopped || this.next >= target) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ target, resolve }));
  }

  private settleWaiters(): void {
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (this.stopped || this.next >= w.target) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  private async ownLoop(): Promise<void> {
    while (!this.stopped) {
      if (this.next >= this.committed) {
        await this.persist(true);
        await this.idle(this.o.persistEveryMs);
        continue;
      }
      const { items, upTo, total } = await this.takeBatch();
      const ok = await this.deliver(items, this.done);
      if (!ok) continue;
      for (let s = this.next; s < upTo; s++) this.uncache(s);
      this.done.clear();
      this.drained += total;
      this.next = upTo;
      this.settleWaiters();
      await this.persist(false);
    }
  }

  /** Segments from `next` on, as many as fit in one batch (at least one). */
  private async takeBatch(): Promise<{ items: JournalItem[]; upTo: number; total: number }> {
    const items: JournalItem[] = [];
    let total = 0;
    let s = this.next;
    while (s < this.committed && (items.length === 0 || items.length < this.o.batchItems)) {
      const entry = this.cache.get(s);
      let seg = entry?.items;
      if (!seg) {
        const stored = await this.journal.get(this.o.writer, s);
        const dupes = new Set(stored?.dupes ?? []);
        seg = (stored?.items ?? []).filter((i) => !dupes.has(i.id));
        if (entry && !entry.counted) {
          // Its content is known only now: counted once, so the backlog balances when it drains.
          this.written += seg.length;
          this.cache.set(s, { items: null, counted: true });
        }
      }
      total += seg.length;
      // Items an earlier, interrupted try of this batch already settled are not sent again.
      items.push(...seg.filter((i) => !this.done.has(i.id)));
      s++;
    }
    return { items, upTo: s, total };
  }

  private uncache(seq: number): void {
    const seg = this.cache.get(seq)?.items;
    if (seg) this.cachedItems -= seg.length;
    this.cache.delete(seq);
  }

  /** True when the batch is delivered (or handed to the retry queue); false after a backoff. */
  private async deliver(items: JournalItem[], done: Set<string>): Promise<boolean> {
    const work = items.filter((i) => i.deliveries.length > 0);
    if (work.length === 0) return true;
    try {
      const started = performance.now();
      const run = await this.deliverer.deliverBatch(work, this.o.concurrency);
      if (!run.temporalUnavailable) {
        this.failures = 0;
        this.o.observe?.(work.length, (performance.now() - started) / 1000);
        return true;
      }
      const left = new Set(run.remaining);
      for (const i of work) if (!left.has(i.id)) done.add(i.id);
      this.log.warn({ items: work.length, left: left.size }, 'Temporal did not answer: the rest of this batch waits in the journal');
    } catch (err) {
      this.log.error({ err, items: work.length }, 'webhook journal delivery failed; retrying');
    }
    this.failures++;
    await this.idle(Math.min(BACKOFF_MS.max, BACKOFF_MS.first * 2 ** (this.failures - 1)));
    return false;
  }

  /**
   * Cursor and heartbeat, at most every persistEveryMs while work flows. When idle (`force`), only what
   * changed is written, plus a heartbeat every third of quietMs so the log is not taken for a dead one's.
   */
  private async persist(force: boolean): Promise<void> {
    const t = this.now();
    const changed = this.next !== this.persisted.next || this.written !== this.persisted.written;
    const due = force ? (changed && t - this.lastPersist >= this.o.persistEveryMs / 2) || t - this.lastPersist >= this.o.quietMs / 3 : changed && t - this.lastPersist >= this.o.persistEveryMs;
    if (!due) return;
    this.lastPersist = t;
    const snapshot = { next: this.next, written: this.written, drained: this.drained };
    try {
      await this.journal.heartbeat(this.o.writer, snapshot.written, this.o.leaseMs);
      await this.journal.advance(this.o.writer, { next: snapshot.next, drained: snapshot.drained });
      this.persisted = snapshot;
    } catch (err) {
      this.log.warn({ err }, 'could not record the webhook journal position');
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms).unref();
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  /** Looks for logs whose writer went quiet and drains them to their end. */
  private async adoptLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        for (const c of await this.journal.all()) {
          if (this.stopped) break;
          if (c._id === this.o.writer || c.finished) continue;
          const claimed = await this.journal.adopt(c._id, this.o.writer, this.o.leaseMs, this.o.quietMs);
          if (claimed) await this.drainAdopted(c._id, claimed.next, claimed.drained);
        }
      } catch (err) {
        this.log.warn({ err }, 'webhook journal adoption pass failed');
      }
      await sleepUnlessStopped(() => this.stopped, this.o.quietMs / 3);
    }
  }

  private async drainAdopted(writer: string, from: number, drainedBefore: number): Promise<void> {
    let next = from;
    let drained = drainedBefore;
    const adoptedDone = new Set<string>();
    this.log.info({ writer, from }, 'adopting a quiet webhook journal log');
    while (!this.stopped) {
      const seg = await this.journal.get(writer, next);
      if (!seg) {
        // A writer appends without gaps: the first missing segment is the end of its log.
        await this.journal.advance(writer, { next, drained, finished: true });
        this.log.info({ writer, next }, 'quiet webhook journal log delivered');
        return;
      }
      const dupes = new Set(seg.dupes ?? []);
      const items = seg.items.filter((i) => !dupes.has(i.id) && !adoptedDone.has(i.id));
      if (!(await this.deliver(items, adoptedDone))) continue;
      adoptedDone.clear();
      drained += seg.items.length - dupes.size;
      next++;
      await this.journal.advance(writer, { next, drained, leaseUntil: this.now() + this.o.leaseMs });
    }
  }
}

async function sleepUnlessStopped(stopped: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!stopped() && Date.now() < until) await new Promise((r) => setTimeout(r, Math.min(200, until - Date.now())).unref());
}
