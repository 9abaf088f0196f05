// The simulator on 127.0.0.1 (ephemeral port), a webhook receiver beside it, and a real client wired
// to both, for the contract and fault tests.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import { createIcarryClient, type IcarryClientOptions, type IcarryConfigInput } from '../../../src/couriers/icarry';
import type { CourierCallObservation, CourierClient } from '../../../src/couriers/types';
import { createIcarrySimulator, ICARRY_SIM_DEFAULTS, type IcarrySimulator, type IcarrySimulatorOptions } from '../../../src/simulators/icarry';
import { ManualClock } from '../../../src/simulators/scenario';

export interface Received {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  receivedAt: number;
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A bare HTTP endpoint that keeps every callback, raw, and answers 200. */
export async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), receivedAt: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  const url = await listen(server);
  return { url, received, close: () => close(server) };
}

export interface SimHarness {
  sim: IcarrySimulator;
  clock: ManualClock;
  baseUrl: string;
  client: CourierClient;
  observations: CourierCallObservation[];
  /** A second client (its own token, its own journal): another worker process. */
  newClient(overrides?: Partial<IcarryConfigInput>, options?: IcarryClientOptions, http?: { dispatcher?: Dispatcher }): CourierClient;
  close(): Promise<void>;
}

export async function startSim(
  options: Partial<IcarrySimulatorOptions> = {},
  clientConfig: Partial<IcarryConfigInput> = {},
  clientOptions: IcarryClientOptions = {},
): Promise<SimHarness> {
  const clock = new ManualClock();
  const sim = createIcarrySimulator({ clock, ...options });
  const server = createServer(sim.app);
  const baseUrl = await listen(server);
  const observations: CourierCallObservation[] = [];
  const newClient = (overrides: Partial<IcarryConfigInput> = {}, opts: IcarryClientOptions = {}, http: { dispatcher?: Dispatcher } = {}) =>
    createIcarryClient(
      {
        baseUrl,
        username: ICARRY_SIM_DEFAULTS.username,
        apiKey: ICARRY_SIM_DEFAULTS.apiKey,
        pickupAddressId: ICARRY_SIM_DEFAULTS.pickupAddressIds[0],
        pickupPincode: '560068',
        timeoutMs: 5_000,
        ...overrides,
      },
      { now: () => clock.now(), observe: (o) => observations.push(o) },
      http,
      opts,
    );
  return {
    sim,
    clock,
    baseUrl,
    client: newClient(clientConfig, clientOptions),
    observations,
    newClient,
    close: async () => {
      sim.faults.releaseHanging();
      await close(server);
    },
  };
}
