// A local iCarry: its odd URLs, form-only bodies, 60-minute tokens, IP allow-list, PHP notices, numeric
// AWBs and "track- shipment" URLs, status codes that lag the courier's free text, and callbacks in
// iCarry's formats (status changes as they happen, NDRs only in a daily batch). Defaults and quirk
// switches are documented in docs/couriers/icarry.md.
import express, { type Express } from 'express';
import { mountControlRoutes } from '../control';
import { Faults } from '../faults';
import { ScenarioEngine, type ScenarioName } from '../scenario';
import type { CourierSimulator } from '../types';
import { WebhookPusher } from '../webhook-pusher';
import { ndrBatch, statusCallback, weightDiscrepancyCallback } from './callbacks';
import { NDR_TYPE_FOR, renderStep } from './codes';
import { DEFAULT_QUIRKS, ICARRY_SIM_DEFAULTS, type IcarryQuirks, type IcarrySimulatorOptions } from './defaults';
import { icarryApi } from './routes';
import { IcarryStore, type SimIcarryShipment } from './store';
import { trackView } from './views';

export { ICARRY_SIM_DEFAULTS, DEFAULT_QUIRKS, type IcarryQuirks, type IcarrySimulatorOptions } from './defaults';
export type { SimIcarryShipment } from './store';

export interface IcarrySimulator extends CourierSimulator {
  readonly store: IcarryStore;
  readonly quirks: IcarryQuirks;
  setQuirks(q: Partial<IcarryQuirks>): IcarryQuirks;
  /** Invalidate every session token now, as iCarry may do before the 60 minutes are up. */
  expireTokens(): void;
  /** Send the daily NDR batch (today and yesterday, IST, on the sim clock); returns how many entries. */
  sendNdrBatch(): number;
  /** Send a new_weight_discrepancy callback for an AWB; false when the AWB is unknown. */
  reportWeightDiscrepancy(awb: string, newWeightGrams: number): boolean;
}

