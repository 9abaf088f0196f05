// The embedded MongoDB-compatible database: FerretDB v1 with its SQLite backend, loopback only,
// telemetry off.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { requireBinary, startProcess, waitForPort, type ManagedProcess } from './processes';

export interface FerretOptions {
  toolsDir: string;
  dataDir: string;
  port: number;
  output?: 'prefix' | 'ignore';
}

export function ferretdbPath(toolsDir: string): string {
  return resolve(toolsDir, 'bin', 'ferretdb');
}

export async function startFerretDb(o: FerretOptions): Promise<ManagedProcess> {
  const bin = requireBinary(ferretdbPath(o.toolsDir), 'FerretDB');
  const dir = resolve(o.dataDir);
  mkdirSync(dir, { recursive: true });
  const proc = startProcess({
    name: 'ferretdb',
    command: bin,
    args: [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${o.port}`,
      '--debug-addr=',
      '--telemetry=disable',
      '--log-level=error',
    ],
    output: o.output,
  });
  await waitForPort('127.0.0.1', o.port, 30_000, proc);
  return proc;
}
