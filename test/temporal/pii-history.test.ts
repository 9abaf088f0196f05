// Invariant 6, on a real server: personal data never reaches Temporal's history, query answers, metrics or
// the worker's logs in plaintext, yet the Client, and ops through the codec server, read it back intact.
// The fixture workflow carries a consignee through input, memo, signal, activity input/result, query and
// failures; the raw history is then read with no codec at all and searched byte by byte.
import { randomUUID, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { register as registerTsRequire } from 'tsx/cjs/api';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/infra/processes';
import { codecKeys } from '../../src/temporal/codec-keys';
import { codecRouter } from '../../src/temporal/codec-server';
import { createClientDataConverter, createDataConverter, FAILURE_CONVERTER_PATH } from '../../src/temporal/data-converter';
import { ENCRYPTED_ENCODING, EncryptionCodec } from '../../src/temporal/encryption-codec';
import { payloadToJson } from '../../src/temporal/payload-json';
import { installWorkerRuntime } from '../../src/temporal/runtime';
import { SEARCH_ATTRIBUTE_FLAGS, SEARCH_ATTRIBUTES, shipmentWorkflowId } from '../../src/workflows/shipment/contract';
import { consigneeQuery, correctAddressSignal, type Consignee, type PiiActivities } from './fixtures/pii-workflow';

const original: Consignee = { name: 'Asha Verma', phone: '9876543210', email: 'asha.verma@example.in', address: 'Flat 4B, Lotus Residency, MG Road, Pune 411001' };
const corrected: Consignee = { name: 'रमेश कुमार', phone: '9123456780', email: 'ramesh.k@example.in', address: '12 Nehru Nagar, Indore 452001' };
/** Every fragment that must never appear in plaintext. */
const PII = [...Object.values(original), ...Object.values(corrected), 'Asha', 'Verma', 'Lotus Residency', 'Nehru Nagar', 'रमेश'];

const activities: PiiActivities = {
  async printLabel(c) {
    return `SHIP TO ${c.name}, ${c.address}. Phone ${c.phone}, ${c.email}`;
  },
  async bookWithCourier(c) {
    throw ApplicationFailure.nonRetryable(`pincode not serviceable for ${c.address} (call ${c.phone})`, 'CourierValidation', { consignee: c });
  },
};

const address = inject('temporalAddress');
const namespace = inject('temporalNamespace');
const keys = codecKeys({ id: 'test-1', key: randomBytes(32).toString('base64') });
const logLines: Array<Record<string, unknown>> = [];
let metricsUrl: string;
let connection: Connection;
let nativeConnection: NativeConnection;
let worker: Worker;
let unregisterTsRequire: () => void;

beforeAll(async () => {
  // The worker requires its failure converter by path, with Node's own require: let it load .ts here.
  unregisterTsRequire = registerTsRequire();
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  installWorkerRuntime({
    metricsBindAddress: `127.0.0.1:${metricsPort}`,
    logger: pino({ level: 'debug' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) }),
  });
  nativeConnection = await NativeConnection.connect({ address });
  connection = await Connection.connect({ address });
  worker = await Worker.create({
    connection: nativeConnection,
    namespace,
    taskQueue: `pii-${randomUUID()}`,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: resolve(__dirname, 'fixtures/pii-workflow.ts'),
      failureConverterPath: FAILURE_CONVERTER_PATH,
      logger: new DefaultLogger('WARN'),
    }),
    activities,
    dataConverter: createDataConverter(keys),
  });
});

afterAll(async () => {
  await connection?.close();
  await nativeConnection?.close();
  unregisterTsRequire?.();
});

