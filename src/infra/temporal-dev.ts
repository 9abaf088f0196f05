// The embedded Temporal dev server (Temporal CLI `server start-dev`): SQLite file, Web UI, and Waybill's
// custom search attributes registered at launch.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SEARCH_ATTRIBUTE_FLAGS } from '../workflows/shipment/contract';
import { requireBinary, startProcess, waitForPort, type ManagedProcess } from './processes';

export interface TemporalDevOptions {
  toolsDir: string;
  /** SQLite file; omit for an in-memory server (tests). */
  dbFile?: string;
  port: number;
  uiPort?: number; // omit → headless
  namespace: string;
  codecEndpoint?: string;
  /** Extra `--dynamic-config-value K=V` entries. */
  dynamicConfig?: Record<string, string | number | boolean>;
  output?: 'prefix' | 'ignore';
}

export function temporalCliPath(toolsDir: string): string {
  return resolve(toolsDir, 'bin', 'temporal');
}

export function temporalDevArgs(o: TemporalDevOptions): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(o.port), '--namespace', o.namespace, '--log-level', 'error'];
  if (o.dbFile) args.push('--db-filename', o.dbFile);
  if (o.uiPort) args.push('--ui-port', String(o.uiPort));
  else args.push('--headless');
  if (o.codecEndpoint) args.push('--ui-codec-endpoint', o.codecEndpoint);
  for (const sa of SEARCH_ATTRIBUTE_FLAGS) args.push('--search-attribute', `${sa.name}=${sa.type}`);
  for (const [k, v] of Object.entries(o.dynamicConfig ?? {})) args.push('--dynamic-config-value', `${k}=${JSON.stringify(v)}`);
  return args;
}

export async function startTemporalDev(o: TemporalDevOptions): Promise<ManagedProcess> {
  const bin = requireBinary(temporalCliPath(o.toolsDir), 'The Temporal CLI (dev server)');
  if (o.dbFile) mkdirSync(join(o.dbFile, '..'), { recursive: true });
  const proc = startProcess({ name: 'temporal', command: bin, args: temporalDevArgs(o), output: o.output });
  await waitForPort('127.0.0.1', o.port, 60_000, proc);
  if (o.uiPort) await waitForPort('127.0.0.1', o.uiPort, 30_000, proc);
  return proc;
}
