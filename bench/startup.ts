// Benchmark 6 — start-up: `npm start` to ready (its API's /readyz answers 200), cold (empty DATA_DIR:
// Temporal dev server creating its SQLite, FerretDB its database) and warm (same DATA_DIR again).
//
//   npm run bench -- startup [--runs 3]
//
// Every port is a free loopback port of this run's own; the child is stopped with SIGINT (its Ctrl-C
// path) after each run and the time to a clean exit is reported too.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '../src/infra/processes';
import { arg, load, report, say, type Row } from './lib/report';

async function portFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

/** A base port with the next 5 free too (the simulators use base … base+3). */
async function freeRange(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let ok = true;
    for (let i = 0; i < 5 && ok; i++) ok = await portFree(base + i);
    if (ok) return base;
  }
}

async function once(dataDir: string): Promise<{ readyMs: number; stopMs: number; said: string }> {
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    FERRETDB_PORT: String(await freePort()),
    SIMULATOR_BASE_PORT: String(await freeRange()),
    WORKER_METRICS_PORT: '0',
    WORKER_SDK_METRICS_PORT: '0',
    HOST: '127.0.0.1',
  };
  const t0 = performance.now();
  const child = spawn('npm', ['start', '--silent'], { cwd: resolve(__dirname, '..'), env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  const readyUrl = `http://127.0.0.1:${env.PORT}/readyz`;
  let readyMs = NaN;
  const deadline = t0 + 180_000;
  while (performance.now() < deadline && child.exitCode === null) {
    try {
      const r = await fetch(readyUrl);
      if (r.ok && /ready in/.test(out)) {
        readyMs = performance.now() - t0;
        break;
      }
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const said = /ready in ([\d.]+ s)/.exec(out)?.[1] ?? '—';
  const t1 = performance.now();
  try {
    process.kill(-child.pid!, 'SIGINT');
  } catch {
    // already gone
  }
  const stop = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
  if (stop === 'timeout') {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  }
  if (Number.isNaN(readyMs)) say(`not ready; output:\n${out.slice(-2000)}`);
  return { readyMs, stopMs: performance.now() - t1, said };
}

export async function run(command: string): Promise<void> {
  const runs = arg('runs', 3);
  const loadStart = load();
  const rows: Row[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'waybill-startup-'));
  try {
    for (let i = 0; i < runs; i++) {
      const kind = i === 0 ? 'cold (empty DATA_DIR)' : 'warm (same DATA_DIR)';
      say(`run ${i + 1}/${runs}: ${kind}`);
      const r = await once(dataDir);
      rows.push({ run: i + 1, kind, 'npm start → /readyz 200 (s)': Number((r.readyMs / 1000).toFixed(1)), '"ready in" printed by main.ts': r.said, 'SIGINT → all stopped (s)': Number((r.stopMs / 1000).toFixed(1)) });
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  report({
    title: '6. Start-up (`npm start` to ready)',
    command,
    loadStart,
    loadEnd: load(),
    tables: [{ caption: 'Temporal dev server + FerretDB + simulators + worker + API, all local (tools already installed under .tools/)', rows }],
    notes: ['Measured from spawning `npm start` to /readyz answering 200 and main.ts printing "ready in"; includes npm and tsx start-up.'],
  });
}
