// Hostile webhook bodies against every webhook endpoint, through the real courier modules, the real
// inbox (MongoDB) and a recording gateway: wrong types, huge arrays, deep nesting, invalid UTF-8,
// replayed and forged signatures, another courier's format, and fast-check's arbitrary JSON.
// For every request: no 5xx; a refused request (non-2xx) changes nothing (no inbox document, no
// signal); no secret in any response or log line.
import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HMAC_HEADER, signHmac } from '../../src/couriers/common/hmac';
import { icarryCallbackUrlToken } from '../../src/couriers/icarry';
import type { CourierId } from '../../src/domain/events';
import type { Mongo } from '../../src/storage/mongo';
import { WEBHOOK_PATHS } from '../../src/webhooks/endpoints';
import { courierWebhooks } from '../../src/webhooks/modules';
import { FakeGateway, testStack } from '../support/api';
import { freshMongo } from '../support/mongo';

const SECRETS: Record<CourierId, { apiKey: string; webhookSecret: string }> = {
  shiprocket: { apiKey: 'fuzz-shiprocket-api-key-0001', webhookSecret: 'fuzz-shiprocket-webhook-token-0001' },
  delhivery: { apiKey: 'fuzz-delhivery-api-key-0001', webhookSecret: 'fuzz-delhivery-webhook-token-0001' },
  icarry: { apiKey: 'fuzz-icarry-api-key-0001', webhookSecret: 'fuzz-icarry-webhook-token-0001' },
};
const ALL_SECRETS = Object.values(SECRETS).flatMap((s) => [s.apiKey, s.webhookSecret]);

let mongo: Mongo;
let s: ReturnType<typeof testStack>;
let gateway: FakeGateway;
const logLines: string[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _enc, cb) {
    logLines.push(chunk.toString());
    cb();
  },
});

/** Endpoint → headers a genuine sender would add (valid authentication). */
const ENDPOINTS: Array<{ name: string; courier: CourierId; path: string; headers: (body: Buffer) => Record<string, string> }> = [
  { name: 'shiprocket', courier: 'shiprocket', path: WEBHOOK_PATHS.shiprocket, headers: () => ({ 'x-api-key': SECRETS.shiprocket.webhookSecret }) },
  { name: 'shiprocket (named path)', courier: 'shiprocket', path: WEBHOOK_PATHS.shiprocketNamed, headers: () => ({ 'x-api-key': SECRETS.shiprocket.webhookSecret }) },
  { name: 'delhivery', courier: 'delhivery', path: WEBHOOK_PATHS.delhivery, headers: () => ({ authorization: `Bearer ${SECRETS.delhivery.webhookSecret}` }) },
  { name: 'icarry status', courier: 'icarry', path: `${WEBHOOK_PATHS.icarryStatus}?token=${icarryCallbackUrlToken(SECRETS.icarry.apiKey)}`, headers: () => ({}) },
  { name: 'icarry ndr', courier: 'icarry', path: `${WEBHOOK_PATHS.icarryNdr}?token=${icarryCallbackUrlToken(SECRETS.icarry.apiKey)}`, headers: () => ({}) },
];

beforeAll(async () => {
  mongo = await freshMongo('fuzz_webhooks');
});
afterAll(async () => mongo.close());
beforeEach(async () => {
  await Promise.all([mongo.cols.inbox.deleteMany({}), mongo.cols.awbIndex.deleteMany({}), mongo.cols.couriers.deleteMany({})]);
  gateway = new FakeGateway();
  s = testStack(mongo, { gateway, modules: courierWebhooks(), log: pino({ level: 'debug' }, logSink), rateLimitPerMinute: 1_000_000, maxBodyBytes: 256 * 1024 });
  for (const c of ['shiprocket', 'delhivery', 'icarry'] as const) {
    await s.courierSettings.put(c, { provider: c, enabled: false, apiKey: SECRETS[c].apiKey, webhookSecret: SECRETS[c].webhookSecret, fields: c === 'delhivery' ? { webhookHeaderName: 'authorization' } : {} }, 'fuzz');
  }
  await s.awbs.register('delhivery', 'AWB1', 'ORD-1');
  await s.awbs.register('shiprocket', 'AWB2', 'ORD-2');
  await s.awbs.register('icarry', 'AWB3', 'ORD-3');
});

interface Outcome {
  status: number;
  text: string;
}

async function send(path: string, body: Buffer | string, headers: Record<string, string>, contentType = 'application/json'): Promise<Outcome> {
  const r = await request(s.app)
    .post(path)
    .set({ 'content-type': contentType, ...headers })
    .send(typeof body === 'string' ? body : body);
  return { status: r.status, text: r.text };
}

