// Fault injection (npm run test:chaos; not part of `npm test`: it runs for several minutes).
//
// The whole stack with each piece a process of its own where a fault needs one: a Temporal dev server
// (state in a SQLite file, so it can restart) and FerretDB (its own data dir), the worker as a child
// process running src/worker.ts (so it can be SIGKILLed), the API in this process, the courier
// simulators pushing their own webhooks, and an SMTP server counting emails. During a stream of
// webhooks (the simulators' pushes, each replayed by the courier as duplicates, ≥ 2,000 in all):
//   - the worker is killed with SIGKILL twice while activities run, and restarted;
//   - the Temporal dev server is stopped and restarted;
//   - FerretDB is stopped and restarted;
//   - the courier APIs answer 30 % errors, 10 % timeouts and bursts of 429/403.
// Afterwards: every accepted webhook was applied exactly once (inbox delivered once, no event twice in a
// workflow's timeline), every shipment is in the state its simulator says, and no email was sent twice.
// Counts are printed; figures are never asserted as timings.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app';
import { TemporalShipmentGateway } from '../../src/shipments/gateway';
import { delhiveryWebhook } from '../../src/couriers/delhivery';
import { startFerretDb } from '../../src/infra/ferretdb';
import { freePort, startProcess, type ManagedProcess } from '../../src/infra/processes';
import { registerSearchAttributes } from '../../src/infra/register-search-attributes';
import { waitForTemporal } from '../../src/infra/temporal-connection';
import { startTemporalDev } from '../../src/infra/temporal-dev';
import { keysFromConfig, SecretBox } from '../../src/lib/secret-box';
import { SIMULATOR_DEFAULTS } from '../../src/simulators/defaults';
import { AwbIndexRepo } from '../../src/storage/awb-index-repo';
import { CourierSettingsRepo } from '../../src/storage/courier-settings-repo';
import { InboxRepo } from '../../src/storage/inbox-repo';
import { connectMongo, type Mongo } from '../../src/storage/mongo';
import { OrdersRepo } from '../../src/storage/orders-repo';
import { ShipmentsRepo } from '../../src/storage/shipments-repo';
import { codecKeys } from '../../src/temporal/codec-keys';
import { createClientDataConverter } from '../../src/temporal/data-converter';
import { webhookAuthFor } from '../../src/webhooks/auth-settings';
import { WEBHOOK_PATHS } from '../../src/webhooks/endpoints';
import type { WebhookIngestor } from '../../src/webhooks/ingest';
import { createWebhookPipeline, type WebhookPipeline } from '../../src/webhooks/pipeline';
import { courierWebhooks } from '../../src/webhooks/modules';
import type { WebhookRelay } from '../../src/webhooks/relay';
import { SHIPMENT_TASK_QUEUE } from '../../src/workflows/shipment/contract';
import { ADMIN_TOKEN, auth, sampleOrder } from '../support/api';
import { eventually, listen, startSims, type Sims } from '../support/full-stack';
import { startSmtpServer, type TestSmtpServer } from '../notifications/support/smtp';

const ROOT = resolve(__dirname, '../..');
const TOOLS = resolve(ROOT, '.tools');
const SHIPMENTS = Number(process.env.CHAOS_SHIPMENTS ?? 50);
const MIN_WEBHOOKS = Number(process.env.CHAOS_WEBHOOKS ?? 2_000);
const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const say = (m: string) => process.stderr.write(`[chaos] ${m}\n`);

const dir = mkdtempSync(join(tmpdir(), 'waybill-chaos-'));
const SECRETS_KEY = randomBytes(32).toString('base64');
const CODEC_KEY = randomBytes(32).toString('base64');
let tPort: number;
let mPort: number;
let temporal: ManagedProcess | undefined;
let ferret: ManagedProcess | undefined;
let worker: ManagedProcess | undefined;
let workerStartFailures = 0;
let mongo: Mongo;
let sims: Sims;
let smtp: TestSmtpServer;
let api: { url: string; close(): Promise<void> };
let app: ReturnType<typeof createApp>;
let relay: WebhookRelay;
let ingestor: WebhookIngestor;
let pipeline: WebhookPipeline;
let connection: Connection;
let gateway: TemporalShipmentGateway;
const dbName = `chaos_${randomBytes(3).toString('hex')}`;

