// Shared by the Shiprocket tests: recorded fixtures, a MockAgent-backed client, and a sample order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MockAgent } from 'undici';
import type { CourierCallObservation, CourierClient, CreateShipmentRequest } from '../../../src/couriers/types';
import { createShiprocketClient } from '../../../src/couriers/shiprocket';
import { ManualClock } from '../../../src/simulators/scenario';

export const ORIGIN = 'https://apiv2.shiprocket.in';
export const BASE = '/v1/external';
export const PASSWORD = 'recorded-Passw0rd!';
export const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.recorded-fixture-token.c2lnbmF0dXJl';

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(__dirname, '../../fixtures/shiprocket', `${name}.json`), 'utf8'));
}

export interface Harness {
  client: CourierClient;
  agent: MockAgent;
  pool: ReturnType<MockAgent['get']>;
  clock: ManualClock;
  observations: CourierCallObservation[];
  unmapped: string[];
  /** Requests as sent, in order: method, path with query, headers, parsed body. */
  calls(): Array<{ method: string; path: string; headers: Record<string, string>; body: unknown }>;
  /** Intercept one login answered with the recorded token. */
  login(token?: string): void;
}

export function harness(config: { courierCompanyId?: number; timeoutMs?: number } = {}): Harness {
  const agent = new MockAgent({ enableCallHistory: true });
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  const clock = new ManualClock();
  const observations: CourierCallObservation[] = [];
  const unmapped: string[] = [];
  const client = createShiprocketClient(
    { email: 'api@waybill.test', password: PASSWORD, pickupLocation: 'Primary', pickupPincode: '560068', ...config },
    { now: () => clock.now(), observe: (o) => observations.push(o), onUnmappedStatus: (_c, code) => unmapped.push(code) },
    { dispatcher: agent },
  );
  return {
    client,
    agent,
    pool,
    clock,
    observations,
    unmapped,
    calls: () =>
      (agent.getCallHistory()?.calls() ?? []).map((c) => {
        const search = new URLSearchParams(c.searchParams).toString();
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(c.headers ?? {})) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        return { method: c.method, path: search ? `${c.path}?${search}` : c.path, headers, body: c.body ? JSON.parse(c.body) : undefined };
      }),
    login: (token = TOKEN) => {
      pool.intercept({ path: `${BASE}/auth/login`, method: 'POST' }).reply(200, { ...(fixture('login-success') as object), token });
    },
  };
}

export const JSON_HEADERS = { headers: { 'content-type': 'application/json' } };

export const ORDER: CreateShipmentRequest = {
  orderId: 'WB-1001',
  orderDate: '2026-01-05T05:40:00.000Z', // 11:10 IST
  consignee: {
    name: 'Asha Rao',
    phone: '9876543210',
    email: 'asha@example.com',
    address1: 'Flat 4B, Lotus Residency',
    address2: 'Near Malad Station',
    city: 'Mumbai',
    state: 'Maharashtra',
    pincode: '400064',
    country: 'IN',
  },
  items: [
    { name: 'Cotton Kurta', sku: 'KRT-01', quantity: 2, unitPrice: 450 },
    { name: 'Dupatta', sku: 'DPT-02', quantity: 1, unitPrice: 300 },
  ],
  paymentMethod: 'prepaid',
  codAmount: 0,
  orderValue: 1200,
  parcel: { weightGrams: 750, lengthCm: 20, breadthCm: 15, heightCm: 5 },
};

/** Await a promise expected to reject, and return what it rejected with. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}
