// In-memory stand-ins for the store integration's storage, for workflow tests on the time-skipping
// server: the endpoints (with what each delivery became) and the feed. Deliveries go over real HTTP to
// a local receiver whose answers a test scripts.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StoreWebhookDeps } from '../../src/activities';
import type { StoreEvent, StoreEventType } from '../../src/domain/store-events';
import type { DecryptedStoreEndpoint, DeliveryStatus, StoreDeliveryDoc, StoreEndpointHealth } from '../../src/storage/store-endpoints-repo';

export class MemoryStoreEndpoints implements Pick<StoreWebhookDeps['endpoints'], keyof StoreWebhookDeps['endpoints']> {
  readonly endpoints = new Map<string, DecryptedStoreEndpoint>();
  readonly deliveries = new Map<string, StoreDeliveryDoc>();

  add(id: string, url: string, eventTypes: StoreEventType[] = [], secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'): void {
    this.endpoints.set(id, { id, url, eventTypes, enabled: true, secrets: [secret], health: {} });
  }
  async subscribers(type: StoreEventType): Promise<string[]> {
    return [...this.endpoints.values()].filter((e) => e.enabled && (e.eventTypes.length === 0 || e.eventTypes.includes(type))).map((e) => e.id);
  }
  async decrypted(id: string): Promise<DecryptedStoreEndpoint | null> {
    const e = this.endpoints.get(id);
    return e ? { ...e } : null;
  }
  async delivery(endpointId: string, eventId: string): Promise<StoreDeliveryDoc | null> {
    return this.deliveries.get(`${endpointId}|${eventId}`) ?? null;
  }
  async recordAttempt(endpointId: string, event: { id: string; orderId: string; type: StoreEventType }, o: { status: DeliveryStatus; statusCode?: number; error?: string }): Promise<void> {
    const key = `${endpointId}|${event.id}`;
    const at = new Date().toISOString();
    const prev = this.deliveries.get(key);
    this.deliveries.set(key, {
      _id: key,
      endpointId,
      eventId: event.id,
      orderId: event.orderId,
      type: event.type,
      status: o.status,
      attempts: (prev?.attempts ?? 0) + (o.status === 'skipped' ? 0 : 1),
      ...(o.statusCode !== undefined ? { lastStatusCode: o.statusCode } : {}),
      ...(o.error !== undefined ? { lastError: o.error } : {}),
      firstAttemptAt: prev?.firstAttemptAt ?? at,
      lastAttemptAt: at,
    });
  }
  async recordHealth(id: string, ok: boolean, error?: string): Promise<StoreEndpointHealth | null> {
    const e = this.endpoints.get(id);
    if (!e) return null;
    const at = new Date().toISOString();
    e.health = ok ? { lastSuccessAt: at } : { ...e.health, lastFailureAt: at, failingSince: e.health.failingSince ?? at, ...(error ? { lastError: error } : {}) };
    return e.health;
  }
  async disable(id: string): Promise<void> {
    const e = this.endpoints.get(id);
    if (e) e.enabled = false;
  }
}

export class MemoryFeed {
  readonly events: StoreEvent[] = [];
  async write(events: StoreEvent[]): Promise<void> {
    this.events.push(...events);
  }
  async event(id: string): Promise<StoreEvent | null> {
    return this.events.find((e) => e.id === id) ?? null;
  }
}

export interface Receiver {
  url: string;
  /** Every request, in arrival order. */
  received: Array<{ headers: IncomingHttpHeaders; body: string; status: number }>;
  /** What the next requests are answered (default 200). */
  answer: (body: string) => { status: number; headers?: Record<string, string>; delayMs?: number };
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const r: Receiver = {
    url: '',
    received: [],
    answer: () => ({ status: 200 }),
    close: () => new Promise<void>((res) => server.close(() => res())),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const a = r.answer(body);
      r.received.push({ headers: req.headers, body, status: a.status });
      setTimeout(() => res.writeHead(a.status, a.headers ?? {}).end(), a.delayMs ?? 0);
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return r;
}

/** The store-event ids each request carried, per endpoint path. */
export function deliveredIds(r: Receiver, status = 200): string[] {
  return r.received.filter((x) => x.status === status).map((x) => (JSON.parse(x.body) as { id: string }).id);
}
