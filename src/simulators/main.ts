// `npm run sim`: the three courier simulators on SIMULATOR_BASE_PORT..+2, on the real clock with scripted
// delays divided by SIMULATOR_TIME_SCALE, pushing their webhooks to the API in each courier's real
// format and auth. `npm start` runs this when couriers have no stored credentials.
import type { Server } from 'node:http';
import { loadConfig } from '../config';
import { courierDescriptor, listCouriers } from '../couriers/registry';
import type { CourierId } from '../domain/events';
import { createDelhiverySimulator } from './delhivery';
import { createIcarrySimulator } from './icarry';
import { realClock } from './scenario';
import { createShiprocketSimulator } from './shiprocket';
import type { CourierSimulator, SimulatorOptions } from './types';
import { WHATSAPP_SIM_DEFAULTS } from './whatsapp/defaults';
import { startWhatsAppSimulator, type RunningWhatsAppSimulator } from './whatsapp';

/** The API paths each courier is configured to call, as an admin would paste them into its dashboard. */
export function webhookUrls(base: string): Partial<Record<CourierId, string>> {
  const b = base.replace(/\/$/, '');
  return Object.fromEntries(listCouriers().flatMap((c) => (c.simulator ? [[c.id, c.simulator.webhookUrl(b)]] : [])));
}

const portOffset = (c: CourierId) => courierDescriptor(c).simulator?.portOffset ?? 0;

export interface RunningSimulators {
  sims: Record<CourierId, CourierSimulator>;
  /** WhatsApp Business Cloud API, beside the couriers (base port + 3). */
  whatsapp: RunningWhatsAppSimulator;
  stop(): Promise<void>;
}

export async function startSimulators(o: { host: string; basePort: number; timeScale: number; webhookBase: string; tickMs?: number }): Promise<RunningSimulators> {
  const urls = webhookUrls(o.webhookBase);
  const opts = (c: CourierId): SimulatorOptions => ({ clock: realClock, timeScale: o.timeScale, webhook: { url: urls[c]!, retries: c === 'delhivery' ? 1 : 2 } });
  const sims: Record<CourierId, CourierSimulator> = {
    shiprocket: createShiprocketSimulator(opts('shiprocket')),
    delhivery: createDelhiverySimulator(opts('delhivery')),
    icarry: createIcarrySimulator(opts('icarry')),
  };
  const servers: Server[] = [];
  for (const c of Object.keys(sims) as CourierId[]) {
    const port = o.basePort + portOffset(c);
    servers.push(await new Promise<Server>((resolve) => { const s = sims[c]!.app.listen(port, o.host, () => resolve(s)); }));
  }
  const whatsapp = await startWhatsAppSimulator({ host: o.host, port: o.basePort + WHATSAPP_SIM_DEFAULTS.portOffset });
  const tick = setInterval(() => {
    for (const s of Object.values(sims)) s.tick();
  }, o.tickMs ?? 1_000);
  // iCarry sends its NDR batch once a day: once per scaled day here.
  const icarry = sims.icarry as CourierSimulator & { sendNdrBatch(): number };
  const daily = setInterval(() => icarry.sendNdrBatch(), Math.max(5_000, 86_400_000 / o.timeScale));
  return {
    sims,
    whatsapp,
    stop: async () => {
      clearInterval(tick);
      clearInterval(daily);
      await whatsapp.close();
      await Promise.all(servers.map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
    },
  };
}

if (require.main === module) {
  const c = loadConfig();
  startSimulators({ host: c.SIMULATOR_HOST, basePort: c.SIMULATOR_BASE_PORT, timeScale: c.SIMULATOR_TIME_SCALE, webhookBase: c.SIMULATOR_WEBHOOK_BASE_URL ?? c.PUBLIC_BASE_URL }).then(
    (r) => {
      for (const id of Object.keys(r.sims) as CourierId[]) {
        console.log(`[simulators] ${id} on http://${c.SIMULATOR_HOST}:${c.SIMULATOR_BASE_PORT + portOffset(id)} → webhooks to ${webhookUrls(c.SIMULATOR_WEBHOOK_BASE_URL ?? c.PUBLIC_BASE_URL)[id]!.replace(/token=.*/, 'token=…')}`);
      }
      console.log(`[simulators] whatsapp cloud API on ${r.whatsapp.baseUrl}`);
      const stop = () => void r.stop().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (e: unknown) => {
      console.error(`simulators failed to start: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
