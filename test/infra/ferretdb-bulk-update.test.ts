// FerretDB as the project builds it (scripts/patches/ferretdb-v1.24.2-bulk-update.patch) answers an update
// command with hundreds of statements. As released, v1.24.2 kept one SQLite connection per statement until
// the command returned, and past about fifty statements it waited forever for a connection it held itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mongo } from '../../src/storage/mongo';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
beforeAll(async () => {
  mongo = await freshMongo('ferretdb_bulk_update');
});
afterAll(async () => mongo.close());

/** Rejects after `ms` instead of hanging the run (a deadlocked server never answers). */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms: FerretDB deadlocked on a many-statement update (is the bulk-update patch applied?)`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

describe('an update command with many statements', () => {
  it('completes, with the same counts and documents as MongoDB gives', async () => {
    const col = mongo.db.collection<{ _id: string; n: number; tag?: string }>('bulk');
    const N = 300;
    await col.insertMany(Array.from({ length: N }, (_, i) => ({ _id: `d${i}`, n: i })));
    const ops = [
      ...Array.from({ length: N }, (_, i) => ({ updateOne: { filter: { _id: `d${i}` }, update: { $set: { tag: 'x' }, $inc: { n: 1 } } } })),
      { updateOne: { filter: { _id: 'missing' }, update: { $set: { tag: 'y' } } } },
      { updateOne: { filter: { _id: 'new' }, update: { $set: { n: -1 } }, upsert: true } },
    ];
    const r = await within(30_000, 'bulkWrite of 302 updates', col.bulkWrite(ops, { ordered: false }));
    expect({ matched: r.matchedCount, modified: r.modifiedCount, upserted: r.upsertedCount }).toEqual({ matched: N, modified: N, upserted: 1 });
    expect(await col.findOne({ _id: 'd7' })).toEqual({ _id: 'd7', n: 8, tag: 'x' });
    expect(await col.findOne({ _id: 'new' })).toEqual({ _id: 'new', n: -1 });
    // And the server still answers everyone else afterwards.
    expect(await within(10_000, 'a find after the bulk update', col.countDocuments({ tag: 'x' }))).toBe(N);
  });
});
