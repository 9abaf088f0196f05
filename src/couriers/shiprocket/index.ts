// The Shiprocket integration's public face: the shared interfaces, the settings schema and factories.
// Vendor shapes stay inside this folder.
import type { Dispatcher } from 'undici';
import type { CourierClient, CourierDeps } from '../types';
import { parseShiprocketConfig, type ShiprocketConfigInput } from './config';
import { ShiprocketCourier } from './courier';

export { shiprocketConfigSchema, SHIPROCKET_BASE_URL, type ShiprocketConfig, type ShiprocketConfigInput } from './config';
export { shiprocketWebhook, SHIPROCKET_TOKEN_HEADER } from './webhook';

/** Settings are validated here; an invalid one throws without echoing any value. */
export function createShiprocketClient(config: ShiprocketConfigInput, deps: CourierDeps, http?: { dispatcher?: Dispatcher }): CourierClient {
  return new ShiprocketCourier(parseShiprocketConfig(config), deps, http?.dispatcher);
}