describe('personal data in Temporal', () => {
  const orderId = `pii-${randomUUID()}`;
  const workflowId = shipmentWorkflowId(orderId);
  let events: temporal.api.history.v1.IHistoryEvent[];
  let rawQueryAnswer: Payload[];
  let clientQueryAnswer: Consignee;
  let failure: unknown;

  beforeAll(async () => {
    const client = new Client({ connection, namespace, dataConverter: createClientDataConverter(keys) });
    await worker.runUntil(async () => {
      const handle: WorkflowHandle = await client.workflow.start('piiWorkflow', {
        workflowId,
        taskQueue: worker.options.taskQueue,
        args: [{ orderId, consignee: original }],
        memo: { consignee: original },
        typedSearchAttributes: [
          { key: SEARCH_ATTRIBUTES.orderId, value: orderId },
          { key: SEARCH_ATTRIBUTES.courier, value: 'delhivery' },
          { key: SEARCH_ATTRIBUTES.shipmentStatus, value: 'pending' },
        ],
      });
      clientQueryAnswer = await handle.query(consigneeQuery);
      const raw = await connection.workflowService.queryWorkflow({ namespace, execution: { workflowId }, query: { queryType: 'consignee' } });
      rawQueryAnswer = raw.queryResult?.payloads ?? [];
      await handle.signal(correctAddressSignal, corrected);
      failure = await handle.result().catch((e: unknown) => e);
    });
    events = await rawHistory(connection, namespace, workflowId);
  });

  it('round-trips through a Client and a Worker that share the data converter', () => {
    expect(clientQueryAnswer).toEqual(original);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const wf = (failure as WorkflowFailedError).cause as ApplicationFailure;
    expect(wf.message).toBe(`booking failed for ${corrected.name}, ${corrected.address}`);
    expect(wf.details).toEqual([corrected]);
    const act = wf.cause as ActivityFailure;
    expect(act).toBeInstanceOf(ActivityFailure);
    expect((act.cause as ApplicationFailure).message).toBe(`pincode not serviceable for ${corrected.address} (call ${corrected.phone})`);
    expect((act.cause as ApplicationFailure).type).toBe('CourierValidation');
  });

  it('keeps every byte of the raw history free of plaintext personal data', () => {
    const kinds = new Set(events.map((e) => temporal.api.enums.v1.EventType[e.eventType!]));
    // The history really went through every place personal data can land.
    for (const k of [
      'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
      'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
      'EVENT_TYPE_ACTIVITY_TASK_COMPLETED',
      'EVENT_TYPE_ACTIVITY_TASK_FAILED',
      'EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED',
      'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
      'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED',
    ]) {
      expect(kinds).toContain(k);
    }
    for (const e of events) {
      const bytes = Buffer.from(temporal.api.history.v1.HistoryEvent.encode(e).finish());
      for (const s of PII) expect(bytes.includes(s), `${temporal.api.enums.v1.EventType[e.eventType!]} holds "${s}"`).toBe(false);
    }
    // Failure messages and stacks are encoded too, not only payloads.
    const failed = events.find((e) => e.workflowExecutionFailedEventAttributes)!.workflowExecutionFailedEventAttributes!.failure!;
    expect(failed.message).toBe('Encoded failure');
    expect(failed.stackTrace ?? '').toBe('');
    expect(failed.cause?.message).toBe('Encoded failure');
  });

  it('encrypts every payload in history except search attributes, which the codec never sees', () => {
    const payloads = events.flatMap((e) => collectPayloads(e, (path) => !path.includes('searchAttributes')));
    expect(payloads.length).toBeGreaterThan(8);
    for (const p of payloads) expect(Buffer.from(p.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
  });

  it('keeps the raw query answer encrypted on the wire', () => {
    expect(rawQueryAnswer).toHaveLength(1);
    expect(Buffer.from(rawQueryAnswer[0]!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    for (const s of PII) expect(Buffer.from(rawQueryAnswer[0]!.data!).includes(s)).toBe(false);
  });

  it('gives ops everything back through the codec server the Web UI calls', async () => {
    const app = express().use('/temporal-codec', codecRouter(new EncryptionCodec(keys), { allowedOrigins: ['http://localhost:8233'] }));
    const decode = async (payloads: Payload[]) => {
      const res = await request(app)
        .post('/temporal-codec/decode')
        .set('Origin', 'http://localhost:8233')
        .set('X-Namespace', namespace)
        .send({ payloads: payloads.map(payloadToJson) })
        .expect(200);
      return (res.body as { payloads: Array<{ data: string }> }).payloads.map((p) => Buffer.from(p.data, 'base64').toString('utf8'));
    };
    const everything = (await decode(events.flatMap((e) => collectPayloads(e)))).join('\n');
    for (const s of PII) expect(everything).toContain(s);

    const started = events.find((e) => e.workflowExecutionStartedEventAttributes)!.workflowExecutionStartedEventAttributes!;
    const failed = events.find((e) => e.workflowExecutionFailedEventAttributes)!.workflowExecutionFailedEventAttributes!.failure!;
    const [memo, failureAttributes] = await decode([started.memo!.fields!.consignee!, failed.encodedAttributes!]);
    expect(JSON.parse(memo!)).toEqual(original);
    expect(JSON.parse(failureAttributes!)).toMatchObject({ message: `booking failed for ${corrected.name}, ${corrected.address}` });
  });

  it('puts only ids and statuses in search attributes, by construction', async () => {
    // Search attributes are stored and indexed in plaintext: adding one is a privacy review, so the
    // set is pinned here. Never a name, phone, email or address.
    expect(SEARCH_ATTRIBUTE_FLAGS).toEqual([
      { name: 'OrderId', type: 'Keyword' },
      { name: 'Awb', type: 'Keyword' },
      { name: 'Courier', type: 'Keyword' },
      { name: 'ShipmentStatus', type: 'Keyword' },
      { name: 'NdrOpen', type: 'Bool' },
      { name: 'ExpectedDeliveryAt', type: 'Datetime' },
    ]);
    expect(Object.values(SEARCH_ATTRIBUTES).map((k) => k.name).sort()).toEqual(SEARCH_ATTRIBUTE_FLAGS.map((f) => f.name).sort());
    const client = new Client({ connection, namespace, dataConverter: createClientDataConverter(keys) });
    const described = await client.workflow.getHandle(workflowId).describe();
    const custom = described.typedSearchAttributes.getAll().filter((p) => SEARCH_ATTRIBUTE_FLAGS.some((f) => f.name === p.key.name));
    expect(Object.fromEntries(custom.map((p) => [p.key.name, p.value]))).toEqual({ OrderId: orderId, Courier: 'delhivery', ShipmentStatus: 'booked' });
  });

  it("exports the SDK's worker metrics, with no personal data in them", async () => {
    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^temporal_workflow_failed\{/m);
    expect(text).toMatch(/^temporal_activity_execution_failed\{/m);
    for (const s of PII) expect(text).not.toContain(s);
  });

  it('logs JSON with workflow ids through pino, and keeps failure messages (personal data) out of the logs', () => {
    const printed = logLines.find((l) => l.msg === 'label printed');
    expect(printed).toMatchObject({ workflowId, orderId, workflowType: 'piiWorkflow' });
    const activityFailed = logLines.find((l) => l.msg === 'Activity failed');
    expect(activityFailed).toMatchObject({ workflowId, activityType: 'bookWithCourier', err: { name: 'ApplicationFailure', type: 'CourierValidation' } });
    const all = JSON.stringify(logLines);
    for (const s of PII) expect(all).not.toContain(s);
  });
});

async function rawHistory(conn: Connection, ns: string, workflowId: string): Promise<temporal.api.history.v1.IHistoryEvent[]> {
  const out: temporal.api.history.v1.IHistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await conn.workflowService.getWorkflowExecutionHistory({ namespace: ns, execution: { workflowId }, nextPageToken });
    out.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return out;
}

/** Every Payload message anywhere in a decoded protobuf object (maps and repeated fields included). */
function collectPayloads(node: unknown, keep: (path: string) => boolean = () => true, path = ''): Payload[] {
  if (typeof node !== 'object' || node === null || node instanceof Uint8Array) return [];
  // @temporalio/proto builds messages by reflection: each decoded message names its type.
  if ((node as { $type?: { fullName?: string } }).$type?.fullName === '.temporal.api.common.v1.Payload') return keep(path) ? [node as Payload] : [];
  return Object.entries(node).flatMap(([k, v]) => collectPayloads(v, keep, `${path}.${k}`));
}

