// What every page handler and view gets: the console's dependencies and, per request, the session.
import type { Logger } from 'pino';
import type { ShipmentGateway } from '../shipments/gateway';
import type { CourierId } from '../domain/events';
import type { Collections } from '../storage/collections';
import type { CourierSettingsRepo } from '../storage/courier-settings-repo';
import type { ShipmentsRepo } from '../storage/shipments-repo';
import type { StoreWebhooks } from '../store-webhooks/service';
import type { webhookSetup } from '../webhooks/endpoints';
import type { Session } from './session';

export interface OpsConsoleDeps {
  /** ADMIN_API_TOKENS: signing in takes one of them. */
  adminTokens: readonly string[];
  /** OPS_SESSION_SECRET (opsSessionSecret(config)). */
  sessionSecret: string;
  cols: Collections;
  shipmentsRepo: ShipmentsRepo;
  courierSettings: CourierSettingsRepo;
  /** The settings webhooks are checked against (the API's webhookSettings), for the URL to paste. */
  webhookSettings: (courier: CourierId) => Promise<Parameters<typeof webhookSetup>[2]>;
  publicBaseUrl: string;
  gateway: ShipmentGateway;
  /** Where "open in Temporal" links point: TEMPORAL_UI_URL (or http://localhost:<TEMPORAL_UI_PORT>) and TEMPORAL_NAMESPACE. */
  temporal: { uiUrl: string; namespace: string };
  /** STORE_TIMEZONE: times are shown, and analytics days start, in the store's zone. */
  timeZone: string;
  log: Logger;
  /** Mark cookies Secure even when the request reached Express over plain HTTP (TLS ends at a proxy). */
  secureCookies?: boolean;
  /** Where the router is mounted; cookie paths and links use it. Default '/ops'. */
  basePath?: string;
  sessionHours?: number;
  liveRefreshSeconds?: number;
  /** Failed sign-ins per IP per 15 minutes before 429. */
  loginAttemptsPer15Min?: number;
  now?: () => number;
  /** The store integration (its webhook endpoints, deliveries and replays); the page says so when absent. */
  storeWebhooks?: StoreWebhooks;
}

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

/** Per request, after authentication. */
export interface PageContext {
  base: string;
  session: Session;
  flash?: Flash;
  timeZone: string;
  temporal: { uiUrl: string; namespace: string };
  now: number;
}
