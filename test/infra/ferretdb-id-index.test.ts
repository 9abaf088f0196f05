// The embedded FerretDB must answer a lookup by _id from its _id index, not by reading the whole table:
// as released, v1.24.2's SQLite backend filters on an expression the index does not name and SCANs
// (scripts/patches/ferretdb-v1.24.2-id-index.patch). A SCAN here means .tools/bin/ferretdb is an
// unpatched build: run `npm run tools`.
import { ObjectId, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mongo } from '../../src/storage/mongo';
import { freshMongo } from '../support/mongo';

interface FerretExplain {
  queryPlanner?: { Plan?: unknown };
  filterPushdown?: boolean;
  serverInfo?: { ferretdbVersion?: string };
}

/** FerretDB's explain: queryPlanner.Plan holds SQLite's EXPLAIN QUERY PLAN rows as "id=… detail=…". */
async function planOf(m: Mongo, collection: string, filter: Document): Promise<{ plan: string[]; pushdown: boolean }> {
  const res = (await m.db.command({ explain: { find: collection, filter }, verbosity: 'queryPlanner' })) as FerretExplain;
  expect(res.serverInfo?.ferretdbVersion, 'this test reads FerretDB’s own explain format').toBeTypeOf('string');
  const plan = res.queryPlanner?.Plan;
  expect(Array.isArray(plan), `explain answered ${JSON.stringify(res.queryPlanner)}`).toBe(true);
  return { plan: (plan as unknown[]).map(String), pushdown: res.filterPushdown === true };
}

const details = (plan: string[]) => plan.map((row) => row.replace(/^.*detail=/, ''));

describe('FerretDB (SQLite backend) uses its _id index', () => {
  let m: Mongo;
  const ids = Array.from({ length: 300 }, (_, i) => `k${i}`);
  const oids = Array.from({ length: 20 }, () => new ObjectId());

  beforeAll(async () => {
    m = await freshMongo('ferret_id_index');
    await m.db.collection<{ _id: string | ObjectId; n: number }>('probe').insertMany([...ids.map((_id, n) => ({ _id, n })), ...oids.map((_id, n) => ({ _id, n: 1000 + n }))]);
  });
  afterAll(async () => {
    await m?.close();
  });

  it('plans find({_id: string}) as a SEARCH on the _id index, never a SCAN', async () => {
    const { plan, pushdown } = await planOf(m, 'probe', { _id: 'k150' });
    expect(pushdown).toBe(true);
    const d = details(plan);
    expect(d.filter((x) => /\bSCAN\b/.test(x)), `plan: ${JSON.stringify(d)}`).toEqual([]);
    expect(d.some((x) => /^SEARCH \S+ USING INDEX \S+__id_ \(/.test(x)), `plan: ${JSON.stringify(d)}`).toBe(true);
  });

  it('plans find({_id: ObjectId}) the same way', async () => {
    const d = details((await planOf(m, 'probe', { _id: oids[7]! })).plan);
    expect(d.filter((x) => /\bSCAN\b/.test(x)), `plan: ${JSON.stringify(d)}`).toEqual([]);
    expect(d.some((x) => /USING INDEX \S+__id_\b/.test(x)), `plan: ${JSON.stringify(d)}`).toBe(true);
  });

  it('still SCANs a filter it cannot push down (so the assertion above can tell the two apart)', async () => {
    const d = details((await planOf(m, 'probe', { n: 5 })).plan);
    expect(d.some((x) => /^SCAN /.test(x)), `plan: ${JSON.stringify(d)}`).toBe(true);
  });

  it('finds, updates and deletes by _id with the same results as before the patch', async () => {
    const col = m.db.collection<{ _id: string | ObjectId; n: number }>('probe');
    expect(await col.findOne({ _id: 'k150' })).toEqual({ _id: 'k150', n: 150 });
    expect(await col.findOne({ _id: oids[3]! })).toEqual({ _id: oids[3], n: 1003 });
    expect(await col.findOne({ _id: 'absent' })).toBeNull();
    expect((await col.updateOne({ _id: 'k7' }, { $set: { n: -7 } })).modifiedCount).toBe(1);
    expect(await col.findOne({ _id: 'k7' })).toEqual({ _id: 'k7', n: -7 });
    expect((await col.deleteOne({ _id: 'k8' })).deletedCount).toBe(1);
    expect(await col.findOne({ _id: 'k8' })).toBeNull();
    await expect(col.insertOne({ _id: 'k9', n: 0 })).rejects.toThrow(/duplicate key|E11000/);
    expect(await col.countDocuments()).toBe(ids.length + oids.length - 1);
  });

  it('uses the index on the collections Waybill creates too (orders, shipments, tracking events)', async () => {
    for (const name of [m.cols.orders.collectionName, m.cols.shipments.collectionName, m.cols.trackingEvents.collectionName]) {
      await m.db.collection<{ _id: string }>(name).insertOne({ _id: 'probe-doc' });
      const d = details((await planOf(m, name, { _id: 'probe-doc' })).plan);
      expect(d.some((x) => /USING INDEX \S+__id_\b/.test(x)) && !d.some((x) => /\bSCAN\b/.test(x)), `${name}: ${JSON.stringify(d)}`).toBe(true);
    }
  });
});
