// Child processes for the embedded stack: started in their own process group so that stopping Waybill
// stops everything they spawned, with output prefixed and readiness awaited on a TCP port.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where child output goes (default: inherited stdio with a prefix). 'ignore' for tests. */
  output?: 'prefix' | 'ignore';
}

export class MissingBinaryError extends Error {
  override readonly name = 'MissingBinaryError';
}

export function requireBinary(path: string, what: string): string {
  if (!existsSync(path)) {
    throw new MissingBinaryError(
      `${what} not found at ${path}. Run 'npm run tools' (scripts/install-tools.sh) to install it, ` +
        `or point TEMPORAL_ADDRESS / MONGODB_URI at servers you run yourself (e.g. 'docker compose up').`,
    );
  }
  return path;
}

export function startProcess(o: StartOptions): ManagedProcess {
  const child = spawn(o.command, o.args, {
    cwd: o.cwd,
    env: o.env ?? process.env,
    detached: true, // own process group: we can kill the whole tree
    stdio: ['ignore', o.output === 'ignore' ? 'ignore' : 'pipe', o.output === 'ignore' ? 'ignore' : 'pipe'],
  });
  if (o.output !== 'ignore') {
    const prefix = `[${o.name}] `;
    const pipe = (s: NodeJS.ReadableStream | null, to: NodeJS.WriteStream) =>
      s?.on('data', (b: Buffer) => to.write(b.toString().replace(/^(?=.)/gm, prefix)));
    pipe(child.stdout, process.stdout);
    pipe(child.stderr, process.stderr);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name: o.name,
    child,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      const kill = (s: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, s);
        } catch {
          /* already gone */
        }
      };
      kill(signal);
      const timer = setTimeout(() => kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves once something accepts TCP connections on host:port; rejects after timeoutMs or if `proc` exits. */
export async function waitForPort(host: string, port: number, timeoutMs: number, proc?: ManagedProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc?.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${proc!.name} exited before listening on ${host}:${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${proc?.name ?? 'a server'} on ${host}:${port}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** A free TCP port on loopback (for tests). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}
