// Benchmark — ops and analytics queries with a year of data: p50/p95 of the order list and its filters,
// the NDR queue, the console's shipment and stuck lists, /api/analytics (JSON and CSV) and a finished
// shipment's tracking page, over HTTP, against the API in its own process on the embedded default
// (FerretDB, as built by install-tools).
//
//   npm run bench -- ops-queries [--orders 100000] [--calls 20] [--seed 1]
//
// The store is bulk-loaded: N orders spread over the past year with a real store's outcomes (mostly
// delivered, some returned, lost or cancelled, the last days' still in flight, some with an open NDR,
// a few stuck), their shipments and tracking events, as documents equal to what the API and the
// projection writes store (test/storage/read-models.test.ts "bulk load"); then the read models are
// built by the backfill the worker runs at start-up, which is timed too. Each row is `--calls` calls
// over several filters and cursors, after two untimed warm-up calls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { startFerretDb } from '../src/infra/ferretdb';
import { freePort, startProcess, type ManagedProcess } from '../src/infra/processes';
import { COOKIES } from '../src/ops-console/web';
import { trackingLinker } from '../src/tracking-page';
import { connectMongo, type Mongo } from '../src/storage/mongo';
import { backfillReadModels } from '../src/storage/read-models/backfill';
import { storedDocuments, syntheticOrders, type SyntheticOrder } from '../src/storage/read-models/synthetic';
import { arg, load, report, say, stats, type Row } from './lib/report';

const DAY = 86_400_000;
const TOKEN = 'bench-ops-queries-admin-token';
const LINK_SECRET = 'bench-ops-queries-tracking-link-secret-0123456789';
const CHUNK = 2_000;

interface Loaded {
  orders: number;
  shipments: number;
  events: number;
  samples: { orderIds: string[]; awbs: string[]; delivered: string[] };
  statuses: Record<string, number>;
  ms: number;
}

async function preload(mongo: Mongo, n: number, seed: number, now: number): Promise<Loaded> {
  const t0 = performance.now();
  let shipments = 0;
  let events = 0;
  const statuses: Record<string, number> = {};
  const samples = { orderIds: [] as string[], awbs: [] as string[], delivered: [] as string[] };
  for (let chunk = 0; chunk * CHUNK < n; chunk++) {
    const size = Math.min(CHUNK, n - chunk * CHUNK);
    const orders: SyntheticOrder[] = syntheticOrders({ orders: size, from: now - 365 * DAY, to: now - 3_600_000, now, seed: seed * 1_000 + chunk, prefix: `Y${chunk}-` });
    const docs = orders.map((o) => storedDocuments(o, (w) => w.shipment.at));
    const ins = async <T>(name: string, list: T[]) => {
      for (let i = 0; i < list.length; i += 1_000) if (list.length) await mongo.db.collection(name).insertMany(list.slice(i, i + 1_000) as never[], { ordered: false });
    };
    await ins('orders', docs.map((d) => d.order));
    const ships = docs.flatMap((d) => (d.shipment ? [d.shipment] : []));
    await ins('shipments', ships);
    const evs = docs.flatMap((d) => d.events);
    await ins('tracking_events', evs);
    await ins('awb_index', docs.flatMap((d) => (d.awb ? [d.awb] : [])));
    shipments += ships.length;
    events += evs.length;
    for (const s of ships) {
      const k = s.ndrOpen ? 'ndr open' : s.stuck ? 'stuck' : s.status;
      statuses[k] = (statuses[k] ?? 0) + 1;
    }
    if (samples.orderIds.length < 50) {
      samples.orderIds.push(...ships.slice(0, 5).map((s) => s._id));
      samples.awbs.push(...ships.slice(0, 5).flatMap((s) => (s.awb ? [s.awb] : [])));
      samples.delivered.push(...ships.filter((s) => s.status === 'delivered').slice(0, 3).map((s) => s._id));
    }
    if ((chunk + 1) % 5 === 0) say(`loaded ${(chunk + 1) * CHUNK} orders (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  return { orders: n, shipments, events, samples, statuses, ms: performance.now() - t0 };
}

async function signIn(base: string): Promise<string> {
  const form = await request(`${base}/ops/login`);
  const page = await form.body.text();
  const loginCookie = ([form.headers['set-cookie']].flat() as string[]).find((c) => c?.startsWith(`${COOKIES.login}=`))!.split(';')[0]!;
  const nonce = /name="nonce" value="([^"]+)"/.exec(page)![1]!;
  const r = await request(`${base}/ops/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
    body: new URLSearchParams({ nonce, token: TOKEN }).toString(),
  });
  await r.body.dump();
  const session = ([r.headers['set-cookie']].flat() as string[]).find((c) => c?.startsWith(`${COOKIES.session}=`));
  if (!session) throw new Error(`console sign-in failed: ${r.statusCode}`);
  return session.split(';')[0]!;
}

