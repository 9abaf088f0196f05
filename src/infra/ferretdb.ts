// The embedded MongoDB-compatible database: FerretDB v1 with its SQLite backend, loopback only,
// telemetry off. FerretDB keeps a state file (state.json: an instance id and the telemetry choice) in
// its state dir, which defaults to the working directory: it goes beside the data instead.
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

export function ferretDbArgs(o: Pick<FerretOptions, 'dataDir' | 'port'>): string[] {
  const dir = resolve(o.dataDir);
  return [
    '--handler=sqlite',
    `--sqlite-url=file:${dir}/`,
    `--state-dir=${dir}`,
    `--listen-addr=127.0.0.1:${o.port}`,
    '--debug-addr=',
    '--telemetry=disable',
    '--log-level=error',
  ];
}

export async function startFerretDb(o: FerretOptions): Promise<ManagedProcess> {
  const bin = requireBinary(ferretdbPath(o.toolsDir), 'FerretDB');
  mkdirSync(resolve(o.dataDir), { recursive: true });
  const proc = startProcess({ name: 'ferretdb', command: bin, args: ferretDbArgs(o), output: o.output });
  await waitForPort('127.0.0.1', o.port, 30_000, proc);
  return proc;
}