async function startTemporal(): Promise<void> {
  temporal = await startTemporalDev({ toolsDir: TOOLS, dbFile: join(dir, 'temporal.sqlite'), port: tPort, namespace: 'default', output: 'ignore' });
  await waitForTemporal({ address: `127.0.0.1:${tPort}`, namespace: 'default' });
}
async function startFerret(): Promise<void> {
  ferret = await startFerretDb({ toolsDir: TOOLS, dataDir: join(dir, 'ferret'), port: mPort, output: 'ignore' });
}
function startWorkerProcess(): ManagedProcess {
  const p = startProcess({
    name: 'worker',
    command: process.execPath,
    args: ['--import', 'tsx', resolve(ROOT, 'src/worker.ts')],
    cwd: ROOT,
    output: process.env.CHAOS_WORKER_OUTPUT ? 'prefix' : 'ignore',
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      TEMPORAL_ADDRESS: `127.0.0.1:${tPort}`,
      TEMPORAL_NAMESPACE: 'default',
      MONGODB_URI: `mongodb://127.0.0.1:${mPort}/`,
      MONGODB_DB: dbName,
      SECRETS_KEY,
      CODEC_KEY,
      COURIER_MODE: 'live',
      WORKER_METRICS_PORT: '0',
      WORKER_SDK_METRICS_PORT: '0',
      SMTP_URL: smtp.url,
      EMAIL_FROM: 'Store <orders@store.example>',
      NOTIFY_WHATSAPP_ENABLED: 'false',
      DATA_DIR: join(dir, 'data'),
    },
  });
  return p;
}

/** Until a worker polls the shipments queue (the child bundles the workflow first: up to a minute or two). */
async function waitForWorker(): Promise<void> {
  await eventually(
    'the worker process to poll its task queue',
    async () => {
      if (worker && worker.child.exitCode !== null) {
        // Seen under load: the child's first MongoDB connection closed during start-up. Start it again.
        workerStartFailures++;
        say(`worker exited ${worker.child.exitCode} during start-up; starting it again`);
        worker = startWorkerProcess();
        return undefined;
      }
      const r = await connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: SHIPMENT_TASK_QUEUE }, taskQueueType: 1 });
      return (r.pollers?.length ?? 0) > 0 ? true : undefined;
    },
    240_000,
  );
}

beforeAll(async () => {
  [tPort, mPort] = [await freePort(), await freePort()];
  await Promise.all([startTemporal(), startFerret()]);
  await registerSearchAttributes(`127.0.0.1:${tPort}`, 'default').catch(() => undefined);
  mongo = await connectMongo(`mongodb://127.0.0.1:${mPort}/`, dbName);
  [sims, smtp] = await Promise.all([startSims(), startSmtpServer()]);

  // The API, as src/api/server.ts wires it, with the same keys the worker process gets.
  const box = new SecretBox(keysFromConfig({ SECRETS_KEY, SECRETS_KEY_ID: 'k1' }));
  const courierSettings = new CourierSettingsRepo(mongo.cols, box);
  connection = Connection.lazy({ address: `127.0.0.1:${tPort}` });
  const client = new Client({ connection, namespace: 'default', dataConverter: createClientDataConverter(codecKeys({ id: 'c1', key: CODEC_KEY })) });
  gateway = new TemporalShipmentGateway(client, { updateMs: 60_000, signalMs: 5_000 });
  const inbox = new InboxRepo(mongo.db);
  const awbs = new AwbIndexRepo(mongo.cols);
  pipeline = createWebhookPipeline(
    { db: mongo.db, inbox, awbs, gateway, modules: courierWebhooks(), auth: async (c) => webhookAuthFor(c, await courierSettings.getDecrypted(c)), log },
    { retry: { baseDelayMs: 200, maxDelayMs: 2_000 }, relay: { intervalMs: 200, leaseMs: 10_000, concurrency: 8, batchSize: 200 } },
  );
  ({ ingestor, relay } = pipeline);
  app = createApp({
    log,
    adminTokens: [ADMIN_TOKEN],
    health: { mongo: async () => true, temporal: async () => true },
    orders: new OrdersRepo(mongo.cols),
    shipments: gateway,
    shipmentsRepo: new ShipmentsRepo(mongo.cols),
    courierSettings,
    inbox,
    awbs,
    ingestor,
    defaultCourier: 'delhivery',
    defaultItemWeightGrams: 500,
    publicBaseUrl: 'http://127.0.0.1',
    webhookSettings: (c) => courierSettings.getDecrypted(c),
    webhookMaxBodyBytes: 512 * 1024,
    publicRateLimitPerMinute: 100_000,
  });
  api = await listen(app);
  for (const c of ['shiprocket', 'delhivery', 'icarry'] as const) {
    const d = SIMULATOR_DEFAULTS[c];
    await request(app)
      .put(`/api/admin/couriers/${c}`)
      .set(auth)
      .send({ apiConfig: { provider: c, enabled: true, baseUrl: sims.urls[c], apiKey: d.apiKey, ...(d.apiSecret ? { apiSecret: d.apiSecret } : {}), webhookSecret: d.webhookSecret }, fields: d.fields })
      .expect(200);
  }
  worker = startWorkerProcess();
  await waitForWorker();
  await pipeline.start();
  sims.pushTo(api.url);
}, 300_000);

