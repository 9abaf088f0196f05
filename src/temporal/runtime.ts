// The worker process's Temporal Runtime: SDK, workflow, activity and Core logs go to pino as JSON (with
// the SDK's workflowId/runId/activityType fields on every line), and the SDK's own metrics (task slots,
// poll and schedule-to-start latencies, sticky cache) are served for Prometheus. Call it once, before
// the first NativeConnection or Worker is created: the Runtime is process-wide and fixed at creation.
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';

export interface WorkerRuntimeOptions {
  /** `host:port` for the SDK's Prometheus exporter (`/metrics`), e.g. `0.0.0.0:9465`; omit to export none. */
  metricsBindAddress?: string;
  logger: Logger;
}

export function installWorkerRuntime(o: WorkerRuntimeOptions): Runtime {
  return Runtime.install({
    logger: temporalLogger(o.logger),
    telemetryOptions: {
      // Core (Rust) logs would otherwise go to the console as text, between our JSON lines.
      logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } },
      // SDK defaults otherwise (prefix temporal_, durations in milliseconds), as Temporal's docs and dashboards expect.
      ...(o.metricsBindAddress ? { metrics: { prometheus: { bindAddress: o.metricsBindAddress } } } : {}),
    },
  });
}

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The SDK's Logger interface over pino; pino's level does the filtering. Errors the SDK logs ("Activity
 * failed", "Workflow failed") keep their name, failure type, stack frames and causes, but not their
 * messages: courier errors echo consignees' addresses and phones, and logs are not encrypted. The full
 * failure is in the workflow's history, encrypted, where ops read it through the codec server.
 */
export function temporalLogger(log: Logger): TemporalLogger {
  const emit = (level: LogLevel, message: string, meta?: LogMetadata): void => {
    const { error, err, ...rest } = meta ?? {};
    const e: unknown = error ?? err;
    log[PINO_LEVEL[level]](e === undefined ? rest : { ...rest, err: errorWithoutMessage(e) }, message);
  };
  return {
    log: emit,
    trace: (m, meta) => emit('TRACE', m, meta),
    debug: (m, meta) => emit('DEBUG', m, meta),
    info: (m, meta) => emit('INFO', m, meta),
    warn: (m, meta) => emit('WARN', m, meta),
    error: (m, meta) => emit('ERROR', m, meta),
  };
}

interface LoggedError {
  name?: string;
  /** ApplicationFailure type, e.g. CourierValidation. */
  type?: string;
  stack?: string;
  cause?: LoggedError;
}

export function errorWithoutMessage(e: unknown, depth = 0): LoggedError {
  if (typeof e !== 'object' || e === null) return { name: typeof e };
  const { name, type, stack, cause } = e as { name?: unknown; type?: unknown; stack?: unknown; cause?: unknown };
  return {
    ...(typeof name === 'string' ? { name } : {}),
    ...(typeof type === 'string' ? { type } : {}),
    // A stack starts with "Name: message" (possibly several lines); only the frames are kept.
    ...(typeof stack === 'string' ? { stack: stack.split('\n').filter((l) => /^\s+at /.test(l)).join('\n') } : {}),
    ...(cause !== undefined && depth < 5 ? { cause: errorWithoutMessage(cause, depth + 1) } : {}),
  };
}
