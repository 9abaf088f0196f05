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
import { Counter } from 'prom-client';
import { collections, ensureIndexes, type Collections } from './collections';

export interface Mongo {
  client: MongoClient;
  db: Db;
  cols: Collections;
  close(): Promise<void>;
}

/**
 * Operations one process runs against the database at once. FerretDB v1 (SQLite) holds two of its 100
 * SQLite connections for every update (a query cursor, then the write in a transaction; read from its
 * source), so enough concurrent updates across all clients can each wait for a connection another
 * holds. Seen at 200 webhooks/s with the driver's default pool of 100: FerretDB idle, every request
 * waiting, for good. The bound of ~50 follows from the source; it was not measured.
 * Two processes at 20 stay clear of it; on MongoDB 7 raise MONGODB_MAX_POOL_SIZE freely.
 */
export const DEFAULT_MONGO_POOL_SIZE = 20;

export async function connectMongo(
  uri: string,
  dbName: string,
  opts: { ensureIndexes?: boolean; maxPoolSize?: number; commandMetrics?: boolean } = {},
): Promise<Mongo> {
  const monitor = opts.commandMetrics ?? mongoCommandMetricsEnabled();
  const client = await MongoClient.connect(uri, {
    serverSelectionTimeoutMS: 10_000,
    appName: 'waybill',
    maxPoolSize: opts.maxPoolSize ?? DEFAULT_MONGO_POOL_SIZE,
    // Only ever switched on here: a `monitorCommands=true` in the URI (tests counting round trips) stands.
    ...(monitor ? { monitorCommands: true } : {}),
  });
  if (monitor) countCommands(client);
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
  // FerretDB v1 passes SQLite's lock timeout through as an InternalError: the database is busy, not broken.
  if (e instanceof MongoServerError && /SQLITE_BUSY|database is locked/.test(e.message)) return true;
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

// ---------------------------------------------------------------------------------------------------
// Database round trips, counted (MONGODB_COMMAND_METRICS): one count per command the driver sends, by
// command and collection, from the driver's command monitoring. Off by default: the driver then builds
// no monitoring events at all. Benchmarks turn it on to measure round trips per webhook
// (bench/webhook-cost.ts); createMetrics (src/lib/metrics.ts) exports it on each process's /metrics.

/**
 * Read here rather than passed by each caller: every process that connects (API, worker, scripts) gets it
 * from the one variable. config.ts validates and documents the same variable.
 */
export function mongoCommandMetricsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['true', '1', 'yes'].includes((env.MONGODB_COMMAND_METRICS ?? '').trim());
}

let commandCounter: Counter<'command' | 'collection'> | undefined;
/** Collection labels come from our own code, but a bound keeps a stray name from growing the series. */
const MAX_COLLECTION_LABELS = 64;
const seenCollections = new Set<string>();

/** The process-wide counter (created on first use, registered in no registry until createMetrics adds it). */
export function mongoCommandCounter(): Counter<'command' | 'collection'> {
  commandCounter ??= new Counter({
    name: 'waybill_mongo_commands_total',
    help: 'MongoDB commands sent (database round trips), by command and collection; only with MONGODB_COMMAND_METRICS=true',
    labelNames: ['command', 'collection'] as const,
    registers: [],
  });
  return commandCounter;
}

function countCommands(client: MongoClient): void {
  const counter = mongoCommandCounter();
  client.on('commandStarted', (e) => {
    const cmd = e.command as Record<string, unknown>;
    // {find: 'orders'}, {update: 'orders'}…; getMore names its cursor first and the collection after.
    const target = typeof cmd[e.commandName] === 'string' ? cmd[e.commandName] : cmd.collection;
    let collection = typeof target === 'string' ? target : '';
    if (collection && !seenCollections.has(collection)) {
      if (seenCollections.size >= MAX_COLLECTION_LABELS) collection = '(other)';
      else seenCollections.add(collection);
    }
    counter.inc({ command: e.commandName, collection });
  });
}
