// The embedded FerretDB (v1, SQLite backend) as a write path, measured on its own: why bench/scale.ts
// does not book its bulk through the API. Two figures:
//
// 1. writes/s (insertOne + updateOne by _id, 48 callers, a fresh collection each) by MongoDB driver
//    pool size: whether SQLite's one writer at a time makes more connections useless;
// 2. updateOne and findOne by _id, and insertOne, as the collection grows (1.5 KB documents, one
//    caller).
//
//   node --import tsx bench/ferretdb-writes.ts [--sizes 1000,10000,30000] [--pools 1,2,8,48]
//
// Starts its own FerretDB in a temp dir on a free port (src/infra/ferretdb.ts, as `npm start` does) and
// appends its tables to docs/BENCHMARKS.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { startFerretDb } from '../src/infra/ferretdb';
import { freePort } from '../src/infra/processes';
import { load, report, say, type Row } from './lib/report';

const list = (name: string, dflt: number[]) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]!.split(',').map(Number) : dflt;
};

interface Doc {
  _id: string;
  n: number;
  pad: string;
}

async function main(): Promise<void> {
  const loadStart = load();
  const sizes = list('sizes', [1000, 10_000, 30_000]);
  const pools = list('pools', [1, 2, 8, 48]);
  const dir = mkdtempSync(join(tmpdir(), 'waybill-ferret-writes-'));
  const port = await freePort();
  const ferret = await startFerretDb({ toolsDir: resolve(__dirname, '../.tools'), dataDir: dir, port, output: 'ignore' });
  const uri = `mongodb://127.0.0.1:${port}/`;
  const pad = 'x'.repeat(1500);
  const poolRows: Row[] = [];
  const sizeRows: Row[] = [];
  try {
    for (const pool of pools) {
      const client = await MongoClient.connect(uri, { maxPoolSize: pool });
      const col = client.db('writes').collection<Doc>(`pool${pool}`);
      const total = 1500;
      let next = 0;
      let errors = 0;
      const t = performance.now();
      await Promise.all(
        Array.from({ length: 48 }, async () => {
          while (next < total) {
            const _id = `k${next++}`;
            try {
              await col.insertOne({ _id, n: 0, pad });
              await col.updateOne({ _id }, { $set: { n: 1 } });
            } catch {
              errors++;
            }
          }
        }),
      );
      const s = (performance.now() - t) / 1000;
      poolRows.push({ 'pool size': pool, callers: 48, writes: 2 * total, 'writes/s': Math.round((2 * total) / s), errors });
      say(`pool ${pool}: ${Math.round((2 * total) / s)} writes/s, ${errors} errors`);
      await client.close();
    }

    const client = await MongoClient.connect(uri, { maxPoolSize: 1 });
    const col = client.db('writes').collection<Doc>('growing');
    let have = 0;
    for (const size of sizes) {
      while (have < size) {
        const batch: Doc[] = [];
        for (; have < size && batch.length < 500; have++) batch.push({ _id: `k${have}`, n: 0, pad });
        await col.insertMany(batch);
      }
      const time = async (f: (i: number) => Promise<unknown>) => {
        const t = performance.now();
        for (let i = 0; i < 40; i++) await f(i);
        return Number(((performance.now() - t) / 40).toFixed(1));
      };
      const key = (i: number) => `k${(i * 7919) % size}`;
      const row: Row = {
        documents: size,
        'findOne by _id (ms)': await time((i) => col.findOne({ _id: key(i) })),
        'updateOne by _id (ms)': await time((i) => col.updateOne({ _id: key(i) }, { $set: { n: i } })),
        'insertOne (ms)': await time((i) => col.insertOne({ _id: `new-${size}-${i}`, n: 0, pad })),
      };
      have += 40;
      sizeRows.push(row);
      say(JSON.stringify(row));
    }
    await client.close();
  } finally {
    await ferret.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  report({
    title: 'FerretDB v1 (SQLite) writes (bench/ferretdb-writes.ts)',
    command: `node --import tsx bench/ferretdb-writes.ts ${process.argv.slice(2).join(' ')}`.trim(),
    loadStart,
    loadEnd: load(),
    tables: [
      { caption: 'insertOne + updateOne by _id, 48 concurrent callers, by driver pool size', rows: poolRows },
      { caption: 'one caller, 1.5 KB documents, by collection size (mean of 40)', rows: sizeRows },
    ],
  });
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
