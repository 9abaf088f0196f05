// Delivers simulated courier webhooks to a configured URL, with the delivery quirks tests ask for:
// duplicates, out-of-order delivery, and the courier's retry policy on failure.
import { request } from 'undici';

export interface WebhookDelivery {
  body: string;
  headers: Record<string, string>;
}

export interface PushOptions {
  url?: string;
  /** Probability that a delivery is sent twice. */
  duplicateRate?: number;
  /** Hold each delivery and send it after the next one (pairwise swap). */
  reorder?: boolean;
  /** Extra attempts after a non-2xx/network failure (Delhivery: 1, immediately; then dropped). */
  retries?: number;
  rand?: () => number;
}

export interface PushRecord {
  at: number;
  status: number | 'error';
  body: string;
}

export class WebhookPusher {
  readonly log: PushRecord[] = [];
  private held: WebhookDelivery | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(public options: PushOptions = {}) {}

  /** Queue a delivery; deliveries go out one at a time in queue order (after reorder/duplication). */
  push(delivery: WebhookDelivery): void {
    if (!this.options.url) return;
    const batch: WebhookDelivery[] = [];
    if (this.options.reorder) {
      if (!this.held) {
        this.held = delivery;
        return;
      }
      batch.push(delivery, this.held);
      this.held = undefined;
    } else batch.push(delivery);
    const rand = this.options.rand ?? Math.random;
    for (const d of [...batch]) if ((this.options.duplicateRate ?? 0) > 0 && rand() < this.options.duplicateRate!) batch.push(d);
    for (const d of batch) this.chain = this.chain.then(() => this.send(d));
  }

  /** Send anything held back by reordering, and wait for every queued delivery. */
  async flush(): Promise<void> {
    if (this.held) {
      const d = this.held;
      this.held = undefined;
      this.chain = this.chain.then(() => this.send(d));
    }
    await this.chain;
  }

  private async send(d: WebhookDelivery): Promise<void> {
    const url = this.options.url;
    if (!url) return;
    for (let attempt = 0; attempt <= (this.options.retries ?? 0); attempt++) {
      try {
        const res = await request(url, { method: 'POST', headers: d.headers, body: d.body, headersTimeout: 10_000, bodyTimeout: 10_000 });
        await res.body.dump();
        this.log.push({ at: Date.now(), status: res.statusCode, body: d.body });
        if (res.statusCode >= 200 && res.statusCode < 300) return;
      } catch {
        this.log.push({ at: Date.now(), status: 'error', body: d.body });
      }
    }
  }
}