type Call = () => Promise<{ status: number; body: string }>;

export async function run(command: string): Promise<void> {
  const n = arg('orders', 100_000);
  const calls = arg('calls', 20);
  const seed = arg('seed', 1);
  const loadStart = load();
  const dir = mkdtempSync(join(tmpdir(), 'waybill-ops-queries-'));
  const procs: ManagedProcess[] = [];
  try {
    const mPort = await freePort();
    say('starting FerretDB');
    procs.push(await startFerretDb({ toolsDir: resolve(__dirname, '../.tools'), dataDir: join(dir, 'ferret'), port: mPort, output: 'ignore' }));
    const mongoUri = `mongodb://127.0.0.1:${mPort}/`;
    const mongo = await connectMongo(mongoUri, 'waybill');
    const now = Date.now();
    say(`bulk-loading ${n} orders with their shipments and tracking events`);
    const loaded = await preload(mongo, n, seed, now);
    say(`loaded in ${(loaded.ms / 1000).toFixed(0)} s; building the read models (the worker's start-up backfill)`);
    const backfill = await backfillReadModels(mongo.cols, { log: (m, meta) => say(`${m} ${JSON.stringify(meta ?? {})}`) });
    await mongo.close();

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    say('starting the API');
    const api = startProcess({
      name: 'api',
      command: process.execPath,
      args: ['--import', 'tsx', resolve(__dirname, '../src/api/server.ts')],
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_BASE_URL: base,
        DATA_DIR: join(dir, 'data'),
        MONGODB_URI: mongoUri,
        MONGODB_DB: 'waybill',
        // Lists and analytics never reach Temporal; the API connects lazily.
        TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
        ADMIN_API_TOKENS: TOKEN,
        TRACKING_LINK_SECRET: LINK_SECRET,
      },
      output: 'ignore',
    });
    procs.push(api);
    for (let i = 0; ; i++) {
      try {
        const r = await request(`${base}/healthz`);
        await r.body.dump();
        if (r.statusCode === 200) break;
      } catch {
        /* not yet */
      }
      if (i > 600) throw new Error('the API did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const session = await signIn(base);
    const auth = { authorization: `Bearer ${TOKEN}` };
    const get = (path: string, headers: Record<string, string>): Call => async () => {
      const r = await request(`${base}${path}`, { headers });
      return { status: r.statusCode, body: await r.body.text() };
    };
    const apiGet = (path: string) => get(path, auth);
    const opsGet = (path: string) => get(path, { cookie: session });
    /** The cursor of a JSON list page, for the next call of the same row. */
    const cursorOf = (body: string) => (JSON.parse(body) as { nextCursor: string | null }).nextCursor;
    const today = new Date(now).toISOString().slice(0, 10);
    const daysAgo = (d: number) => new Date(now - d * DAY).toISOString().slice(0, 10);

    /** Pages of a JSON list: each call after the first follows the previous page's cursor (restarting at the end). */
    const paged = (paths: string[]) => {
      let i = 0;
      let cursor: string | null = null;
      return async () => {
        const path = paths[i % paths.length]!;
        const r = await apiGet(cursor ? `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}` : path)();
        cursor = r.status === 200 ? cursorOf(r.body) : null;
        if (!cursor) i++;
        return r;
      };
    };
    const cycle = (cs: Call[]) => {
      let i = 0;
      return () => cs[i++ % cs.length]!();
    };
    const s = loaded.samples;
    const link = trackingLinker({ keys: [LINK_SECRET], publicBaseUrl: '', linkTtlDays: 60 });
    const rows: Array<[string, Call]> = [
      ['GET /api/orders?limit=50 (pages 1, 2, 3… by cursor)', paged(['/api/orders?limit=50'])],
      ['GET /api/orders?status=… (each status, paged)', cycle(['delivered', 'shipped', 'returned', 'out_for_delivery', 'delivery_failed', 'cancelled', 'lost', 'processing'].map((st) => apiGet(`/api/orders?status=${st}&limit=50`)))],
      ['GET /api/orders?status=delivered (pages by cursor)', paged(['/api/orders?status=delivered&limit=50'])],
      ['GET /api/orders?courier=… and status+courier', cycle([apiGet('/api/orders?courier=delhivery&limit=50'), apiGet('/api/orders?courier=icarry&limit=50'), apiGet('/api/orders?status=delivered&courier=shiprocket&limit=50'), apiGet('/api/orders?status=shipped&courier=delhivery&limit=50')])],
      ['GET /api/ndr (filters, paged)', cycle([paged(['/api/ndr']), apiGet('/api/ndr?courier=delhivery'), apiGet('/api/ndr?reason=consignee_unavailable'), apiGet('/api/ndr?minAttempts=2'), apiGet('/api/ndr?paymentMethod=cod'), apiGet('/api/ndr?olderThanHours=24&limit=200')])],
      ['GET /ops/shipments (filters, pages)', cycle([opsGet('/ops/shipments'), opsGet('/ops/shipments?status=delivered'), opsGet('/ops/shipments?status=in_transit'), opsGet('/ops/shipments?courier=icarry'), opsGet('/ops/shipments?ndr=open'), opsGet('/ops/shipments?stuck=1'), opsGet('/ops/shipments?status=rto_delivered&courier=delhivery')])],
      ['GET /ops/shipments?q=… (order id or AWB)', cycle([...s.orderIds.slice(0, 5).map((id) => opsGet(`/ops/shipments?q=${id}`)), ...s.awbs.slice(0, 5).map((a) => opsGet(`/ops/shipments?q=${a}`))])],
      ['GET /ops/stuck', cycle([opsGet('/ops/stuck'), opsGet('/ops/stuck?courier=delhivery'), opsGet('/ops/stuck?courier=shiprocket')])],
      ['GET /ops/ndr', cycle([opsGet('/ops/ndr'), opsGet('/ops/ndr?courier=icarry'), opsGet('/ops/ndr?reason=refused')])],
      ['GET /api/analytics (last 30 days, per courier, weeks)', cycle([apiGet('/api/analytics'), apiGet('/api/analytics?courier=delhivery'), apiGet('/api/analytics?bucket=week'), apiGet(`/api/analytics?from=${daysAgo(6)}&to=${today}`)])],
      ['GET /api/analytics (90 days)', apiGet(`/api/analytics?from=${daysAgo(89)}&to=${today}&bucket=week`)],
      ['GET /api/analytics?format=csv', cycle([apiGet('/api/analytics?format=csv'), apiGet('/api/analytics?format=csv&courier=icarry')])],
      ['GET /ops/analytics', opsGet('/ops/analytics')],
      ['GET /order-tracking/:id (delivered: projection and timeline)', cycle(s.delivered.slice(0, 10).map((id) => get(link(id), {})))],
    ];
    const table: Row[] = [];
    for (const [name, call] of rows) {
      for (let i = 0; i < 2; i++) await call();
      const ms: number[] = [];
      let bad = 0;
      let bytes = 0;
      for (let i = 0; i < calls; i++) {
        const t = performance.now();
        const r = await call();
        ms.push(performance.now() - t);
        if (r.status !== 200) bad++;
        bytes += r.body.length;
      }
      const st = stats(ms);
      const p95 = [...ms].sort((a, b) => a - b)[Math.ceil(0.95 * ms.length) - 1]!;
      table.push({ query: name, calls, 'p50 ms': st.median.toFixed(0), 'p95 ms': p95.toFixed(0), 'max ms': st.max.toFixed(0), 'mean KB': (bytes / calls / 1024).toFixed(1), ...(bad ? { 'non-200': bad } : {}) });
      say(`${name}: p50 ${st.median.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms`);
    }
    const mix = Object.entries(loaded.statuses)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    report({
      title: `ops-queries: lists and analytics with ${n.toLocaleString('en')} orders (bench/ops-queries.ts)`,
      command,
      loadStart,
      loadEnd: load(),
      tables: [{ caption: 'Latency over HTTP, API in its own process, FerretDB (read models, by _id only)', rows: table }],
      notes: [
        `data: ${loaded.orders} orders created over the past 365 days, ${loaded.shipments} shipments, ${loaded.events} tracking events; shipments now: ${mix}`,
        `bulk load ${(loaded.ms / 1000).toFixed(0)} s; read models built by the start-up backfill in ${(backfill.ms / 1000).toFixed(0)} s (${backfill.shipments} shipments, ${backfill.events} events)`,
        'target (issue 12): every row p95 < 500 ms; the same queries as plain filters took 9.8 s (NDR) to over 120 s (analytics) at this size',
      ],
    });
  } finally {
    for (const p of procs.reverse()) await p.stop('SIGKILL').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
