// Courier id → client, built from the courier settings an admin stored (secrets decrypted), or — when a
// courier has none and COURIER_MODE allows it — pointed at the local simulator. Clients are cached
// (they hold auth tokens) and rebuilt when the settings change.
import { createDelhiveryClient } from '../couriers/delhivery';
import { CourierError } from '../couriers/common/errors';
import { createIcarryClient, type BookingJournal } from '../couriers/icarry';
import type { CourierRegistry } from '../couriers/registry';
import { createShiprocketClient } from '../couriers/shiprocket';
import type { CourierClient, CourierDeps, CourierId } from '../couriers/types';
import { SIMULATOR_DEFAULTS, simulatorBaseUrl } from '../simulators/defaults';

/** Courier settings with secrets decrypted, as the settings repository returns them. */
export interface ResolvedCourierSettings {
  enabled: boolean;
  baseUrl?: string;
  apiKey?: string;
  apiSecret?: string;
  webhookSecret?: string;
  fields: Record<string, string>;
  /** Changes whenever the settings change (cache key). */
  version: string;
}

export interface CourierSettingsSource {
  resolve(courier: CourierId): Promise<ResolvedCourierSettings | null>;
}

export interface RegistryOptions {
  source: CourierSettingsSource;
  mode: 'auto' | 'live' | 'simulator';
  production: boolean;
  simulatorHost: string;
  simulatorBasePort: number;
  deps: CourierDeps;
  /** Durable iCarry booking journal (see couriers/icarry/booking-journal.ts). */
  icarryJournal?: BookingJournal;
  /** How long a cached client is trusted before the settings are read again. */
  refreshMs?: number;
}

/** The settings the simulator for a courier accepts, in the same shape as stored settings. */
export function simulatorSettings(courier: CourierId, host: string, basePort: number): ResolvedCourierSettings {
  const d = SIMULATOR_DEFAULTS[courier];
  return { enabled: true, baseUrl: simulatorBaseUrl(courier, host, basePort), apiKey: d.apiKey, apiSecret: d.apiSecret, webhookSecret: d.webhookSecret, fields: d.fields, version: 'simulator' };
}

/**
 * Which settings apply to a courier: stored ones (live or auto), else the simulator's (simulator mode,
 * or auto outside production), else none.
 */
export async function effectiveSettings(courier: CourierId, o: Pick<RegistryOptions, 'source' | 'mode' | 'production' | 'simulatorHost' | 'simulatorBasePort'>): Promise<ResolvedCourierSettings | null> {
  if (o.mode === 'simulator') return simulatorSettings(courier, o.simulatorHost, o.simulatorBasePort);
  const stored = await o.source.resolve(courier);
  if (stored) return stored;
  if (o.mode === 'auto' && !o.production) return simulatorSettings(courier, o.simulatorHost, o.simulatorBasePort);
  return null;
}

function build(courier: CourierId, s: ResolvedCourierSettings, o: RegistryOptions): CourierClient {
  const base = s.baseUrl ? { baseUrl: s.baseUrl } : {};
  switch (courier) {
    case 'shiprocket':
      return createShiprocketClient(
        { ...base, email: s.apiKey ?? '', password: s.apiSecret ?? '', pickupLocation: s.fields.pickupLocation ?? '', pickupPincode: s.fields.pickupPincode ?? '', courierCompanyId: s.fields.courierCompanyId },
        o.deps,
      );
    case 'delhivery':
      return createDelhiveryClient(
        { ...base, apiToken: s.apiKey ?? '', warehouseName: s.fields.warehouseName ?? '', ...(s.fields.shippingMode ? { shippingMode: s.fields.shippingMode as 'Surface' | 'Express' } : {}) },
        o.deps,
      );
    case 'icarry':
      return createIcarryClient(
        { ...base, username: s.fields.username ?? '', apiKey: s.apiKey ?? '', pickupAddressId: s.fields.pickupAddressId ?? '', pickupPincode: s.fields.pickupPincode ?? '', ...(s.fields.returnAddressId ? { returnAddressId: s.fields.returnAddressId } : {}), ...(s.fields.shipmentMode ? { shipmentMode: s.fields.shipmentMode as 'S' | 'E' } : {}) },
        o.deps,
        {},
        { journal: o.icarryJournal },
      );
  }
}

export class SettingsCourierRegistry implements CourierRegistry {
  private readonly cache = new Map<CourierId, { client: CourierClient; version: string; checkedAt: number }>();

  constructor(private readonly o: RegistryOptions) {}

  async get(id: CourierId): Promise<CourierClient> {
    const now = this.o.deps.now();
    const cached = this.cache.get(id);
    if (cached && now - cached.checkedAt < (this.o.refreshMs ?? 30_000)) return cached.client;
    const settings = await effectiveSettings(id, this.o);
    if (!settings || !settings.enabled) {
      throw new CourierError(id, 'configure', 'permanent', 'auth_rejected', settings ? `${id} is disabled in the courier settings` : `${id} has no credentials configured (PUT /api/admin/couriers/${id})`);
    }
    if (cached && cached.version === settings.version) {
      cached.checkedAt = now;
      return cached.client;
    }
    let client: CourierClient;
    try {
      client = build(id, settings, this.o);
    } catch (e) {
      // The factories name the bad field without echoing values.
      throw new CourierError(id, 'configure', 'permanent', 'invalid_request', `${id} settings are invalid: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.cache.set(id, { client, version: settings.version, checkedAt: now });
    return client;
  }
}
