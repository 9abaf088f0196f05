// The live stream (server-sent events) over a real socket: it sends a change and only a change, ends
// when the shipment does, is checked like the page, and is capped.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LiveHub } from '../../src/tracking-page/live';
import type { PageModel } from '../../src/tracking-page/model';
import type { TrackingPage } from '../../src/tracking-page/router';
import { emptyStore, pageApp, StubGateway, testSettings, view } from './support';

interface Sse {
  status: number;
  /** Resolves with the next event (or comment) of the given kind. */
  next(kind: 'update' | 'ping'): Promise<{ data?: { version: string; headline: string; final: boolean; sections: Record<string, string> } }>;
  ended: Promise<void>;
  close(): void;
}

const servers: Server[] = [];
const pages: TrackingPage[] = [];
afterEach(async () => {
  for (const p of pages.splice(0)) p.close();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(gw: StubGateway, live: Parameters<typeof pageApp>[0]['live'] = {}, settings = testSettings()) {
  const { app, page } = pageApp({ gateway: gw, store: emptyStore, live, settings });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  pages.push(page);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, page, link: (id: string) => page.trackingLink(id).replace('http://127.0.0.1', base) };
}

async function open(url: string): Promise<Sse> {
  const ac = new AbortController();
  const res = await fetch(url, { signal: ac.signal, headers: { Accept: 'text/event-stream' } });
  const queue: Array<{ kind: string; data?: unknown }> = [];
  const waiters: Array<() => void> = [];
  let done = false;
  const ended = (async () => {
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        buf += decoder.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (block.startsWith(': ping')) queue.push({ kind: 'ping' });
          const ev = /^event: (\w+)\ndata: (.*)$/m.exec(block);
          if (ev) queue.push({ kind: ev[1]!, data: JSON.parse(ev[2]!) });
          waiters.splice(0).forEach((w) => w());
        }
      }
    } catch {
      /* aborted */
    } finally {
      done = true;
      waiters.splice(0).forEach((w) => w());
    }
  })();
  return {
    status: res.status,
    async next(kind) {
      for (;;) {
        const i = queue.findIndex((e) => e.kind === kind);
        if (i >= 0) return queue.splice(0, i + 1).pop() as never;
        if (done) throw new Error(`stream ended before a ${kind}`);
        await new Promise<void>((r) => waiters.push(r));
      }
    },
    ended,
    close: () => ac.abort(),
  };
}

function eventsUrl(link: string, version?: string): string {
  const u = new URL(link);
  u.pathname += '/events';
  if (version) u.searchParams.set('v', version);
  return u.toString();
}

async function pageVersion(link: string): Promise<string> {
  const html = await (await fetch(link)).text();
  return /data-version="([^"]+)"/.exec(html)![1]!;
}

