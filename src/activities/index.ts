// The worker's activities, built from injected dependencies. The workflow imports only the type.
import { DEFAULT_ACTIVITY_CONFIG, type ActivityConfig, type ActivityDeps } from './deps';
import { createCourierActivities } from './courier-activities';
import { createNotificationActivities } from './notification-activities';
import { createProjectionActivities } from './projection-activities';
import { createStoreWebhookActivities } from './store-webhook-activities';

export function createActivities(deps: ActivityDeps) {
  const config: ActivityConfig = { ...DEFAULT_ACTIVITY_CONFIG, ...deps.config, rateLimits: { ...DEFAULT_ACTIVITY_CONFIG.rateLimits, ...deps.config.rateLimits } };
  const store = createStoreWebhookActivities(deps);
  return {
    ...createCourierActivities(deps, config),
    ...createProjectionActivities(deps, store.recordStoreEvents),
    deliverStoreEvent: store.deliverStoreEvent,
    replayStoreEvent: store.replayStoreEvent,
    ...createNotificationActivities(deps),
  };
}

export type ShipmentActivities = ReturnType<typeof createActivities>;
export type { ActivityConfig, ActivityDeps, ActivityLog, ActivityMetrics } from './deps';
export { DEFAULT_ACTIVITY_CONFIG } from './deps';
export type { NotificationSender, OutgoingMessage } from './notification-port';
export { LoggingNotificationSender } from './notification-port';
export { FAILURE_TYPES } from './failures';
export type { DeliverStoreEventInput, DeliverStoreEventResult, StoreWebhookDeps } from './store-webhook-activities';
export type * from './types';
