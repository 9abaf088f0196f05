// ensureIndexes keeps on each server only the indexes it can use: on FerretDB v1, whose planner answers
// nothing but an exact {_id} filter from an index, a secondary index is write cost alone and is dropped;
// on MongoDB every listed index exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS, ensureIndexes, INDEXES, isFerretDb } from '../../src/storage/collections';
import type { Mongo } from '../../src/storage/mongo';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
beforeAll(async () => {
  mongo = await freshMongo('indexes');
});
afterAll(async () => mongo.close());

describe('ensureIndexes', () => {
  it('leaves exactly the indexes the server can use, and is idempotent', async () => {
    const col = mongo.db.collection(COLLECTIONS.shipments);
    const listed = INDEXES.shipments[0]!;
    // As an older Waybill left it, on either server.
    await col.createIndexes([listed]);
    await ensureIndexes(mongo.db);
    await ensureIndexes(mongo.db);
    const names = (await col.indexes()).map((i) => i.name);
    if (await isFerretDb(mongo.db)) expect(names).toEqual(['_id_']);
    else expect(names).toEqual(expect.arrayContaining(['_id_', ...INDEXES.shipments.map((i) => i.name)]));
  });
});
