// The courier registry: every courier Waybill knows, by id. The built-in couriers are listed once below;
// a courier added at run time (a test's, or an integration loaded by a deployment) goes through
// registerCourier before the API and the worker are built. Everything outside src/couriers that varies
// by courier iterates this registry instead of naming couriers.
import { z } from 'zod';
import { delhiveryCourier } from './delhivery';
import type { CourierDescriptor } from './descriptor';
import { icarryCourier } from './icarry';
import { shiprocketCourier } from './shiprocket';

/** The couriers Waybill ships with. A new courier: its folder, and one line here. */
export const BUILTIN_COURIERS = [shiprocketCourier, delhiveryCourier, icarryCourier] as const;

/** Ids of the built-in couriers (compile-time help; CourierId also takes any registered id). */
export type BuiltinCourierId = (typeof BUILTIN_COURIERS)[number]['id'];

/** Lower-case letters, digits and dashes: it is used in URLs, keys and search attributes. */
export const COURIER_ID_PATTERN = /^[a-z][a-z0-9-]{1,31}$/;

const couriers = new Map<string, CourierDescriptor>(BUILTIN_COURIERS.map((c) => [c.id, c]));

/**
 * Adds a courier. Call it before building the API, the webhook pipeline and the worker (they read the
 * registry when they are built). Returns a function that removes it again (tests).
 */
export function registerCourier(d: CourierDescriptor): () => void {
  if (!COURIER_ID_PATTERN.test(d.id)) throw new Error(`courier id ${JSON.stringify(d.id)} must match ${COURIER_ID_PATTERN}`);
  if (couriers.has(d.id)) throw new Error(`courier ${d.id} is already registered`);
  couriers.set(d.id, d);
  return () => {
    if (couriers.get(d.id) === d) couriers.delete(d.id);
  };
}

/** Every registered courier, built-in ones first, in registration order. */
export function listCouriers(): CourierDescriptor[] {
  return [...couriers.values()];
}

export function courierIds(): string[] {
  return [...couriers.keys()];
}

export function isCourierId(id: unknown): boolean {
  return typeof id === 'string' && couriers.has(id);
}

export function findCourier(id: string): CourierDescriptor | undefined {
  return couriers.get(id);
}

/** The descriptor of a registered courier; throws for an unknown id. */
export function courierDescriptor(id: string): CourierDescriptor {
  const d = couriers.get(id);
  if (!d) throw new Error(`courier ${id} is not registered`);
  return d;
}

/** The display name ("iCarry"), or the id itself for an unknown courier. */
export function courierName(id: string): string {
  return couriers.get(id)?.displayName ?? id;
}

/**
 * A registered courier's id, checked when parsed (so a courier registered later is accepted). In the
 * OpenAPI document it is the component `CourierId`, listing the couriers registered when it is built.
 */
export const courierIdSchema = z
  .string()
  .refine(isCourierId, { message: 'not a registered courier' })
  .meta({ id: 'CourierId', description: 'A registered courier id' });

/** Whose API a courier's settings are for: the courier itself, or 'manual' (statuses set by hand). */
export const courierProviderSchema = z
  .string()
  .refine((p) => p === 'manual' || isCourierId(p), { message: "a registered courier id or 'manual'" })
  .meta({ id: 'CourierProvider', description: "A registered courier id, or 'manual'" });
