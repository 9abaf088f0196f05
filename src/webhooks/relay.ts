// The inbox relay: a loop in the API process that delivers what the immediate path could not (Temporal
// down, AWB not booked yet, a crash after the 200). Each pass claims due documents under a lease, so
// several API replicas can run it side by side.
import type { Logger } from 'pino';
import type { InboxRepo } from '../storage/inbox-repo';
import { mapLimit } from '../lib/map-limit';
import type { InboxDeliverer } from './deliver';

export interface RelayOptions {
  /** Pause between passes when there is nothing due. */
  intervalMs: number;
  /** How long a claimed document is ours before another relay may take it (must exceed a delivery). */
  leaseMs: number;
  /** Deliveries in flight at once. */
  concurrency: number;
  /** Most documents one pass handles before sleeping again. */
  batchSize: number;
}

/** Deliveries claimed per queue query, in multiples of the concurrency. */
const CLAIM_ROUNDS = 4;

export const DEFAULT_RELAY_OPTIONS: Omit<RelayOptions, 'intervalMs'> = { leaseMs: 60_000, concurrency: 8, batchSize: 200 };

export class WebhookRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly inbox: InboxRepo,
    private readonly deliverer: InboxDeliverer,
    private readonly log: Logger,
    private readonly opts: RelayOptions,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops after the pass in progress (if any) finishes. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: deliver due documents until none is due, the batch is done, or Temporal is unreachable. */
  async runOnce(): Promise<{ processed: number; temporalUnavailable: boolean }> {
    let processed = 0;
    while (processed < this.opts.batchSize) {
      // A few rounds' worth per claim: each claim scans the queue on FerretDB (see claimDueBatch).
      const claimed = await this.inbox.claimDueBatch(this.opts.leaseMs, Math.min(this.opts.concurrency * CLAIM_ROUNDS, this.opts.batchSize - processed));
      if (!claimed.length) break;
      let down = false;
      // Documents claimed but not reached wait out their lease; no point hammering a server that is down.
      await mapLimit(claimed, this.opts.concurrency, async (doc) => {
        if (down) return;
        if ((await this.deliverer.deliver(doc)).temporalUnavailable) down = true;
      });
      processed += claimed.length;
      if (down) return { processed, temporalUnavailable: true };
    }
    return { processed, temporalUnavailable: false };
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then((r) => {
          if (r.processed) this.log.debug(r, 'inbox relay pass');
        })
        .catch((err: unknown) => this.log.error({ err }, 'inbox relay pass failed'))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.opts.intervalMs);
        });
    }, ms);
    this.timer.unref();
  }
}