export function createIcarrySimulator(opts: IcarrySimulatorOptions): IcarrySimulator {
  const username = opts.credentials?.username ?? ICARRY_SIM_DEFAULTS.username;
  const apiKey = opts.credentials?.apiKey ?? ICARRY_SIM_DEFAULTS.apiKey;
  let webhookSecret = opts.webhook?.secret ?? apiKey;
  let quirks: IcarryQuirks = { ...DEFAULT_QUIRKS, ...opts.quirks };
  const store = new IcarryStore(ICARRY_SIM_DEFAULTS.firstShipmentId, ICARRY_SIM_DEFAULTS.firstAwb);
  const scenarios = new Map<string, ScenarioName>();
  const faults = new Faults();
  faults.set(opts.faults ?? {});
  const pusher = new WebhookPusher({ ...opts.webhook });

  const engine = new ScenarioEngine(opts.clock, (shipment, scan) => {
    const s = store.byAwb.get(shipment.awb);
    if (!s) return;
    const r = renderStep(scan.status, scan.informational);
    let notes = r.notes;
    if (scan.status === 'undelivered') {
      const ndr = NDR_TYPE_FOR[scan.ndr ?? 'other'];
      notes = ndr.notes;
      store.ndr.push({ shipmentId: s.shipmentId, awb: String(s.awb), type: ndr.type, at: scan.at });
    }
    // A cancel through the API already wrote its note.
    if (!(scan.status === 'cancelled' && s.details.some((d) => d.notes === notes))) s.details.push({ at: scan.at, location: scan.location, notes });
    s.location = scan.location;
    if (r.text) s.text = r.text;
    if (!scan.informational && scan.status === 'picked_up') s.datePicked ??= scan.at;
    if (!scan.informational && scan.status === 'delivered') s.dateDelivered = scan.at;
    if (r.code !== undefined && r.code !== s.code) {
      s.code = r.code;
      pusher.push(statusCallback(s, webhookSecret, quirks.statusCallbackEncoding));
    }
  });
  engine.timeScale = opts.timeScale ?? 1;

  const app: Express = express();
  app.disable('x-powered-by');
  // PHP has the whole body before the script runs, so a client that gives up during injected latency
  // still gets its request processed (the lost-reply case). Reading the body after the latency would
  // fail on the closed socket and quietly drop the request instead.
  const rawBody = express.raw({ type: () => true, limit: '1mb' });
  app.use((req, res, next) => (req.path.startsWith('/__sim') ? next() : rawBody(req, res, next)));
  app.use(faults.middleware);

  const sim: IcarrySimulator = {
    courier: 'icarry',
    app,
    engine,
    faults,
    pusher,
    store,
    get quirks() {
      return quirks;
    },
    setScenario: (orderId, scenario) => {
      scenarios.set(orderId, scenario);
    },
    tick: () => engine.tick(),
    setQuirks: (q) => (quirks = { ...quirks, ...q }),
    expireTokens: () => store.expireTokens(),
    sendNdrBatch: () => {
      const { delivery, count } = ndrBatch(store.ndr, opts.clock.now(), quirks.ndrBatchToken ? webhookSecret : undefined);
      pusher.push(delivery);
      return count;
    },
    reportWeightDiscrepancy: (awb, newWeightGrams) => {
      const s: SimIcarryShipment | undefined = store.byAwb.get(awb);
      if (!s) return false;
      const weight = s.request.parcel;
      const old = typeof weight === 'object' && typeof weight.weight === 'object' ? Number(weight.weight.weight) : 0;
      pusher.push(weightDiscrepancyCallback(s, old, newWeightGrams, webhookSecret));
      return true;
    },
  };

  mountControlRoutes(app, sim, (secret) => {
    webhookSecret = secret;
  });
  const control = express.Router();
  control.use(express.json());
  control.post('/ndr-batch', (_req, res) => {
    res.json({ entries: sim.sendNdrBatch() });
  });
  control.post('/icarry/quirks', (req, res) => {
    res.json(sim.setQuirks(pickQuirks(req.body)));
  });
  control.post('/icarry/expire-tokens', (_req, res) => {
    sim.expireTokens();
    res.json({ ok: true });
  });
  control.post('/icarry/weight-discrepancy', (req, res) => {
    const { awb, newWeightGrams } = (req.body ?? {}) as { awb?: unknown; newWeightGrams?: unknown };
    const ok = typeof awb === 'string' && typeof newWeightGrams === 'number' && sim.reportWeightDiscrepancy(awb, newWeightGrams);
    res.status(ok ? 200 : 404).json({ ok });
  });
  app.use('/__sim', control);

  // The customer-facing page a booking's tracking_url points at, with or without its stray space.
  app.use((req, res, next) => {
    if (req.method !== 'GET' || safeDecode(req.path).replace(/\s+/g, '') !== '/track-shipment') return next();
    const s = store.find(typeof req.query.shipment_id === 'string' ? req.query.shipment_id : undefined);
    if (!s) return void res.status(404).type('html').send('<p>Shipment not found</p>');
    res.json(trackView(s));
  });

  const scenarioFor = (clientOrderId: string): ScenarioName => scenarios.get(clientOrderId) ?? opts.defaultScenario ?? 'happy';
  app.use(
    icarryApi({
      store,
      engine,
      clock: opts.clock,
      quirks: () => quirks,
      username,
      apiKey,
      pickupAddressIds: opts.pickupAddressIds ?? ICARRY_SIM_DEFAULTS.pickupAddressIds,
      tokenTtlMs: ICARRY_SIM_DEFAULTS.tokenTtlMs,
      scenarioFor,
    }),
  );
  return sim;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function pickQuirks(body: unknown): Partial<IcarryQuirks> {
  const b = (body ?? {}) as Record<string, unknown>;
  const q: Partial<IcarryQuirks> = {};
  if (typeof b.phpNotice === 'boolean') q.phpNotice = b.phpNotice;
  if (b.allowedIps === null) q.allowedIps = undefined;
  else if (Array.isArray(b.allowedIps)) q.allowedIps = b.allowedIps.filter((x): x is string => typeof x === 'string');
  if (b.statusCallbackEncoding === 'form' || b.statusCallbackEncoding === 'json') q.statusCallbackEncoding = b.statusCallbackEncoding;
  if (typeof b.ndrBatchToken === 'boolean') q.ndrBatchToken = b.ndrBatchToken;
  return q;
}
