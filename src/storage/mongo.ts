// The MongoDB connection. The same code runs on FerretDB v1 (embedded default) and MongoDB 7: no
// transactions, change streams, TTL or partial indexes (see README, "The MongoDB subset").
import {
  MongoClient,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type Db,
} from 'mongodb';
import { collections, ensureIndexes, type Collections } from './collections';

export interface Mongo {
  client: MongoClient;
  db: Db;
  cols: Collections;
  close(): Promise<void>;
}

export async function connectMongo(uri: string, dbName: string, opts: { ensureIndexes?: boolean } = {}): Promise<Mongo> {
  const client = await MongoClient.connect(uri, {
    serverSelectionTimeoutMS: 10_000,
    appName: 'waybill',
  });
  const db = client.db(dbName);
  if (opts.ensureIndexes ?? true) await ensureIndexes(db);
  return { client, db, cols: collections(db), close: () => client.close() };
}

export function isDuplicateKey(e: unknown): boolean {
  return e instanceof MongoServerError && e.code === 11000;
}

/**
 * The database could not be reached (down, restarting, network): an outage a caller should retry after,
 * not a bug in the request. Server errors with a code (duplicate key, validation) are not this.
 */
export function isMongoUnavailable(e: unknown): boolean {
  return (
    e instanceof MongoServerSelectionError ||
    e instanceof MongoNetworkError || // also a pool cleared after a network error
    e instanceof MongoNotConnectedError ||
    e instanceof MongoTopologyClosedError
  );
}

export async function pingMongo(m: Mongo): Promise<boolean> {
  try {
    await m.db.command({ ping: 1 });
    return true;
  } catch {
    return false;
  }
}
