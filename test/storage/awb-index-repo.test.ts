// AWB → order: idempotent registration, never re-pointed, remembered once seen (it never changes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwbIndexRepo } from '../../src/storage/awb-index-repo';
import type { Mongo } from '../../src/storage/mongo';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
beforeAll(async () => {
  mongo = await freshMongo('awb_index');
});
afterAll(async () => mongo.close());

describe('AwbIndexRepo', () => {
  it('registers idempotently and reports an AWB another order already holds', async () => {
    const repo = new AwbIndexRepo(mongo.cols);
    expect(await repo.register('delhivery', 'A1', 'O1')).toEqual({});
    expect(await repo.register('delhivery', 'A1', 'O1')).toEqual({});
    expect(await repo.register('delhivery', 'A1', 'O2')).toEqual({ conflictWith: 'O1' });
    expect(await repo.register('shiprocket', 'A1', 'O2')).toEqual({}); // unique per courier
    expect(await new AwbIndexRepo(mongo.cols).orderFor('delhivery', 'A1')).toBe('O1');
  });

  it('remembers a found AWB, but not a missing one', async () => {
    const repo = new AwbIndexRepo(mongo.cols);
    expect(await repo.orderFor('icarry', 'B1')).toBeUndefined();
    await new AwbIndexRepo(mongo.cols).register('icarry', 'B1', 'O3'); // another process records it
    expect(await repo.orderFor('icarry', 'B1')).toBe('O3');
    await mongo.cols.awbIndex.deleteOne({ _id: 'icarry:B1' });
    expect(await repo.orderFor('icarry', 'B1')).toBe('O3'); // from memory: the mapping never changes
  });
});
