// What the main loop's steps (tracking.ts, operations.ts) work on: the state, the options, and the two
// writers beside the loop (notifications, projection, store events).
import type { ShipmentOptions } from './contract';
import type { Journal } from './journal';
import type { Outbox } from './outbox';
import type { ShipmentState } from './state';
import type { StoreOutbox } from './store-outbox';

export interface Shipment {
  readonly s: ShipmentState;
  readonly opts: ShipmentOptions;
  readonly outbox: Outbox;
  readonly journal: Journal;
  readonly storeOutbox: StoreOutbox;
}

/** Workflow time: in the sandbox Date.now() is the activation's time, the same on replay. */
export function nowIso(): string {
  return new Date(Date.now()).toISOString();
}
