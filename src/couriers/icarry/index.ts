import type { Dispatcher } from 'undici';
import { CourierHttp } from '../common/http';
import type { CourierClient, CourierDeps } from '../types';
import { IcarrySession } from './auth';
import { type BookingJournal, MemoryBookingJournal } from './booking-journal';
import { IcarryApi } from './client';
import { type IcarryConfigInput, parseIcarryConfig } from './config';
import { IcarryCourier } from './courier';

export { icarryConfigSchema, parseIcarryConfig, ICARRY_DEFAULT_BASE_URL, type IcarryConfig, type IcarryConfigInput } from './config';
export { icarryWebhook, icarryCallbackUrlToken, type IcarryWebhookRequest } from './webhook';
export { ICARRY_BULK_TRACK_LIMIT } from './courier';
export { MemoryBookingJournal, type BookingJournal, type JournalEntry } from './booking-journal';

export interface IcarryClientOptions {
  /**
   * Where booking attempts are recorded (see booking-journal.ts). Defaults to one per client, which
   * forgets on restart: production should pass a durable one.
   */
  journal?: BookingJournal;
}

/** Validates the config (a permanent CourierError names any bad field) and builds the client. */
export function createIcarryClient(
  config: IcarryConfigInput,
  deps: CourierDeps,
  http: { dispatcher?: Dispatcher } = {},
  options: IcarryClientOptions = {},
): CourierClient {
  const cfg = parseIcarryConfig(config);
  // The session is created after the HTTP layer but the scrubber reads it lazily, on each error.
  let session: IcarrySession | undefined;
  const transport = new CourierHttp('icarry', deps, {
    timeoutMs: cfg.timeoutMs,
    ...(http.dispatcher ? { dispatcher: http.dispatcher } : {}),
    secrets: () => [cfg.apiKey, ...(session?.secretValues() ?? [])],
  });
  const now = () => deps.now();
  session = new IcarrySession(cfg, transport, now);
  const api = new IcarryApi(cfg, transport, session, now);
  return new IcarryCourier(cfg, api, deps, options.journal ?? new MemoryBookingJournal());
}
