// Delhivery B2C (Express): the only things that leave this folder are the shared interfaces' implementations,
// the config schema and the factory.
import type { Dispatcher } from 'undici';
import type { CourierClient, CourierDeps } from '../types';
import { DelhiveryClient } from './client';
import { delhiveryConfigSchema, type DelhiveryConfigInput } from './config';

export { delhiveryConfigSchema, DELHIVERY_PRODUCTION_URL, DELHIVERY_STAGING_URL } from './config';
export type { DelhiveryConfig, DelhiveryConfigInput } from './config';
export { delhiveryWebhook } from './webhook';

/** Validates the settings (throws a ZodError naming the bad field, never echoing the token) and builds the client. */
export function createDelhiveryClient(config: DelhiveryConfigInput, deps: CourierDeps, http: { dispatcher?: Dispatcher } = {}): CourierClient {
  return new DelhiveryClient(delhiveryConfigSchema.parse(config), deps, http);
}
