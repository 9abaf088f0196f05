// A fresh database per test file on the run's shared FerretDB (or MongoDB), indexes created.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { connectMongo, type Mongo } from '../../src/storage/mongo';
import { needsServer } from './tier';

export async function freshMongo(label: string): Promise<Mongo> {
  needsServer('freshMongo (FerretDB)');
  const name = `t_${label.replace(/[^A-Za-z0-9]/g, '_')}_${randomUUID().slice(0, 8)}`;
  const m = await connectMongo(inject('mongoUri'), name);
  const close = m.close;
  return {
    ...m,
    close: async () => {
      await m.db.dropDatabase().catch(() => {});
      await close();
    },
  };
}