describe('live updates', () => {
  it('send nothing while nothing changes, then the changed sections and a headline when the shipment moves', async () => {
    const gw = new StubGateway();
    gw.views.set('LIVE-1', view('LIVE-1'));
    const { link } = await serve(gw);
    const sse = await open(eventsUrl(link('LIVE-1'), await pageVersion(link('LIVE-1'))));
    expect(sse.status).toBe(200);
    await sse.next('ping'); // a full poll went by with the page already current: no update was sent
    gw.views.set('LIVE-1', view('LIVE-1', { status: 'out_for_delivery', timeline: [...view('LIVE-1').timeline, { ...view('LIVE-1').timeline[0]!, key: 'ofd', status: 'out_for_delivery', description: 'Out for delivery with Ramesh', occurredAt: '2026-03-03T03:00:00Z' }] }));
    const { data } = await sse.next('update');
    expect(data!.headline).toBe('Out for delivery');
    expect(data!.final).toBe(false);
    expect(data!.sections.status).toContain('<p class="headline">Out for delivery</p>');
    expect(data!.sections.timeline).toContain('Out for delivery with Ramesh');
    // The same state again is not sent again.
    await sse.next('ping');
    sse.close();
  });

  it('end with a final update when the shipment is delivered', async () => {
    const gw = new StubGateway();
    gw.views.set('LIVE-2', view('LIVE-2'));
    const { link } = await serve(gw);
    const sse = await open(eventsUrl(link('LIVE-2'), await pageVersion(link('LIVE-2'))));
    gw.views.set('LIVE-2', view('LIVE-2', { status: 'delivered' }));
    const { data } = await sse.next('update');
    expect(data).toMatchObject({ headline: 'Delivered', final: true });
    await sse.ended;
  });

  it('are checked like the page: a bad link gets 403 and no stream', async () => {
    const gw = new StubGateway();
    gw.views.set('LIVE-3', view('LIVE-3'));
    const { base } = await serve(gw);
    const res = await fetch(`${base}/order-tracking/LIVE-3/events?t=abc.AAAAAAAAAAAAAAAAAAAAAA`);
    expect(res.status).toBe(403);
    expect(await res.text()).toBe('forbidden');
    expect(gw.trackingCalls).toBe(0);
  });

  it('are capped per order and in total, and a closed stream frees its place', async () => {
    const gw = new StubGateway();
    for (const id of ['CAP-1', 'CAP-2', 'CAP-3']) gw.views.set(id, view(id));
    const { link, page } = await serve(gw, { maxPerOrder: 1 }, testSettings({ live: { pollMs: 100, maxConnections: 2 } }));
    const a = await open(eventsUrl(link('CAP-1')));
    expect(a.status).toBe(200);
    const again = await fetch(eventsUrl(link('CAP-1')));
    expect(again.status).toBe(503);
    expect(again.headers.get('retry-after')).toBe('30');
    const b = await open(eventsUrl(link('CAP-2')));
    expect(b.status).toBe(200);
    expect((await fetch(eventsUrl(link('CAP-3')))).status).toBe(503);
    a.close();
    await a.ended;
    // The server learns of the close asynchronously; wait for the place to be freed, then use it.
    let c = await fetch(eventsUrl(link('CAP-3')));
    while (c.status === 503) {
      await new Promise((r) => setTimeout(r, 20));
      c = await fetch(eventsUrl(link('CAP-3')));
    }
    expect(c.status).toBe(200);
    page.close();
  });

  it('are off (204: the browser stops asking) when TRACKING_LIVE_MAX_CONNECTIONS is 0, and the page links no stream', async () => {
    const gw = new StubGateway();
    gw.views.set('OFF-1', view('OFF-1'));
    const { link } = await serve(gw, {}, testSettings({ live: { pollMs: 100, maxConnections: 0 } }));
    expect((await fetch(eventsUrl(link('OFF-1')))).status).toBe(204);
    expect(await (await fetch(link('OFF-1'))).text()).not.toContain(' data-events="');
  });

  it('close() ends every open stream, so the server can shut down', async () => {
    const gw = new StubGateway();
    gw.views.set('BYE-1', view('BYE-1'));
    const { link, page } = await serve(gw);
    const sse = await open(eventsUrl(link('BYE-1')));
    await sse.next('update'); // no version given: the current state comes at once
    page.close();
    await sse.ended;
  });
});

describe('the live hub', () => {
  it('reads an order once per interval however many pages are open, and stops when the last one goes', async () => {
    vi.useFakeTimers();
    try {
      const loads: string[] = [];
      const hub = new LiveHub(async (id) => {
        loads.push(id);
        return null as PageModel | null;
      }, { pollMs: 1_000, maxConnections: 10, maxPerOrder: 5, maxConnectionMs: 60_000 });
      const seen: number[] = [0, 0, 0];
      const subs = [0, 1, 2].map((i) => hub.subscribe('ORD-1', () => void (seen[i]! += 1))!);
      const other = hub.subscribe('ORD-2', () => {})!;
      await vi.advanceTimersByTimeAsync(0);
      expect(loads.filter((id) => id === 'ORD-1')).toHaveLength(1); // the three joined one read
      await vi.advanceTimersByTimeAsync(3_000);
      expect(loads.filter((id) => id === 'ORD-1')).toHaveLength(4);
      expect(seen).toEqual([4, 4, 4]);
      expect(hub.connections).toBe(4);
      subs.forEach((off) => off());
      other();
      expect(hub.connections).toBe(0);
      const before = loads.length;
      await vi.advanceTimersByTimeAsync(5_000);
      expect(loads).toHaveLength(before);
    } finally {
      vi.useRealTimers();
    }
  });
});
