// The real client against the simulator on 127.0.0.1, plus a small webhook receiver.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import type { CourierCallObservation, CourierClient, WebhookRequest } from '../../../src/couriers/types';
import { createShiprocketClient } from '../../../src/couriers/shiprocket';
import { ManualClock } from '../../../src/simulators/scenario';
import { createShiprocketSimulator, SHIPROCKET_SIM_DEFAULTS, type ShiprocketSimulator } from '../../../src/simulators/shiprocket';
import type { SimulatorOptions } from '../../../src/simulators/types';

export const WEBHOOK_SECRET = 'contract-webhook-token';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export interface SimHarness {
  clock: ManualClock;
  sim: ShiprocketSimulator;
  baseUrl: string;
  client: CourierClient;
  observations: CourierCallObservation[];
  unmapped: string[];
  /** Webhooks received, as the API would hand them to shiprocketWebhook. */
  deliveries: WebhookRequest[];
  /** A client with other settings against the same simulator. */
  clientWith(overrides: Record<string, unknown>): CourierClient;
  /** Move simulated time, emit due scans and wait for their webhooks. */
  advance(hours: number): Promise<number>;
  /** A raw call to the simulator (own login), for setting up states the client would not create. */
  raw(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export async function startSim(options: Partial<SimulatorOptions> = {}): Promise<SimHarness> {
  const deliveries: WebhookRequest[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, rawBody: Buffer.concat(chunks), receivedAt: Date.now() });
      res.statusCode = 200;
      res.end();
    });
  });
  const receiverUrl = await listen(receiver);

  const clock = new ManualClock();
  const sim = createShiprocketSimulator({ clock, webhook: { url: `${receiverUrl}/hooks/courier-push`, secret: WEBHOOK_SECRET }, ...options });
  const server = createServer(sim.app);
  const baseUrl = await listen(server);
  const observations: CourierCallObservation[] = [];
  const unmapped: string[] = [];
  const clientWith = (overrides: Record<string, unknown>) =>
    createShiprocketClient(
      { baseUrl, email: SHIPROCKET_SIM_DEFAULTS.email, password: SHIPROCKET_SIM_DEFAULTS.password, pickupLocation: 'Primary', pickupPincode: '560068', ...overrides },
      { now: () => clock.now(), observe: (o) => observations.push(o), onUnmappedStatus: (_c, code) => unmapped.push(code) },
    );

  let rawToken: string | undefined;
  const raw = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    if (!rawToken) {
      const login = await request(`${baseUrl}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: SHIPROCKET_SIM_DEFAULTS.email, password: SHIPROCKET_SIM_DEFAULTS.password }),
      });
      rawToken = ((await login.body.json()) as { token: string }).token;
    }
    const res = await request(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${rawToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
  };

  return {
    clock,
    sim,
    baseUrl,
    client: clientWith({}),
    observations,
    unmapped,
    deliveries,
    clientWith,
    raw,
    advance: async (hours) => {
      clock.advance(hours * 3_600_000);
      const n = sim.tick();
      await sim.pusher.flush();
      return n;
    },
    close: async () => {
      sim.faults.releaseHanging();
      await Promise.all([close(server), close(receiver)]);
    },
  };
}
