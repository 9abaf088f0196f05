// Live updates for open tracking pages. Every open page holds one server-sent events connection; the
// pages of one order share a single poller (five tabs cost one read per interval, not five), and the
// connections are capped in total and per order so open tabs cannot exhaust the API. Reads go through
// the same source as the page (workflow query, stored copy as fallback).
import type { Response } from 'express';
import type { PageModel } from './model';

export interface LiveOptions {
  /** How often each order with open pages is re-read. */
  pollMs: number;
  /** Connections held at once, all orders together; 0 turns live updates off. */
  maxConnections: number;
  /** Connections held at once for one order (tabs, devices). */
  maxPerOrder: number;
  /** A connection is closed after this long; the browser reconnects, and access is checked again. */
  maxConnectionMs: number;
}

export const DEFAULT_LIVE: LiveOptions = { pollMs: 15_000, maxConnections: 500, maxPerOrder: 8, maxConnectionMs: 10 * 60_000 };

export type Reading = { model: PageModel | null } | { error: unknown };
type Listener = (r: Reading) => void;

interface Group {
  listeners: Set<Listener>;
  timer: NodeJS.Timeout;
  busy: boolean;
}

export class LiveHub {
  private readonly groups = new Map<string, Group>();
  private readonly streams = new Set<() => void>();
  private count = 0;

  constructor(
    private readonly load: (orderId: string) => Promise<PageModel | null>,
    readonly options: LiveOptions,
  ) {}

  get connections(): number {
    return this.count;
  }

  /** Returns the unsubscribe function, or null when a cap is reached. The first reading comes at once. */
  subscribe(orderId: string, listener: Listener): (() => void) | null {
    if (this.count >= this.options.maxConnections) return null;
    let g = this.groups.get(orderId);
    if (g && g.listeners.size >= this.options.maxPerOrder) return null;
    if (!g) {
      const timer = setInterval(() => void this.tick(orderId), this.options.pollMs);
      timer.unref();
      g = { listeners: new Set(), timer, busy: false };
      this.groups.set(orderId, g);
    }
    const group = g;
    group.listeners.add(listener);
    this.count += 1;
    void this.tick(orderId);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      group.listeners.delete(listener);
      this.count -= 1;
      if (group.listeners.size === 0) {
        clearInterval(group.timer);
        this.groups.delete(orderId);
      }
    };
  }

  /** Streams a subscriber's updates to its response until the client goes, the shipment ends, or time is up. */
  stream(res: Response, orderId: string, onReading: (r: Reading, send: (event: string, data: unknown) => void) => 'continue' | 'end'): boolean {
    let unsubscribe: (() => void) | null = null;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      unsubscribe?.();
      clearTimeout(lifetime);
      this.streams.delete(end);
      if (!res.writableEnded) res.end();
    };
    let wrote = false;
    const send = (event: string, data: unknown) => {
      wrote = true;
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const lifetime = setTimeout(end, this.options.maxConnectionMs);
    lifetime.unref();
    unsubscribe = this.subscribe(orderId, (r) => {
      if (ended) return;
      wrote = false;
      if (onReading(r, send) === 'end') return end();
      // A comment line on quiet ticks keeps proxies from closing an idle connection.
      if (!wrote) res.write(': ping\n\n');
    });
    if (!unsubscribe) {
      clearTimeout(lifetime);
      return false;
    }
    this.streams.add(end);
    res.on('close', end);
    return true;
  }

  /** Ends every open stream (server shutdown: an open stream would hold server.close() forever). */
  close(): void {
    for (const end of [...this.streams]) end();
  }

  private async tick(orderId: string): Promise<void> {
    const g = this.groups.get(orderId);
    if (!g || g.busy) return;
    g.busy = true;
    let reading: Reading;
    try {
      reading = { model: await this.load(orderId) };
    } catch (error) {
      reading = { error };
    } finally {
      g.busy = false;
    }
    for (const l of [...g.listeners]) l(reading);
  }
}
