// The /__sim control routes, shared by every courier simulator.
import express, { type Express } from 'express';
import type { FaultConfig } from './faults';
import { SCENARIO_NAMES, type ScenarioName } from './scenario';
import { SIM_CONTROL_PREFIX, type CourierSimulator } from './types';

export function mountControlRoutes(app: Express, sim: CourierSimulator, onWebhookSecret?: (secret: string) => void): void {
  const r = express.Router();
  r.use(express.json());
  r.post('/scenarios', (req, res) => {
    const { orderId, scenario } = req.body ?? {};
    if (typeof orderId !== 'string' || !SCENARIO_NAMES.includes(scenario)) {
      res.status(400).json({ error: `orderId (string) and scenario (${SCENARIO_NAMES.join('|')}) are required` });
      return;
    }
    sim.setScenario(orderId, scenario as ScenarioName);
    res.json({ ok: true });
  });
  r.post('/tick', (_req, res) => {
    res.json({ emitted: sim.tick() });
  });
  r.post('/faults', (req, res) => {
    sim.faults.set((req.body ?? {}) as FaultConfig);
    res.json({ ok: true, faults: sim.faults.current });
  });
  r.post('/webhook', (req, res) => {
    const { url, duplicateRate, reorder, secret, retries } = req.body ?? {};
    // Only what the request names changes: posting {secret} alone must not clear the URL.
    for (const [k, v] of Object.entries({ url, duplicateRate, reorder, retries })) {
      if (v !== undefined) Object.assign(sim.pusher.options, { [k]: v });
    }
    if (typeof secret === 'string' && onWebhookSecret) onWebhookSecret(secret);
    res.json({ ok: true });
  });
  r.get('/shipments/:awb', (req, res) => {
    const s = sim.engine.get(req.params.awb);
    if (!s) {
      res.status(404).json({ error: 'unknown awb' });
      return;
    }
    res.json(s);
  });
  r.get('/stats', (_req, res) => {
    res.json({ faults: sim.faults.stats, shipments: sim.engine.shipments.size, pushed: sim.pusher.log.length });
  });
  app.use(SIM_CONTROL_PREFIX, r);
}
