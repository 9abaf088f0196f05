// `npm start`: the whole of Waybill on one machine. Unless TEMPORAL_ADDRESS / MONGODB_URI point
// elsewhere it runs the embedded Temporal dev server (SQLite under DATA_DIR, Web UI) and FerretDB, then
// the courier simulators (when couriers have no credentials), the worker and the API as child
// processes; prints the URLs once /readyz answers; Ctrl-C stops everything, children first.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { loadConfig, type Config } from './config';
import { withDevSecrets } from './infra/dev-secrets';
import { ferretdbPath, startFerretDb } from './infra/ferretdb';
import { startProcess, waitForPort, type ManagedProcess } from './infra/processes';
import { registerSearchAttributes } from './infra/register-search-attributes';
import { waitForTemporal } from './infra/temporal-connection';
import { startTemporalDev, temporalCliPath } from './infra/temporal-dev';
import { WHATSAPP_SIM_DEFAULTS, whatsAppSimulatorBaseUrl } from './simulators/whatsapp/defaults';
import { persistedDevKey } from './temporal/codec-keys';

const started: ManagedProcess[] = [];
let stopping = false;

function say(msg: string): void {
  process.stdout.write(`[waybill] ${msg}\n`);
}

async function assertPortFree(port: number, what: string, variable: string): Promise<void> {
  const free = await new Promise<boolean>((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
  if (!free) throw new Error(`port ${port} (${what}) is already in use: stop what uses it or set ${variable}`);
}

function node(name: string, entry: string, env: NodeJS.ProcessEnv): ManagedProcess {
  return startProcess({ name, command: process.execPath, args: ['--import', 'tsx', resolve(__dirname, entry)], env });
}

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms: ${last}`);
}

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('stopping…');
    // Children first (api, worker, simulators), then the servers they use.
    for (const p of [...started].reverse()) await p.stop('SIGTERM', 15_000);
    say('stopped');
  }
  process.exit(code);
}

async function main(config: Config & { ADMIN_API_TOKENS: string[]; SECRETS_KEY: string }): Promise<void> {
  const t0 = Date.now();
  const dataDir = resolve(config.DATA_DIR);
  const toolsDir = resolve(config.TOOLS_DIR);
  const temporalAddress = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
  const mongoUri = config.MONGODB_URI ?? `mongodb://127.0.0.1:${config.FERRETDB_PORT}/`;

  const needed = [...(config.TEMPORAL_ADDRESS ? [] : [temporalCliPath(toolsDir)]), ...(config.MONGODB_URI ? [] : [ferretdbPath(toolsDir)])];
  if (needed.some((p) => !existsSync(p))) {
    say('local tools missing: running scripts/install-tools.sh (first run only; a few minutes)');
    const r = spawnSync('bash', [resolve(__dirname, '../scripts/install-tools.sh')], { stdio: 'inherit', env: { ...process.env, WAYBILL_TOOLS_DIR: toolsDir } });
    if (r.status !== 0) throw new Error('installing the local tools failed (see above)');
  }

  const servers: Array<Promise<ManagedProcess>> = [];
  if (!config.TEMPORAL_ADDRESS) {
    await assertPortFree(config.TEMPORAL_DEV_PORT, 'Temporal dev server', 'TEMPORAL_DEV_PORT or TEMPORAL_ADDRESS');
    await assertPortFree(config.TEMPORAL_UI_PORT, 'Temporal Web UI', 'TEMPORAL_UI_PORT');
    say(`starting Temporal dev server on ${temporalAddress} (UI :${config.TEMPORAL_UI_PORT}, data ${join(config.DATA_DIR, 'temporal.sqlite')})`);
    servers.push(
      startTemporalDev({
        toolsDir,
        dbFile: join(dataDir, 'temporal.sqlite'),
        port: config.TEMPORAL_DEV_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        namespace: config.TEMPORAL_NAMESPACE,
        // The Web UI decodes encrypted payloads through the API's codec server.
        codecEndpoint: `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/temporal-codec`,
      }),
    );
  }
  if (!config.MONGODB_URI) {
    await assertPortFree(config.FERRETDB_PORT, 'FerretDB', 'FERRETDB_PORT or MONGODB_URI');
    say(`starting FerretDB on 127.0.0.1:${config.FERRETDB_PORT} (data ${join(config.DATA_DIR, 'ferretdb')})`);
    servers.push(startFerretDb({ toolsDir, dataDir: join(dataDir, 'ferretdb'), port: config.FERRETDB_PORT }));
  }
  for (const p of await Promise.all(servers)) started.push(p);
  await waitForTemporal({ address: temporalAddress, namespace: config.TEMPORAL_NAMESPACE });
  // The dev server registers them at launch; an external cluster gets them here (idempotent).
  if (config.TEMPORAL_ADDRESS) await registerSearchAttributes(temporalAddress, config.TEMPORAL_NAMESPACE);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: temporalAddress,
    MONGODB_URI: mongoUri,
    ADMIN_API_TOKENS: config.ADMIN_API_TOKENS.join(','),
    SECRETS_KEY: config.SECRETS_KEY,
    // The API (codec server, client) and the worker must encrypt with the same key.
    CODEC_KEY: config.CODEC_KEY ?? persistedDevKey(dataDir),
  };
  if (config.COURIER_MODE !== 'live') {
    // With the simulators running, WhatsApp goes to its Cloud API simulator unless configured for real.
    if (!config.WHATSAPP_ACCESS_TOKEN) {
      Object.assign(env, {
        WHATSAPP_API_BASE_URL: whatsAppSimulatorBaseUrl(config.SIMULATOR_HOST, config.SIMULATOR_BASE_PORT),
        WHATSAPP_ACCESS_TOKEN: WHATSAPP_SIM_DEFAULTS.accessToken,
        WHATSAPP_PHONE_NUMBER_ID: WHATSAPP_SIM_DEFAULTS.phoneNumberId,
      });
    }
    started.push(node('simulators', 'simulators/main.ts', env));
    await waitForPort(config.SIMULATOR_HOST, config.SIMULATOR_BASE_PORT + 2, 30_000, started.at(-1));
  }
  // The API first: it creates the collections and indexes. FerretDB v1 drops a connection (a recovered
  // panic) when two processes create the same collections at once on a fresh database.
  if (config.API_ENABLED) {
    await assertPortFree(config.PORT, 'API', 'PORT');
    started.push(node('api', 'api/server.ts', env));
    await waitReady(`http://127.0.0.1:${config.PORT}/readyz`, 60_000);
  }
  if (config.WORKER_ENABLED) started.push(node('worker', 'worker.ts', env));
  for (const p of started) {
    void p.exited.then((code) => {
      if (!stopping) {
        say(`${p.name} exited unexpectedly (code ${code}); stopping everything`);
        void stopAll(1);
      }
    });
  }
  const base = config.PUBLIC_BASE_URL.replace(/\/$/, '');
  const ui = config.TEMPORAL_UI_URL ?? (config.TEMPORAL_ADDRESS ? undefined : `http://localhost:${config.TEMPORAL_UI_PORT}`);
  say(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  // Only a token generated here for development is shown; one the operator set is a secret like any other.
  const devToken = config.NODE_ENV !== 'production' && !process.env.ADMIN_API_TOKENS?.trim();
  say(`  API            ${base}/api   (admin token: ${devToken ? config.ADMIN_API_TOKENS[0] : 'from ADMIN_API_TOKENS'})`);
  say(`  Health         ${base}/readyz`);
  say(`  Tracking page  ${base}/order-tracking/<orderId>`);
  if (ui) say(`  Temporal UI    ${ui}`);
  if (config.COURIER_MODE !== 'live') say(`  Simulators     http://${config.SIMULATOR_HOST}:${config.SIMULATOR_BASE_PORT}-${config.SIMULATOR_BASE_PORT + 2} (shiprocket, delhivery, icarry)`);
  say('Ctrl-C stops everything.');
}

process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

let config: ReturnType<typeof withDevSecrets>;
try {
  config = withDevSecrets(loadConfig());
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
main(config).catch((e: unknown) => {
  console.error(`[waybill] failed to start: ${e instanceof Error ? e.message : String(e)}`);
  void stopAll(1);
});
