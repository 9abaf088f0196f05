import { Router } from 'express';

export interface HealthChecks {
  /** Each check answers true when its dependency is reachable. */
  [name: string]: () => Promise<boolean>;
}

/** /healthz: the process is alive. /readyz: every dependency answers (Temporal, MongoDB). */
export function healthRouter(checks: HealthChecks): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((n) => withTimeout(checks[n]!(), 3_000).catch(() => false)));
    const detail = Object.fromEntries(names.map((n, i) => [n, results[i] ? 'ok' : 'unreachable']));
    const ready = results.every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: detail });
  });
  return r;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}
