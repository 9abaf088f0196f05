// Customer and admin notifications: email over SMTP and WhatsApp Business Cloud API template messages,
// worded by template files a store can change (templates/, docs/notifications.md).
export { createNotificationSender, type Notifier, type NotificationSenderDeps } from './sender';
export type { DeliveryOutcome, NotificationMessage, NotifyLog } from './types';
export { NotificationError, NotificationSkipped, isNotificationError, isNotificationSkipped, type FailureKind } from './errors';
export { toActivityFailure, NOTIFICATION_FAILURE_TYPES, type NotificationFailureDetails } from './activity-failure';
export { notificationSettings, type NotificationConfig, type NotificationSettings } from './settings';
export { loadTemplates, TemplateLoadError, type TemplateSet } from './template/load';
export { EVENT_CHANNELS, EVENT_VARIABLES, COMMON_VARIABLES } from './catalog';
