// Coalesces the tracking calls of many shipments into bulk calls. Every live shipment's poller asks
// for one AWB; couriers answer up to 50 AWBs in one request (capabilities.bulkTrackLimit), and their
// rate limits count requests, not AWBs. So the worker holds requests for a window per courier and sends
// them together.
//
// Two priorities. A background request (the poller, which runs every 1–12 h) waits up to the window
// for company: polls spread over a day only meet in a window of seconds (bench/courier-calls.ts). An
// urgent request (trackNow: an admin refresh, the stuck check) is sent at once, and takes every request
// waiting for that courier along with it, so the waiting ones are answered early for free.
import type { CourierClient, ShipmentRef, TrackResult } from '../couriers/types';

interface Waiting {
  ref: ShipmentRef;
  resolve: (r: TrackResult) => void;
  reject: (e: unknown) => void;
}

export interface TrackBatcherOptions {
  /** How long the first background request of a batch waits for company. */
  windowMs: number;
  /** Called before each courier request (rate limiting). */
  beforeCall: () => Promise<void>;
  onBatch?: (size: number) => void;
}

export interface TrackOptions {
  /** Send now (with whatever is waiting) instead of waiting for the window. */
  urgent?: boolean;
}

export class TrackBatcher {
  private waiting: Waiting[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly client: CourierClient,
    private readonly opts: TrackBatcherOptions,
  ) {}

  track(ref: ShipmentRef, options: TrackOptions = {}): Promise<TrackResult> {
    return new Promise<TrackResult>((resolve, reject) => {
      const w: Waiting = { ref, resolve, reject };
      if (options.urgent) {
        // First in line, so it is in the first call even if more than one call's worth is waiting.
        this.waiting.unshift(w);
        this.flush();
      } else {
        this.waiting.push(w);
        if (this.waiting.length >= this.limit()) this.flush();
        else this.timer ??= setTimeout(() => this.flush(), this.opts.windowMs);
      }
    });
  }

  private limit(): number {
    return Math.max(1, this.client.capabilities.bulkTrackLimit);
  }

  /** Sends everything waiting, in calls of at most the courier's bulk limit. */
  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.limit());
      void this.send(batch);
    }
  }

  private async send(batch: Waiting[]): Promise<void> {
    try {
      await this.opts.beforeCall();
      this.opts.onBatch?.(batch.length);
      if (batch.length === 1) {
        const only = batch[0] as Waiting;
        only.resolve(await this.client.track(only.ref));
        return;
      }
      const results = await this.client.trackMany(batch.map((w) => w.ref));
      for (const w of batch) {
        // A courier that leaves an AWB out of a bulk answer has nothing for it yet.
        w.resolve(results[w.ref.awb] ?? { kind: 'not_yet', awb: w.ref.awb });
      }
    } catch (e) {
      for (const w of batch) w.reject(e);
    }
  }
}