/** The invariants every hostile request must keep. */
async function check(o: Outcome, before: { inbox: number; signals: number }, what: string): Promise<void> {
  expect(o.status, `${what}: ${o.text.slice(0, 200)}`).toBeLessThan(500);
  for (const secret of ALL_SECRETS) expect(o.text.includes(secret), `${what}: secret in the response`).toBe(false);
  if (o.status >= 300) {
    await s.ingestor.idle();
    expect(await mongo.cols.inbox.countDocuments(), `${what}: a refused request wrote the inbox`).toBe(before.inbox);
    expect(gateway.signals.length, `${what}: a refused request signalled`).toBe(before.signals);
  }
}

const snapshot = async () => ({ inbox: await mongo.cols.inbox.countDocuments(), signals: gateway.signals.length });

function hostileBodies(): Array<[string, Buffer | string]> {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const deepObj = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  return [
    ['empty', ''],
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"AWB1"'],
    ['an array', '[]'],
    ['truncated JSON', '{"Shipment": {"AWB": "AWB1"'],
    ['wrong types (delhivery)', JSON.stringify({ Shipment: { AWB: 12345, Status: { Status: ['x'], StatusDateTime: {}, StatusType: 7 } } })],
    ['wrong types (shiprocket)', JSON.stringify({ awb: { $ne: null }, current_status: 5, shipment_status_id: 'x', scans: 'no' })],
    ['wrong types (icarry)', JSON.stringify({ awb: [], status: {}, token: 7 })],
    ['operator injection', JSON.stringify({ Shipment: { AWB: { $gt: '' }, Status: { Status: 'Delivered', StatusType: 'DL', StatusDateTime: '2025-01-01T10:00:00' } } })],
    ['prototype pollution', '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}, "Shipment": {"AWB": "AWB1"}}'],
    ['huge array of scans', JSON.stringify({ awb: 'AWB2', scans: Array.from({ length: 5_000 }, (_, i) => ({ date: '2025-01-01 10:00:00', activity: `s${i}`, location: 'X', 'sr-status': 6 })) })],
    ['over the size limit', JSON.stringify({ pad: 'x'.repeat(400 * 1024) })],
    ['deep nesting (arrays, 50k)', deep(50_000)],
    ['deep nesting (objects, 20k)', deepObj(20_000)],
    ['invalid UTF-8', Buffer.concat([Buffer.from('{"Shipment":{"AWB":"AWB1","Status":{"Status":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from('"}}}')])],
    ['NUL bytes and control characters', '{"Shipment":{"AWB":"AWB1\u0000\u0007","Status":{"Status":"\u001b[31mDelivered"}}}'],
    ['very long string field', JSON.stringify({ Shipment: { AWB: 'A'.repeat(100_000), Status: { Status: 'In Transit', StatusType: 'UD', StatusDateTime: '2025-01-01T10:00:00' } } })],
    ['impossible dates', JSON.stringify({ Shipment: { AWB: 'AWB1', Status: { Status: 'In Transit', StatusType: 'UD', StatusDateTime: '9999-99-99T99:99:99' } } })],
    ['form-encoded garbage', 'a=%ZZ&b=%&&&==&token'],
  ];
}

describe('hostile webhook bodies', () => {
  it('never answers 5xx, changes nothing when refusing, and never echoes a secret — every endpoint, every body', async () => {
    let requests = 0;
    for (const ep of ENDPOINTS) {
      for (const [label, body] of hostileBodies()) {
        const buf = typeof body === 'string' ? Buffer.from(body) : body;
        for (const [authLabel, headers] of [
          ['authenticated', ep.headers(buf)],
          ['no credentials', {}],
        ] as const) {
          const before = await snapshot();
          const path = authLabel === 'no credentials' ? ep.path.replace(/\?token=.*/, '') : ep.path;
          const o = await send(path, buf, headers);
          requests++;
          await check(o, before, `${ep.name} / ${label} / ${authLabel}`);
          if (authLabel === 'no credentials') expect(o.status, `${ep.name} / ${label}: unauthenticated accepted`).toBeGreaterThanOrEqual(400);
        }
        // The same bodies as form posts (iCarry posts forms; others must not choke on them).
        const before = await snapshot();
        const o = await send(ep.path, buf, ep.headers(buf), 'application/x-www-form-urlencoded');
        requests++;
        await check(o, before, `${ep.name} / ${label} / as a form`);
      }
    }
    const logText = logLines.join('');
    for (const secret of ALL_SECRETS) expect(logText.includes(secret), 'secret in a log line').toBe(false);
    console.log(`hostile webhook bodies: ${requests} requests, ${logLines.length} log lines, no 5xx, no secret`);
  }, 300_000);

  it("refuses another courier's format without changing state, and another courier's credentials", async () => {
    const delhivery = JSON.stringify({ Shipment: { AWB: 'AWB1', Status: { Status: 'Delivered', StatusType: 'DL', StatusDateTime: '2025-01-01T10:00:00', StatusLocation: 'X', Instructions: 'ok' }, NSLCode: 'EOD-38' } });
    const shiprocket = JSON.stringify({ awb: 'AWB2', current_status: 'DELIVERED', shipment_status_id: 7, current_timestamp: '2025-01-01 10:00:00', scans: [] });
    const cases: Array<[string, string, Record<string, string>]> = [
      ["shiprocket's body at delhivery's endpoint", WEBHOOK_PATHS.delhivery, { authorization: `Bearer ${SECRETS.delhivery.webhookSecret}` }],
      ["delhivery's body at shiprocket's endpoint", WEBHOOK_PATHS.shiprocket, { 'x-api-key': SECRETS.shiprocket.webhookSecret }],
      ["delhivery's token at shiprocket's endpoint", WEBHOOK_PATHS.shiprocket, { 'x-api-key': SECRETS.delhivery.webhookSecret }],
      ["shiprocket's token at delhivery's endpoint", WEBHOOK_PATHS.delhivery, { authorization: `Bearer ${SECRETS.shiprocket.webhookSecret}` }],
    ];
    for (const [label, path, headers] of cases) {
      for (const body of [delhivery, shiprocket]) {
        const before = await snapshot();
        const o = await send(path, body, headers);
        await check(o, before, label);
        if (label.includes('token')) expect(o.status, label).toBeGreaterThanOrEqual(400);
        // Accepted or not, no workflow may hear of an AWB of the other courier.
        await s.ingestor.idle();
        for (const sig of gateway.signals) for (const e of sig.signal.events) expect(e.courier === 'delhivery' ? 'ORD-1' : e.courier === 'shiprocket' ? 'ORD-2' : 'ORD-3').toBe(sig.orderId);
      }
    }
  });

  it('refuses forged and replayed HMAC signatures (body changed, stale timestamp, other secret)', async () => {
    await s.courierSettings.put('delhivery', { provider: 'delhivery', enabled: false, apiKey: SECRETS.delhivery.apiKey, webhookSecret: SECRETS.delhivery.webhookSecret, fields: { webhookScheme: 'hmac-sha256' } }, 'fuzz');
    const body = JSON.stringify({ Shipment: { AWB: 'AWB1', Status: { Status: 'In Transit', StatusType: 'UD', StatusDateTime: '2025-01-01T10:00:00', StatusLocation: 'X', Instructions: 'x' }, NSLCode: 'X-PIOM' } });
    const now = Math.floor(Date.now() / 1000);
    const good = signHmac(SECRETS.delhivery.webhookSecret, body, now);
    const first = await send(WEBHOOK_PATHS.delhivery, body, { [HMAC_HEADER]: good });
    expect(first.status).toBe(200);
    await s.ingestor.idle();
    const afterFirst = await snapshot();
    // Replayed as is: idempotent (a duplicate), nothing new reaches the workflow.
    const replay = await send(WEBHOOK_PATHS.delhivery, body, { [HMAC_HEADER]: good });
    expect(replay.status).toBe(200);
    await s.ingestor.idle();
    expect(await snapshot()).toEqual(afterFirst);
    const forged: Array<[string, string, string]> = [
      ['signature of another body', body.replace('In Transit', 'Delivered'), good],
      ['stale timestamp (1 hour)', body, signHmac(SECRETS.delhivery.webhookSecret, body, now - 3_600)],
      ['future timestamp (1 hour)', body, signHmac(SECRETS.delhivery.webhookSecret, body, now + 3_600)],
      ['signed with another secret', body, signHmac('not-the-secret', body, now)],
      ['malformed header', body, 't=abc,v1=zz'],
      ['empty header', body, ''],
      ['v1 missing', body, `t=${now}`],
    ];
    for (const [label, b, sig] of forged) {
      const before = await snapshot();
      const o = await send(WEBHOOK_PATHS.delhivery, b, { [HMAC_HEADER]: sig });
      expect(o.status, label).toBeGreaterThanOrEqual(400);
      await check(o, before, label);
    }
  });

  it('survives arbitrary JSON from fast-check at every endpoint (authenticated)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), fc.oneof(fc.json({ maxDepth: 6 }), fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify({ Shipment: v, awb: v, scans: [v] }))), async (ep, body) => {
        n++;
        const before = await snapshot();
        const o = await send(ep.path, body, ep.headers(Buffer.from(body)));
        await check(o, before, `${ep.name} / ${body.slice(0, 80)}`);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150), seed: Number(process.env.FUZZ_SEED ?? 20261123) },
    );
    console.log(`fast-check: ${n} generated bodies, no 5xx, refused ones changed nothing`);
  }, 300_000);
});
