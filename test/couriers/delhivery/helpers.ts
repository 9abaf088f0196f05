// Shared wiring for the Delhivery tests: recorded fixtures behind undici's MockAgent, and the simulator
// on an ephemeral 127.0.0.1 port.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { MockAgent, type Interceptable } from 'undici';
import { createDelhiveryClient, type DelhiveryConfigInput } from '../../../src/couriers/delhivery';
import type { CourierCallObservation, CourierClient, CreateShipmentRequest } from '../../../src/couriers/types';
import { createDelhiverySimulator, SIM_DEFAULTS, type DelhiverySimulator, type DelhiverySimulatorOptions } from '../../../src/simulators/delhivery';
import { ManualClock } from '../../../src/simulators/scenario';

export const BASE = 'https://track.delhivery.com';
export const TOKEN = 'dlv-test-token-7f3a9c1e5b';
export const WAREHOUSE = 'Main WH';
export const NOW = Date.UTC(2026, 0, 5, 4, 30);

export function fixtureText(name: string): string {
  return readFileSync(join(__dirname, '../../fixtures/delhivery', name), 'utf8');
}

export function fixture<T = unknown>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

export function sampleRequest(overrides: Partial<CreateShipmentRequest> = {}): CreateShipmentRequest {
  return {
    orderId: 'ORD-1001',
    orderDate: '2026-01-05T04:00:00.000Z',
    consignee: {
      name: 'Asha Rao',
      phone: '9876543210',
      address1: 'Flat 4, Sunrise Apartments',
      address2: 'Link Road, Malad West',
      city: 'Mumbai',
      state: 'Maharashtra',
      pincode: '400064',
      country: 'IN',
    },
    items: [
      { name: 'Herbal tea', sku: 'TEA-1', quantity: 2, unitPrice: 300 },
      { name: 'Honey', sku: 'HNY-1', quantity: 1, unitPrice: 420 },
    ],
    paymentMethod: 'cod',
    codAmount: 1020,
    orderValue: 1020,
    parcel: { weightGrams: 750, lengthCm: 20, breadthCm: 15, heightCm: 10 },
    ...overrides,
  };
}

export interface Recorded {
  observations: CourierCallObservation[];
  unmapped: string[];
}

export interface MockedDelhivery extends Recorded {
  agent: MockAgent;
  pool: Interceptable;
  client: CourierClient;
}

export function mockDelhivery(config: Partial<DelhiveryConfigInput> = {}): MockedDelhivery {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get<Interceptable>(BASE);
  const recorded: Recorded = { observations: [], unmapped: [] };
  const client = createDelhiveryClient(
    { apiToken: TOKEN, warehouseName: WAREHOUSE, ...config },
    { now: () => NOW, observe: (o) => recorded.observations.push(o), onUnmappedStatus: (_c, code) => recorded.unmapped.push(code) },
    { dispatcher: agent },
  );
  return { agent, pool, client, ...recorded };
}

/** What a mocked endpoint received. */
export interface CapturedRequest {
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

export function headersOf(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  if (typeof (h as Headers).forEach === 'function' && !(h instanceof Array)) {
    (h as Headers).forEach((v, k) => (out[k.toLowerCase()] = v));
    return out;
  }
  for (const [k, v] of Object.entries(h as Record<string, string>)) out[k.toLowerCase()] = String(v);
  return out;
}

/** Intercepts one request and answers it; the returned array fills with what was sent. */
export function answer(
  pool: Interceptable,
  match: { path: string | RegExp | ((p: string) => boolean); method?: string },
  status: number,
  body: string | object,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): CapturedRequest[] {
  const captured: CapturedRequest[] = [];
  pool.intercept({ path: match.path, method: match.method ?? 'GET' }).reply((opts) => {
    captured.push({ path: opts.path, method: opts.method, headers: headersOf(opts.headers), body: typeof opts.body === 'string' ? opts.body : opts.body ? String(opts.body) : '' });
    return { statusCode: status, data: typeof body === 'string' ? body : JSON.stringify(body), responseOptions: { headers } };
  });
  return captured;
}

/** Runs a call expected to fail and returns the error. */
export async function failure(p: Promise<unknown>): Promise<Error & Record<string, any>> {
  try {
    await p;
  } catch (e) {
    return e as Error & Record<string, any>;
  }
  throw new Error('expected the call to fail');
}

// ---------------------------------------------------------------------------------------------------
// The simulator on a real socket

export interface RunningSim extends Recorded {
  sim: DelhiverySimulator;
  clock: ManualClock;
  baseUrl: string;
  client: CourierClient;
  close(): Promise<void>;
}

export async function startSim(
  opts: Partial<DelhiverySimulatorOptions> = {},
  clientConfig: Partial<DelhiveryConfigInput> = {},
): Promise<RunningSim> {
  const clock = new ManualClock(NOW);
  const sim = createDelhiverySimulator({ clock, ...opts });
  const server: Server = createServer(sim.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const recorded: Recorded = { observations: [], unmapped: [] };
  const client = createDelhiveryClient(
    { baseUrl, apiToken: SIM_DEFAULTS.token, warehouseName: SIM_DEFAULTS.warehouse, timeoutMs: 2_000, ...clientConfig },
    { now: () => clock.now(), observe: (o) => recorded.observations.push(o), onUnmappedStatus: (_c, code) => recorded.unmapped.push(code) },
  );
  return {
    sim,
    clock,
    baseUrl,
    client,
    ...recorded,
    close: async () => {
      sim.faults.releaseHanging();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Moves the simulator's clock and emits every scan due. */
export function advance(s: RunningSim, hours: number): number {
  s.clock.advance(hours * 3_600_000);
  return s.sim.tick();
}
