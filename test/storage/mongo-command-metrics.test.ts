// MONGODB_COMMAND_METRICS: each command the driver sends counts once, by command and collection, and
// the count shows on the process's /metrics (createMetrics); off, nothing is counted or exported.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/lib/metrics';
import { connectMongo, mongoCommandCounter, mongoCommandMetricsEnabled, type Mongo } from '../../src/storage/mongo';

async function count(command: string, collection: string): Promise<number> {
  const m = await mongoCommandCounter().get();
  return m.values.find((v) => v.labels.command === command && v.labels.collection === collection)?.value ?? 0;
}

describe('MongoDB command metrics', () => {
  const dbName = `t_cmd_metrics_${randomUUID().slice(0, 8)}`;
  let on: Mongo;
  let off: Mongo;
  beforeAll(async () => {
    on = await connectMongo(inject('mongoUri'), dbName, { ensureIndexes: false, commandMetrics: true });
    off = await connectMongo(inject('mongoUri'), dbName, { ensureIndexes: false, commandMetrics: false });
  });
  afterAll(async () => {
    await on?.db.dropDatabase().catch(() => undefined);
    await on?.close();
    await off?.close();
  });

  it('counts each command once, by command and collection, only on a client that monitors', async () => {
    const col = on.db.collection<{ _id: string; n: number }>('probe');
    const [ins, find, upd] = [await count('insert', 'probe'), await count('find', 'probe'), await count('update', 'probe')];
    await col.insertOne({ _id: 'a', n: 1 });
    await col.findOne({ _id: 'a' });
    await col.updateOne({ _id: 'a' }, { $set: { n: 2 } });
    await col.findOne({ _id: 'a' });
    expect(await count('insert', 'probe')).toBe(ins + 1);
    expect(await count('find', 'probe')).toBe(find + 2);
    expect(await count('update', 'probe')).toBe(upd + 1);

    await off.db.collection<{ _id: string }>('probe').findOne({ _id: 'a' });
    expect(await count('find', 'probe')).toBe(find + 2);
  });

  it('names the collection of a getMore (it names its cursor first)', async () => {
    const col = on.db.collection<{ _id: string }>('many');
    await col.insertMany(Array.from({ length: 30 }, (_, i) => ({ _id: `d${i}` })));
    const before = await count('getMore', 'many');
    expect(await col.find({}, { batchSize: 10 }).toArray()).toHaveLength(30);
    expect(await count('getMore', 'many')).toBeGreaterThan(before);
  });

  it('is exported on /metrics when switched on, and absent otherwise', async () => {
    const withIt = await createMetrics({ service: 'api', processMetrics: false, mongoCommands: true }).registry.metrics();
    expect(withIt).toMatch(/^waybill_mongo_commands_total\{command="insert",collection="probe",service="api"\} \d+$/m);
    const without = await createMetrics({ service: 'api', processMetrics: false, mongoCommands: false }).registry.metrics();
    expect(without).not.toContain('waybill_mongo_commands_total');
  });

  it('reads the switch from MONGODB_COMMAND_METRICS', () => {
    expect(mongoCommandMetricsEnabled({ MONGODB_COMMAND_METRICS: 'true' })).toBe(true);
    expect(mongoCommandMetricsEnabled({ MONGODB_COMMAND_METRICS: '1' })).toBe(true);
    expect(mongoCommandMetricsEnabled({ MONGODB_COMMAND_METRICS: 'false' })).toBe(false);
    expect(mongoCommandMetricsEnabled({})).toBe(false);
  });
});
