// Courier id → client. The worker builds clients with each courier's descriptor (./registry.ts) from the
// courier settings an admin stored (secrets decrypted), or — when a courier has none and COURIER_MODE
// allows it — from its simulator's settings. Clients are cached (they hold auth tokens) and rebuilt when
// the settings change. Tests hand fixed clients in through StaticCourierClients.
import { CourierError } from './common/errors';
import type { CourierClientContext, CourierSettings } from './descriptor';
import { findCourier } from './registry';
import type { CourierClient, CourierDeps, CourierId } from './types';
import type { BookingJournal } from './icarry/booking-journal';

export interface CourierClients {
  /** The client for a courier; throws CourierError 'auth_rejected'/'unsupported' when not configured. */
  get(id: CourierId): Promise<CourierClient>;
}

/** Fixed clients (tests, benchmarks). */
export class StaticCourierClients implements CourierClients {
  constructor(private readonly clients: Partial<Record<CourierId, CourierClient>>) {}
  async get(id: CourierId): Promise<CourierClient> {
    const c = this.clients[id];
    if (!c) throw new Error(`courier ${id} is not configured`);
    return c;
  }
}

/** Courier settings with secrets decrypted, as the settings repository returns them. */
export interface ResolvedCourierSettings extends CourierSettings {
  enabled: boolean;
  /** Changes whenever the settings change (cache key). */
  version: string;
}

export interface CourierSettingsSource {
  resolve(courier: CourierId): Promise<ResolvedCourierSettings | null>;
}

export interface SettingsCourierClientsOptions {
  source: CourierSettingsSource;
  mode: 'auto' | 'live' | 'simulator';
  production: boolean;
  simulatorHost: string;
  simulatorBasePort: number;
  deps: CourierDeps;
  /** Durable booking journal per courier, for couriers that need one (iCarry; see its booking-journal.ts). */
  bookingJournal?: (courier: CourierId) => BookingJournal;
  /** How long a cached client is trusted before the settings are read again. */
  refreshMs?: number;
}

/** A courier's simulator's base URL. */
export function simulatorBaseUrl(courier: CourierId, host: string, basePort: number): string {
  const sim = findCourier(courier)?.simulator;
  if (!sim) throw new Error(`courier ${courier} has no simulator`);
  return `http://${host}:${basePort + sim.portOffset}`;
}

/** The settings the simulator for a courier accepts, in the same shape as stored settings; null without one. */
export function simulatorSettings(courier: CourierId, host: string, basePort: number): ResolvedCourierSettings | null {
  const sim = findCourier(courier)?.simulator;
  if (!sim) return null;
  return { enabled: true, baseUrl: simulatorBaseUrl(courier, host, basePort), ...sim.settings, version: 'simulator' };
}

/**
 * Which settings apply to a courier: stored ones (live or auto), else the simulator's (simulator mode,
 * or auto outside production), else none.
 */
export async function effectiveSettings(courier: CourierId, o: Pick<SettingsCourierClientsOptions, 'source' | 'mode' | 'production' | 'simulatorHost' | 'simulatorBasePort'>): Promise<ResolvedCourierSettings | null> {
  if (o.mode === 'simulator') return simulatorSettings(courier, o.simulatorHost, o.simulatorBasePort);
  const stored = await o.source.resolve(courier);
  if (stored) return stored;
  if (o.mode === 'auto' && !o.production) return simulatorSettings(courier, o.simulatorHost, o.simulatorBasePort);
  return null;
}

export class SettingsCourierClients implements CourierClients {
  private readonly cache = new Map<CourierId, { client: CourierClient; version: string; checkedAt: number }>();

  constructor(private readonly o: SettingsCourierClientsOptions) {}

  async get(id: CourierId): Promise<CourierClient> {
    const descriptor = findCourier(id);
    if (!descriptor) throw new CourierError(id, 'configure', 'permanent', 'unsupported', `${id} is not a registered courier`);
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
      const ctx: CourierClientContext = { deps: this.o.deps, ...(this.o.bookingJournal ? { bookingJournal: this.o.bookingJournal } : {}) };
      client = descriptor.createClient(settings, ctx);
    } catch (e) {
      // The factories name the bad field without echoing values.
      throw new CourierError(id, 'configure', 'permanent', 'invalid_request', `${id} settings are invalid: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.cache.set(id, { client, version: settings.version, checkedAt: now });
    return client;
  }
}