afterAll(async () => {
  await pipeline?.stop().catch(() => undefined);
  await worker?.stop('SIGKILL').catch(() => undefined);
  await api?.close().catch(() => undefined);
  await connection?.close().catch(() => undefined);
  await sims?.close().catch(() => undefined);
  await smtp?.close().catch(() => undefined);
  await mongo?.close().catch(() => undefined);
  await temporal?.stop('SIGKILL').catch(() => undefined);
  await ferret?.stop('SIGKILL').catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

/** Replays a pushed body to the API as the courier would (a duplicate delivery); returns the status. */
async function replay(body: string): Promise<number> {
  const d = SIMULATOR_DEFAULTS.delhivery;
  const r = await fetch(`${api.url}${WEBHOOK_PATHS.delhivery}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${d.webhookSecret}` }, body }).catch(() => undefined);
  return r?.status ?? 0;
}

describe('chaos', () => {
  it('applies every webhook exactly once and converges on the simulators\' state through worker kills, Temporal and FerretDB restarts and courier faults', async () => {
    // Shipments, booked before the faults (booking under faults is the activity tests' business).
    say(`booking ${SHIPMENTS} Delhivery shipments`);
    const booked: Array<{ orderId: string; awb: string }> = [];
    for (let i = 0; i < SHIPMENTS; i++) {
      const orderId = `CHAOS-${i + 1}`;
      await request(app).post('/api/orders').set(auth).send(sampleOrder(orderId)).expect(201);
      // 503 means the workflow did not answer in time (the worker is still bundling): retrying is safe.
      let r = await request(app).post(`/api/orders/${orderId}/ship`).set(auth).send({ courierId: 'delhivery' });
      for (let tries = 0; r.status === 503 && tries < 20; tries++) r = await request(app).post(`/api/orders/${orderId}/ship`).set(auth).send({ courierId: 'delhivery' });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      booked.push({ orderId, awb: (r.body as { awb: string }).awb });
    }
    const byAwb = new Map(booked.map((b) => [b.awb, b.orderId]));

    // Courier API faults from now on (tracking polls, NDR calls): 30 % errors, 10 % hangs, 429 bursts.
    for (const s of [sims.delhivery, sims.shiprocket, sims.icarry]) s.faults.set({ errorRate: 0.3, timeoutRate: 0.1, burst429: { every: 20, length: 5, retryAfterSeconds: 1 }, seed: 7 });

    let replays = 0;
    let replayAccepted = 0;
    const replayCodes: Record<number, number> = {};
    let pushedUpTo = 0;
    const faults: string[] = [];
    const replayNew = async (copies: number) => {
      const fresh = sims.delhivery.pusher.log.slice(pushedUpTo);
      pushedUpTo = sims.delhivery.pusher.log.length;
      await Promise.all(
        fresh.flatMap((p) =>
          Array.from({ length: copies }, async () => {
            replays++;
            const code = await replay(p.body);
            replayCodes[code] = (replayCodes[code] ?? 0) + 1;
            if (code === 200) replayAccepted++;
          }),
        ),
      );
    };
    // Admin syncs during the stream: each asks the courier now (trackNow) through the faulty API, so the
    // 30 % errors, hangs and 429s meet real calls (background polls are hours apart). Not awaited in the
    // step: a hung call must not hold the stream up.
    const syncs: Array<Promise<void>> = [];
    const syncCodes: Record<number, number> = {};
    const syncSome = (step: number) => {
      for (let k = 0; k < 5; k++) {
        const { orderId } = booked[(step * 5 + k) % booked.length]!;
        syncs.push(
          request(app)
            .post(`/api/orders/${orderId}/sync`)
            .set(auth)
            .then(
              (r) => void (syncCodes[r.status] = (syncCodes[r.status] ?? 0) + 1),
              () => void (syncCodes[0] = (syncCodes[0] ?? 0) + 1),
            ),
        );
      }
    };
    const steps = 30;
    for (let step = 1; step <= steps; step++) {
      const emitted = await sims.advance(2); // 2 courier hours a step: the journeys take ~2 days
      await replayNew(3);
      syncSome(step);
      if (step === 5 || step === 11) {
        faults.push(`step ${step}: worker SIGKILL`);
        say(faults.at(-1)!);
        await worker!.stop('SIGKILL');
        await new Promise((r) => setTimeout(r, 2_000));
        worker = startWorkerProcess();
        await waitForWorker();
      }
      if (step === 16) {
        faults.push(`step ${step}: Temporal dev server stopped and restarted`);
        say(faults.at(-1)!);
        await temporal!.stop('SIGKILL');
        const more = await sims.advance(2); // pushes while Temporal is down: into the inbox
        await replayNew(3);
        await new Promise((r) => setTimeout(r, 3_000));
        await startTemporal();
        say(`  ${more} scans while it was down`);
      }
      if (step === 20) {
        faults.push(`step ${step}: FerretDB stopped and restarted`);
        say(faults.at(-1)!);
        await ferret!.stop('SIGKILL');
        await new Promise((r) => setTimeout(r, 3_000));
        await startFerret();
      }
      say(`step ${step}/${steps}: ${emitted} scans; pushes ${sims.delhivery.pusher.log.length}, replays ${replays}`);
    }
    // Top up with duplicates until the stream reached its size.
    while (sims.delhivery.pusher.log.length + replays < MIN_WEBHOOKS) {
      pushedUpTo = 0;
      await replayNew(1);
    }
    await Promise.all(syncs);
    for (const s of [sims.delhivery, sims.shiprocket, sims.icarry]) s.faults.set({});

    // What the simulator says, per AWB: its last pushed scan, normalised by the same webhook module.
    const pushes = sims.delhivery.pusher.log;
    const accepted = pushes.filter((p) => p.status === 200);
    const expectedKeys = new Map<string, Set<string>>();
    const lastStatus = new Map<string, { at: string; status: string }>();
    for (const p of accepted) {
      const parsed = delhiveryWebhook.parse({ headers: {}, rawBody: Buffer.from(p.body), receivedAt: Date.now() });
      if (!parsed.ok) continue;
      for (const e of parsed.events) {
        if (!byAwb.has(e.awb) || !e.status) continue;
        (expectedKeys.get(e.awb) ?? expectedKeys.set(e.awb, new Set()).get(e.awb)!).add(e.key);
        const prev = lastStatus.get(e.awb);
        const at = e.occurredAt ?? '';
        if (!prev || at >= prev.at) lastStatus.set(e.awb, { at, status: e.status });
      }
    }

    say('waiting for the inbox to drain and every shipment to converge');
    await eventually('the inbox to drain', async () => ((await mongo.cols.inbox.countDocuments({ status: { $ne: 'delivered' } })) === 0 ? true : undefined), 240_000).catch(() => undefined);
    const undrained = (await mongo.cols.inbox.find({ status: { $ne: 'delivered' } }).toArray()).map((d) => {
      const doc = d as unknown as { _id: string; status: string; attempts?: number; nextAttemptAt?: unknown; deliveries?: Array<{ status: string; lastError?: string }> };
      return `${doc._id} ${doc.status} attempts=${doc.attempts} next=${String(doc.nextAttemptAt)} ${JSON.stringify(doc.deliveries?.map((x) => [x.status, x.lastError]))}`;
    });
    const mismatched: string[] = [];
    await eventually(
      'every shipment in the simulator\'s state',
      async () => {
        mismatched.length = 0;
        for (const { orderId, awb } of booked) {
          const want = lastStatus.get(awb)?.status;
          const doc = await mongo.cols.shipments.findOne({ _id: orderId });
          if (want && doc?.status !== want) {
            const view = await gateway.tracking(orderId).catch(() => null);
            mismatched.push(`${orderId} ${awb}: projection ${doc?.status} (seq ${String((doc as { seq?: number } | null)?.seq)}), workflow ${view?.status}, simulator ${want}`);
          }
        }
        return mismatched.length === 0 ? true : undefined;
      },
      240_000,
    ).catch(() => undefined);

    // Exactly once: each accepted event is in its workflow's timeline once, none twice.
    let applied = 0;
    const twice: string[] = [];
    const missing: string[] = [];
    for (const { orderId, awb } of booked) {
      const view = await gateway.tracking(orderId);
      const keys = (view?.timeline ?? []).map((t) => t.key);
      const seen = new Set<string>();
      for (const k of keys) {
        if (seen.has(k)) twice.push(`${orderId} ${k}`);
        seen.add(k);
      }
      for (const k of expectedKeys.get(awb) ?? []) {
        if (seen.has(k)) applied++;
        else missing.push(`${orderId} ${k}`);
      }
    }
    const inboxDocs = await mongo.cols.inbox.countDocuments({});
    const deliveredTwice = await mongo.cols.inbox.countDocuments({ 'deliveries.1': { $exists: true } });
    // Emails: identical (recipient, subject, text) twice means a notification went out twice.
    const mails = new Map<string, number>();
    for (const m of smtp.received) {
      const k = `${m.envelope.to.join(',')}|${m.parsed.subject}|${m.parsed.text}`;
      mails.set(k, (mails.get(k) ?? 0) + 1);
    }
    const dupMails = [...mails.values()].filter((n) => n > 1).length;
    const dupSubjects = [...mails.entries()].filter(([, n]) => n > 1).map(([k, n]) => `${n}× ${k.split('|').slice(0, 2).join(' | ')}`);
    const ledger: Record<string, number> = {};
    for (const n of await mongo.cols.notifications.find({}, { projection: { status: 1 } }).toArray()) ledger[n.status] = (ledger[n.status] ?? 0) + 1;
    const emailsExpected = await mongo.cols.notifications.countDocuments({ channel: { $in: ['email', 'admin_email'] }, status: 'sent' });
    const emailsUncertain = await mongo.cols.notifications.countDocuments({ channel: { $in: ['email', 'admin_email'] }, status: 'uncertain' });

    const counts = {
      shipments: booked.length,
      'webhooks sent (simulator pushes + courier replays)': pushes.length + replays,
      'simulator pushes (accepted 200)': `${pushes.length} (${accepted.length})`,
      'duplicate replays (accepted 200)': `${replays} (${replayAccepted})`,
      'replay answers by status': JSON.stringify(replayCodes),
      'admin syncs (trackNow through the faulty courier API) by status': JSON.stringify(syncCodes),
      'distinct events pushed': [...expectedKeys.values()].reduce((n, s) => n + s.size, 0),
      'events applied (in a timeline)': applied,
      'events applied twice': twice.length,
      'events missing': missing.length,
      'inbox documents': inboxDocs,
      'inbox documents not delivered': undrained.length,
      'inbox docs with >1 delivery target (informational)': deliveredTwice,
      'shipments not in the simulator\'s state': mismatched.length,
      'emails received': smtp.received.length,
      'notification ledger by status': JSON.stringify(ledger),
      'emails: ledger sent (+ uncertain)': `${emailsExpected} (+ ${emailsUncertain})`,
      'emails sent twice': dupMails,
      'worker start-ups that failed (restarted)': workerStartFailures,
      'courier fault stats (delhivery)': JSON.stringify(sims.delhivery.faults.stats),
      faults: faults.join('; '),
    };
    console.table(Object.entries(counts).map(([what, n]) => ({ what, n })));
    if (mismatched.length) console.log('not converged:', mismatched.slice(0, 20));
    if (missing.length) console.log('missing:', missing.slice(0, 20));
    if (undrained.length) console.log('not delivered from the inbox:', undrained.slice(0, 20));
    if (dupSubjects.length) console.log('emails sent more than once:', dupSubjects.slice(0, 20));

    expect(pushes.length + replays).toBeGreaterThanOrEqual(MIN_WEBHOOKS);
    expect(undrained).toEqual([]);
    expect(twice).toEqual([]);
    expect(missing).toEqual([]);
    expect(mismatched).toEqual([]);
    expect(dupMails).toBe(0);
    // Every slot settled; every email the ledger calls sent arrived; an uncertain one arrived at most once.
    expect(Object.keys(ledger).filter((s) => s === 'sending' || s === 'pending')).toEqual([]);
    expect(smtp.received.length).toBeGreaterThanOrEqual(emailsExpected);
    expect(smtp.received.length).toBeLessThanOrEqual(emailsExpected + emailsUncertain);
  }, 1_500_000);
});
