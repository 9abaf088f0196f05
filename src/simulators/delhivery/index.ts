// A local Delhivery B2C (Express) API: the documented endpoints with their validation, shapes, codes and
// quirks, per-shipment state driven by the shared ScenarioEngine, and scan pushes in Delhivery's format.
import express, { type NextFunction, type Request, type Response } from 'express';
import { mountControlRoutes } from '../control';
import { Faults, type FaultConfig } from '../faults';
import { ScenarioEngine, type ScenarioName } from '../scenario';
import type { CourierSimulator } from '../types';
import { WebhookPusher, type PushOptions } from '../webhook-pusher';
import type { SimContext } from './context';
import { SIM_DEFAULTS, type DelhiverySimulatorOptions } from './defaults';
import { createRoutes } from './routes/create';
import { editRoutes } from './routes/edit';
import { ndrRoutes } from './routes/ndr';
import { pincodeRoutes } from './routes/pincodes';
import { trackingRoutes } from './routes/tracking';
import { appendScan, renderScan } from './scans';
import { DelhiveryStore } from './store';
import { scanPush } from './views';
import { WafLimiter } from './waf';

export { SIM_DEFAULTS } from './defaults';
export type { DelhiverySimulatorOptions } from './defaults';
export { isSimEmbargoed, simTakesCod } from './routes/pincodes';

/** Delhivery throttles with its WAF's 403 page, so that is the default for injected rate limiting too. */
class DelhiveryFaults extends Faults {
  override set(config: FaultConfig): void {
    super.set({ rateLimitStatus: 403, ...config });
  }
}

/**
 * Delhivery retries a failed push once, immediately, then drops it. The shared control route assigns
 * `retries` from its request body even when absent; an undefined assignment keeps Delhivery's policy.
 */
function delhiveryPushOptions(initial: PushOptions): PushOptions {
  let retries = initial.retries ?? 1;
  const options: PushOptions = { ...initial };
  delete options.retries;
  Object.defineProperty(options, 'retries', {
    enumerable: true,
    get: () => retries,
    set: (v: number | undefined) => {
      if (typeof v === 'number' && v >= 0) retries = v;
    },
  });
  return options;
}

export interface DelhiverySimulator extends CourierSimulator {
  /** Below ₹500 every create fails with Delhivery's insufficient-balance remark. */
  setWalletBalance(rupees: number): void;
}

export function createDelhiverySimulator(opts: DelhiverySimulatorOptions): DelhiverySimulator {
  const creds = opts.credentials ?? {};
  const store = new DelhiveryStore();
  const scenarios = new Map<string, ScenarioName>();
  const faults = new DelhiveryFaults();
  faults.set(opts.faults ?? {});
  const pusher = new WebhookPusher(delhiveryPushOptions(opts.webhook ?? {}));
  let webhookSecret = opts.webhook?.secret ?? SIM_DEFAULTS.webhookSecret;
  const headerName = opts.webhookHeader?.name ?? SIM_DEFAULTS.webhookHeader;
  const scheme = opts.webhookHeader?.scheme ?? SIM_DEFAULTS.webhookScheme;
  let walletBalance = opts.walletBalance ?? SIM_DEFAULTS.walletBalance;

  const push = (body: Record<string, unknown>) =>
    pusher.push({
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', [headerName]: scheme === 'raw' ? webhookSecret : `${scheme} ${webhookSecret}` },
    });

  const record: SimContext['record'] = (p, scans, location) => {
    for (const s of scans) push(scanPush(p, appendScan(p, s, location)));
  };
  const engine = new ScenarioEngine(opts.clock, (shipment, scan) => {
    const p = store.packages.get(shipment.awb);
    if (p) record(p, renderScan(p, scan), scan.location);
  });
  engine.timeScale = opts.timeScale ?? 1;

  const ctx: SimContext = {
    clock: opts.clock,
    engine,
    store,
    auth: { token: creds.token ?? SIM_DEFAULTS.token, otherEnvToken: creds.otherEnvToken ?? SIM_DEFAULTS.otherEnvToken },
    warehouse: creds.warehouse ?? SIM_DEFAULTS.warehouse,
    clientName: creds.clientName ?? SIM_DEFAULTS.clientName,
    limiter: new WafLimiter(opts.clock),
    limits: {
      tracking: opts.limits?.trackingPer5Min ?? SIM_DEFAULTS.trackingPer5Min,
      pincode: opts.limits?.pincodePer5Min ?? SIM_DEFAULTS.pincodePer5Min,
    },
    walletBalance: () => walletBalance,
    scenarioFor: (orderId) => scenarios.get(orderId) ?? opts.defaultScenario ?? 'happy',
    record,
  };

  const app = express();
  app.disable('x-powered-by');
  const sim: DelhiverySimulator = {
    courier: 'delhivery',
    app,
    engine,
    faults,
    pusher,
    setScenario: (orderId, scenario) => void scenarios.set(orderId, scenario),
    tick: () => engine.tick(),
    setWalletBalance: (n) => void (walletBalance = n),
  };

  mountControlRoutes(app, sim, (secret) => void (webhookSecret = secret));
  // Bodies are read before fault injection, so injected latency sits between Delhivery receiving a
  // request and answering it: a client that times out has lost the answer to a request that was still
  // processed, the case idempotent booking exists for. (The routes' own parsers then skip.)
  app.post('/api/cmu/create.json', express.text({ type: () => true, limit: '2mb' }));
  app.post(['/api/p/edit', '/api/p/update'], express.json({ type: () => true }));
  app.use(faults.middleware);
  app.use(createRoutes(ctx));
  app.use(trackingRoutes(ctx));
  app.use(pincodeRoutes(ctx));
  app.use(editRoutes(ctx));
  app.use(ndrRoutes(ctx));
  // Delhivery's unknown paths and crashes come from Django: HTML pages.
  app.use((_req: Request, res: Response) => void res.status(404).type('html').send('<h1>Not Found</h1><p>The requested resource was not found on this server.</p>'));
  app.use((e: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof e === 'object' && e !== null && 'status' in e && typeof e.status === 'number' ? e.status : 500;
    res.status(status).type('html').send(status === 400 ? '<h1>Bad Request (400)</h1>' : '<h1>Server Error (500)</h1>');
  });
  return sim;
}
