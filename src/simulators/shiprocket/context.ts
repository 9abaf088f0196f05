import type { Request } from 'express';
import type { ScenarioEngine, ScenarioName, SimClock } from '../scenario';
import type { SimStore } from './store';

/** What every route of the simulator shares. */
export interface SimContext {
  clock: SimClock;
  store: SimStore;
  engine: ScenarioEngine;
  credentials: { email: string; password: string };
  pickupLocation: { nickname: string; pincode: string };
  scenarioFor(orderId: string): ScenarioName;
}

/** The parsed JSON body, or {} when it is absent or not JSON (Laravel then reports missing fields). */
export function bodyOf(req: Request): Record<string, unknown> {
  const b: unknown = req.body;
  return typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

export const notFound = { message: '404 Not Found', status_code: 404 } as const;
