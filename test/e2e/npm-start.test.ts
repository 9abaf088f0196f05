// The foundation, end to end, exactly as a user runs it: `npm start`'s entry point on the embedded
// stack (Temporal dev server, FerretDB, simulators, worker, API as child processes), an order created
// and shipped through the API, the simulator's webhooks carrying it to delivered, the workflow found by
// its search attributes, and Ctrl-C leaving nothing running.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_ATTRIBUTES } from '../../src/workflows/shipment/contract';

const ROOT = resolve(__dirname, '../..');
const TOKEN = 'e2e-admin-token-0123456789';

async function isFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

/** `count` consecutive free ports (the simulators take base..base+3). */
async function freeRun(count: number): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await isFree(p);
    if (ok) return base;
  }
  throw new Error('no free port range');
}

async function waitFor<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start (src/main.ts) on the embedded stack', () => {
  let main: ChildProcess;
  let output = '';
  let dataDir: string;
  const ports = { api: 0, temporal: 0, ui: 0, ferret: 0, sims: 0 };

  beforeAll(async () => {
    const base = await freeRun(8);
    Object.assign(ports, { api: base, temporal: base + 1, ui: base + 2, ferret: base + 3, sims: base + 4 });
    dataDir = mkdtempSync(join(tmpdir(), 'waybill-start-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      PORT: String(ports.api),
      PUBLIC_BASE_URL: `http://127.0.0.1:${ports.api}`,
      TEMPORAL_DEV_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      FERRETDB_PORT: String(ports.ferret),
      SIMULATOR_BASE_PORT: String(ports.sims),
      // A whole journey in a few seconds of simulated courier time.
      SIMULATOR_TIME_SCALE: '36000',
      COURIER_MODE: 'simulator',
      DATA_DIR: dataDir,
      TOOLS_DIR: join(ROOT, '.tools'),
      ADMIN_API_TOKENS: TOKEN,
      CODEC_CORS_ORIGINS: `http://localhost:${base + 2}`,
      WORKER_METRICS_PORT: '0',
      WORKER_SDK_METRICS_PORT: '0',
    };
    delete env.TEMPORAL_ADDRESS;
    delete env.MONGODB_URI;
    main = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main.ts')], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    main.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    main.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    await waitFor('"[waybill] ready"', 240_000, async () => {
      if (main.exitCode !== null) throw new Error(`npm start exited (${main.exitCode}):\n${output.slice(-3000)}`);
      return output.includes('[waybill] ready in') ? true : undefined;
    });
  }, 300_000);

  afterAll(async () => {
    // What the stack printed, for diagnosis when a step failed.
    (await import('node:fs')).writeFileSync(join(tmpdir(), 'waybill-npm-start-e2e.log'), output);
    if (main?.pid && groupAlive(main.pid)) process.kill(-main.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${ports.api}${path}`, { ...init, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) } });

  it('prints the URLs and answers /healthz, /readyz and the Temporal UI', async () => {
    expect(output).toContain(`http://127.0.0.1:${ports.api}/api`);
    expect(output).toContain(`Temporal UI    http://localhost:${ports.ui}`);
    expect((await fetch(`http://127.0.0.1:${ports.api}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${ports.api}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).status).toBe(200);
  });

  it('serves Prometheus metrics and the codec server the Temporal UI is wired to', async () => {
    const metrics = await fetch(`http://127.0.0.1:${ports.api}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^waybill_inbox_backlog\{status="pending",service="api"\} \d+$/m);
    const decode = await fetch(`http://127.0.0.1:${ports.api}/temporal-codec/decode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', Origin: `http://localhost:${ports.ui}` },
      body: JSON.stringify({ payloads: [] }),
    });
    expect(decode.status).toBe(200);
    expect(await decode.json()).toEqual({ payloads: [] });
  });

  it('creates and ships an order; the workflow carries its search attributes; webhooks bring it to delivered', async () => {
    const orderId = `E2E-${Date.now()}`;
    const created = await api('/api/orders', {
      method: 'POST',
      body: JSON.stringify({
        id: orderId,
        customer: { name: 'A Kumar', phone: '9876543210', email: 'a.kumar@example.com' },
        shippingAddress: { address1: '12 Example Street, Malad West', city: 'Mumbai', state: 'Maharashtra', pincode: '400064' },
        items: [{ name: 'Herbal tea', sku: 'TEA-500', quantity: 2, unitPrice: 250, weight: '500g' }],
        paymentMethod: 'prepaid',
      }),
    });
    expect(created.status).toBe(201);

    const shipped = await api(`/api/orders/${orderId}/ship`, { method: 'POST', body: JSON.stringify({ courierId: 'delhivery' }) });
    const booking = (await shipped.json()) as { awb: string; workflowId: string; courier: string };
    expect(shipped.status, JSON.stringify(booking)).toBe(200);
    expect(booking).toMatchObject({ workflowId: `shipment-${orderId}`, courier: 'delhivery', awb: expect.stringMatching(/^\d+$/) });

    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    try {
      const client = new Client({ connection });
      const desc = await client.workflow.getHandle(`shipment-${orderId}`).describe();
      const sa = desc.typedSearchAttributes;
      expect(sa.get(SEARCH_ATTRIBUTES.orderId)).toBe(orderId);
      expect(sa.get(SEARCH_ATTRIBUTES.courier)).toBe('delhivery');
      expect(sa.get(SEARCH_ATTRIBUTES.awb)).toBe(booking.awb);
    } finally {
      await connection.close();
    }

    const delivered = await waitFor('the order to be delivered', 120_000, async () => {
      const o = (await (await api(`/api/orders/${orderId}`)).json()) as { status: string; statusHistory: Array<{ status: string }> };
      return o.status === 'delivered' ? o : undefined;
    });
    expect(delivered.statusHistory.map((h) => h.status)).toEqual(expect.arrayContaining(['processing', 'shipped', 'out_for_delivery', 'delivered']));
  }, 200_000);

  it('stops everything on Ctrl-C (SIGINT) and leaves no process or port behind', async () => {
    const exited = new Promise<number | null>((r) => main.once('exit', (code) => r(code)));
    main.kill('SIGINT');
    expect(await exited).toBe(0);
    await waitFor('the process group to be gone', 30_000, async () => (groupAlive(main.pid!) ? undefined : true));
    for (const p of Object.values(ports)) expect(await isFree(p), `port ${p} still in use`).toBe(true);
  }, 60_000);
});
