// A local Shiprocket: the documented endpoints with their validation, envelopes, status codes and quirks
// (couriers.md §1), per-shipment state driven by the shared scenario engine, and tracking webhooks in
// Shiprocket's format. Shiprocket has no sandbox, so this is what the client is tested against.
import express, { type NextFunction, type Request, type Response } from 'express';
import { mountControlRoutes } from '../control';
import { SIMULATOR_DEFAULTS } from '../defaults';
import { Faults } from '../faults';
import { ScenarioEngine, type ScenarioName } from '../scenario';
import type { CourierSimulator, SimulatorOptions } from '../types';
import { WebhookPusher } from '../webhook-pusher';
import { notFound, type SimContext } from './context';
import { webhookBody } from './payloads';
import { mountAuth, requireToken } from './routes/auth';
import { mountCourier } from './routes/courier';
import { mountNdr } from './routes/ndr';
import { mountOrders } from './routes/orders';
import { mountTracking } from './routes/tracking';
import { dressScan } from './scans';
import { SimStore } from './store';

const shared = SIMULATOR_DEFAULTS.shiprocket;

/**
 * Accepted unless SimulatorOptions.credentials says otherwise (keys: email, password, pickupLocation,
 * pickupPincode). The same values the worker's registry sends to a simulator, so they cannot drift.
 */
export const SHIPROCKET_SIM_DEFAULTS = {
  email: shared.apiKey,
  password: shared.apiSecret ?? 'sim-password',
  pickupLocation: shared.fields.pickupLocation ?? 'Primary',
  pickupPincode: shared.fields.pickupPincode ?? '560068',
  webhookSecret: shared.webhookSecret,
} as const;

export interface ShiprocketSimulator extends CourierSimulator {
  readonly store: SimStore;
  /** Make every issued token fail from now on, as it would after its 10 days (also POST /__sim/tokens/expire). */
  expireTokens(): void;
  /** The security token sent in `x-api-key` with every webhook; none is sent when empty. */
  webhookSecret: string | undefined;
}

/** The body as JSON, or nothing: a PHP backend sees unparsable input as no input at all. */
function jsonBody(req: Request, _res: Response, next: NextFunction): void {
  const raw: unknown = req.body;
  let parsed: unknown;
  if (Buffer.isBuffer(raw) && raw.length > 0) {
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      parsed = undefined;
    }
  }
  req.body = parsed;
  next();
}

export function createShiprocketSimulator(opts: SimulatorOptions): ShiprocketSimulator {
  const clock = opts.clock;
  const store = new SimStore(clock);
  const scenarios = new Map<string, ScenarioName>();
  const { secret = SHIPROCKET_SIM_DEFAULTS.webhookSecret, ...pushOptions } = opts.webhook ?? {};
  const pusher = new WebhookPusher(pushOptions);
  const faults = new Faults();
  if (opts.faults) faults.set(opts.faults);

  const engine = new ScenarioEngine(clock, (shipment, scan) => {
    const order = store.byAwb(shipment.awb);
    if (!order) return;
    order.scans.push(dressScan(scan, order.scans));
    // One push per new scan (SR-WH), "NA" scans included (couriers.md §5.3 leaves that open).
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (sim.webhookSecret) headers['x-api-key'] = sim.webhookSecret;
    pusher.push({ body: JSON.stringify(webhookBody(order)), headers });
  });
  engine.timeScale = opts.timeScale ?? 1;

  const creds = opts.credentials ?? {};
  const ctx: SimContext = {
    clock,
    store,
    engine,
    credentials: { email: creds.email ?? SHIPROCKET_SIM_DEFAULTS.email, password: creds.password ?? SHIPROCKET_SIM_DEFAULTS.password },
    pickupLocation: {
      nickname: creds.pickupLocation ?? SHIPROCKET_SIM_DEFAULTS.pickupLocation,
      pincode: creds.pickupPincode ?? SHIPROCKET_SIM_DEFAULTS.pickupPincode,
    },
    scenarioFor: (orderId) => scenarios.get(orderId) ?? opts.defaultScenario ?? 'happy',
  };

  const app = express();
  const sim: ShiprocketSimulator = {
    courier: 'shiprocket',
    app,
    engine,
    faults,
    pusher,
    store,
    webhookSecret: secret === '' ? undefined : secret,
    setScenario: (orderId, scenario) => void scenarios.set(orderId, scenario),
    tick: () => engine.tick(),
    expireTokens: () => store.expireTokens(),
  };

  mountControlRoutes(app, sim, (s) => {
    sim.webhookSecret = s === '' ? undefined : s;
  });
  app.post('/__sim/tokens/expire', (_req, res) => {
    sim.expireTokens();
    res.json({ ok: true });
  });

  app.use(faults.middleware);
  app.use(express.raw({ type: () => true, limit: '2mb' }), jsonBody);
  const api = express.Router();
  mountAuth(api, ctx);
  api.use(requireToken(ctx));
  mountOrders(api, ctx);
  mountCourier(api, ctx);
  mountTracking(api, ctx);
  mountNdr(api, ctx);
  app.use(api);
  app.use((_req: Request, res: Response) => {
    res.status(404).json(notFound);
  });
  app.use((_err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ message: 'Server Error', status_code: 500 });
  });
  return sim;
}
