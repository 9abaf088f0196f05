// How the workflow calls its activities: timeouts and retry policies per kind of call.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { ShipmentActivities } from '../../activities';

export const courierCalls = proxyActivities<ShipmentActivities>({
  startToCloseTimeout: '1 minute',
  // A courier outage longer than this is an ops matter: the booking is reported failed and can be retried.
  scheduleToCloseTimeout: '30 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
export const trackCalls = proxyActivities<ShipmentActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumAttempts: 3 },
});
export const notifications = proxyActivities<ShipmentActivities>({
  startToCloseTimeout: '1 minute',
  // A dead channel gives up after a day; it never holds the shipment up meanwhile.
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '30 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' },
});
export const projection = proxyLocalActivities<ShipmentActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

