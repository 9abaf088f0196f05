// Shared set-up for the recorded-payload tests: a MockAgent standing in for https://www.icarry.in that
// records every request, and a client wired to it on a manual clock.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MockAgent } from 'undici';
import { createIcarryClient, type IcarryClientOptions, type IcarryConfigInput } from '../../../src/couriers/icarry';
import type { CourierCallObservation, CourierClient, CreateShipmentRequest } from '../../../src/couriers/types';
import { ManualClock } from '../../../src/simulators/scenario';

export const BASE = 'https://www.icarry.in';
export const TOKEN = '42b1731751593218bd256cbf01';
export const API_KEY = 'test-icarry-api-key-7f3a9c';

export function fixture(name: string): string {
  return readFileSync(join(__dirname, '../../fixtures/icarry', name), 'utf8');
}

export interface Recorded {
  path: string;
  body: string;
  /** The form body as PHP would see its keys: literal bracketed names → values. */
  form: Record<string, string>;
  headers: Record<string, string>;
}

type Reply = string | { status: number; text: string; headers?: Record<string, string> };

export interface Harness {
  agent: MockAgent;
  clock: ManualClock;
  client: CourierClient;
  requests: Recorded[];
  observations: CourierCallObservation[];
  unmapped: string[];
  /** Answer the next `times` POSTs to `path` (exact, including `&api_token=…`). */
  on(path: string, reply: Reply | ((req: Recorded) => Reply), times?: number): void;
  /** The login, answered with `token`. */
  login(token?: string, times?: number): void;
  /** Requests to `endpoint` (login or api_…) answered by `on`, in order. */
  sent(endpoint: string): Recorded[];
  /** Every request dispatched to `endpoint`, answered or not (MockAgent's call history). */
  attempts(endpoint: string): number;
}

export function config(overrides: Partial<IcarryConfigInput> = {}): IcarryConfigInput {
  return { username: 'merchant@example.in', apiKey: API_KEY, pickupAddressId: '55', pickupPincode: '560099', ...overrides };
}

export function harness(overrides: Partial<IcarryConfigInput> = {}, options: IcarryClientOptions = {}): Harness {
  const agent = new MockAgent({ enableCallHistory: true });
  agent.disableNetConnect();
  const pool = agent.get(BASE);
  const clock = new ManualClock();
  const requests: Recorded[] = [];
  const observations: CourierCallObservation[] = [];
  const unmapped: string[] = [];
  const client = createIcarryClient(
    config(overrides),
    { now: () => clock.now(), observe: (o) => observations.push(o), onUnmappedStatus: (_c, code) => unmapped.push(code) },
    { dispatcher: agent },
    options,
  );
  const record = (opts: { path: string; body?: unknown; headers?: unknown }): Recorded => {
    const body = typeof opts.body === 'string' ? opts.body : '';
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((opts.headers ?? {}) as Record<string, string>)) headers[k.toLowerCase()] = String(v);
    const r = { path: opts.path, body, form: Object.fromEntries(new URLSearchParams(body)), headers };
    requests.push(r);
    return r;
  };
  const on: Harness['on'] = (path, reply, times = 1) => {
    pool
      .intercept({ path, method: 'POST' })
      .reply((opts) => {
        const req = record(opts);
        const r = typeof reply === 'function' ? reply(req) : reply;
        const res = typeof r === 'string' ? { status: 200, text: r } : r;
        return { statusCode: res.status, data: res.text, responseOptions: { headers: { 'content-type': 'application/json', ...res.headers } } };
      })
      .times(times);
  };
  return {
    agent,
    clock,
    client,
    requests,
    observations,
    unmapped,
    on,
    login: (token = TOKEN, times = 1) => on('/api_login', JSON.stringify({ success: 'Success: API session successfully started!', api_token: token }), times),
    sent: (endpoint) => requests.filter((r) => matches(r.path, endpoint)),
    attempts: (endpoint) => (agent.getCallHistory()?.calls() ?? []).filter((c) => matches(c.path, endpoint)).length,
  };
}

const matches = (path: string, endpoint: string) => path === `/${endpoint}` || path.startsWith(`/${endpoint}&`);

export const at = (endpoint: string, token = TOKEN) => `/${endpoint}&api_token=${token}`;

export function shipmentRequest(overrides: Partial<CreateShipmentRequest> = {}): CreateShipmentRequest {
  return {
    orderId: 'ORD-1001',
    orderDate: '2026-01-05T04:00:00.000Z',
    consignee: {
      name: 'A Kumar',
      phone: '9876543210',
      address1: '12 Example Street',
      address2: 'Near Park',
      city: 'Mumbai',
      state: 'Maharashtra',
      pincode: '400001',
      country: 'IN',
    },
    items: [
      { name: 'Herbal tea', sku: 'TEA-1', quantity: 2, unitPrice: 250 },
      { name: 'Cold pressed groundnut oil', sku: 'OIL-1', quantity: 1, unitPrice: 1000 },
    ],
    paymentMethod: 'prepaid',
    codAmount: 0,
    orderValue: 1500,
    parcel: { weightGrams: 1500, lengthCm: 20, breadthCm: 15, heightCm: 10.2 },
    ...overrides,
  };
}

export async function rejection(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}
