// Courier id → client. The worker builds clients from courier settings (MongoDB, secrets decrypted) or,
// when none are configured, points them at the local simulators. Tests register fakes the same way.
import type { CourierClient, CourierId } from './types';

export interface CourierRegistry {
  /** The client for a courier; throws CourierError 'auth_rejected'/'unsupported' when not configured. */
  get(id: CourierId): Promise<CourierClient>;
}

/** A registry over fixed clients (tests, and the simulator-backed default). */
export class StaticCourierRegistry implements CourierRegistry {
  constructor(private readonly clients: Partial<Record<CourierId, CourierClient>>) {}
  async get(id: CourierId): Promise<CourierClient> {
    const c = this.clients[id];
    if (!c) throw new Error(`courier ${id} is not configured`);
    return c;
  }
}
