// The embedded FerretDB (v1, SQLite backend) as a write path, measured on its own: why bench/scale.ts
// does not book its bulk through the API. Two figures:
//
// 1. writes/s (insertOne + updateOne by _id, 48 callers, a fresh collection each) by MongoDB driver
//    pool size: whether SQLite's one writer at a time makes more connections useless;
// 2. updateOne and findOne by _id, and insertOne, as the collection grows (1.5 KB documents, one
//    caller);
// 3. findOne and updateOne by _id at a fixed collection size (--rate-docs, 20,000), `--callers` at once
//    for `--op-seconds` each: operations/s and p50/p99 latency. The figure that tells whether FerretDB
//    reads by its _id index (scripts/patches/ferretdb-v1.24.2-id-index.patch) or scans.
//
//   node --import tsx bench/ferretdb-writes.ts [--sizes 1000,10000,30000] [--pools 1,2,8,48]
//     [--rate-docs 20000] [--callers 4] [--op-seconds 10] [--tools .tools]
//
// An empty list (--sizes '' or --pools '', --rate-docs 0) skips that part. --tools points at another
// tools dir (its bin/ferretdb), e.g. an unpatched build for a before/after comparison.
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
import { arg, load, report, say, stats, type Row } from './lib/report';

const list = (name: string, dflt: number[]) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? '').split(',').filter(Boolean).map(Number) : dflt;
};
const text = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? dflt) : dflt;
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
  const ferret = await startFerretDb({ toolsDir: resolve(process.cwd(), text('tools', resolve(__dirname, '../.tools'))), dataDir: dir, port, output: 'ignore' });
  const uri = `mongodb://127.0.0.1:${port}/`;
  const pad = 'x'.repeat(1500);
  const poolRows: Row[] = [];
  const sizeRows: Row[] = [];
  const rateRows: Row[] = [];
  let build = '?';
  try {
    const probe = await MongoClient.connect(uri);
    build = String((await probe.db('admin').command({ buildInfo: 1 })).ferretdbVersion ?? '?');
    await probe.close();
    say(`FerretDB ${build}`);
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

    const docs = arg('rate-docs', 20_000);
    if (docs > 0) {
      const callers = arg('callers', 4);
      const seconds = arg('op-seconds', 10);
      const rc = await MongoClient.connect(uri, { maxPoolSize: callers });
      const rcol = rc.db('writes').collection<Doc>('rates');
      for (let have = 0; have < docs; ) {
        const batch: Doc[] = [];
        for (; have < docs && batch.length < 500; have++) batch.push({ _id: `k${have}`, n: 0, pad });
        await rcol.insertMany(batch);
      }
      say(`${docs} documents loaded; ${callers} callers, ${seconds} s per operation`);
      const measure = async (name: string, op: (id: string, i: number) => Promise<unknown>) => {
        const lat: number[] = [];
        let i = 0;
        const end = performance.now() + seconds * 1000;
        const t = performance.now();
        await Promise.all(
          Array.from({ length: callers }, async () => {
            while (performance.now() < end) {
              const n = i++;
              const s0 = performance.now();
              await op(`k${(n * 7919) % docs}`, n);
              lat.push(performance.now() - s0);
            }
          }),
        );
        const st = stats(lat);
        const row: Row = { operation: name, documents: docs, callers, 'ops/s': Math.round(lat.length / ((performance.now() - t) / 1000)), 'p50 ms': Number(st.median.toFixed(1)), 'p99 ms': Number(st.p99.toFixed(1)), n: st.n };
        say(JSON.stringify(row));
        rateRows.push(row);
      };
      await measure('findOne by _id', (_id) => rcol.findOne({ _id }));
      await measure('updateOne by _id', (_id, n) => rcol.updateOne({ _id }, { $set: { n } }));
      await rc.close();
    }
  } finally {
    await ferret.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  report({
    title: `FerretDB ${build} (SQLite) writes (bench/ferretdb-writes.ts)`,
    command: `node --import tsx bench/ferretdb-writes.ts ${process.argv.slice(2).map((a) => (a === '' ? "''" : a)).join(' ')}`.trim(),
    loadStart,
    loadEnd: load(),
    tables: [
      { caption: 'insertOne + updateOne by _id, 48 concurrent callers, by driver pool size', rows: poolRows },
      { caption: 'one caller, 1.5 KB documents, by collection size (mean of 40)', rows: sizeRows },
      { caption: 'by _id at a fixed collection size, concurrent callers (1.5 KB documents)', rows: rateRows },
    ].filter((t) => t.rows.length > 0),
  });
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
