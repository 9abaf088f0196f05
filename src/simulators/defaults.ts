// The settings Waybill uses for a courier that has no stored credentials while COURIER_MODE allows the
// simulators: what the simulator accepts, what the client sends, and the webhook secret the simulator
// signs its pushes with (so the API authenticates simulated webhooks exactly as it does real ones). Each
// courier's descriptor holds its own (`simulator`); this is the built-in couriers' view of them.
// Test values only; nothing here is a real credential.
import type { CourierDescriptor } from '../couriers/descriptor';
import { BUILTIN_COURIERS, type BuiltinCourierId } from '../couriers/registry';

export type SimulatorDefaults = NonNullable<CourierDescriptor['simulator']>['settings'] & { portOffset: number };

export const SIMULATOR_DEFAULTS = Object.fromEntries(BUILTIN_COURIERS.map((c) => [c.id, { ...c.simulator!.settings, portOffset: c.simulator!.portOffset }])) as Record<BuiltinCourierId, SimulatorDefaults>;
