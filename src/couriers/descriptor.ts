// What a courier folder hands the rest of Waybill: one descriptor, registered in ./registry.ts. Everything
// outside src/couriers that differs by courier (settings form and validation, client construction, webhook
// routes and their auth, the webhook-setup page, capabilities, the simulator's settings) reads it from
// here, so adding a courier is its folder plus one line in the registry. Vendor shapes stay behind it.
import type { z } from 'zod';
// The journal iCarry needs is generic (orders and bookings only); storage implements it for any courier.
import type { BookingJournal } from './icarry/booking-journal';
import type { CourierCapabilities, CourierClient, CourierDeps, CourierWebhook, WebhookAuthConfig } from './types';

/** A courier's settings as stored through the admin API (secrets decrypted), or its simulator's. */
export interface CourierSettings {
  baseUrl?: string;
  apiKey?: string;
  apiSecret?: string;
  webhookSecret?: string;
  /** The courier's own non-secret fields (see CourierDescriptor.settings.fields), as strings. */
  fields: Record<string, string>;
}

export type CourierSecretField = 'apiKey' | 'apiSecret' | 'webhookSecret';

/** What a courier can do beyond booking and tracking one shipment. */
export interface CourierSupport extends CourierCapabilities {
  /** Answers checkServiceability from the courier itself (otherwise the client answers "unknown"). */
  serviceability: boolean;
}

/** What the registry gives a client factory besides the settings. */
export interface CourierClientContext {
  deps: CourierDeps;
  /** A durable record of booking attempts, for couriers that cannot be asked whether an order was booked. */
  bookingJournal?: (courier: string) => BookingJournal;
}

export interface CourierWebhookRoute {
  /** Full path, e.g. '/api/webhooks/courier/rocket'. Served as POST, before the generic `/courier/:courierId`. */
  path: string;
  /** For the OpenAPI document. */
  summary: string;
  description: string;
}

/** How the courier's own webhook scheme is authenticated, as the webhook-setup page explains it. */
export interface WebhookSetupAuth {
  scheme: 'header' | 'body-token' | 'hmac-sha256';
  header?: string;
  bodyField?: string;
  value: string;
  configured: boolean;
}

export interface CourierDescriptor<Id extends string = string> {
  /** Lower-case id: URL segment, settings key, search attribute value, dedupe-key prefix. */
  id: Id;
  displayName: string;
  supports: CourierSupport;
  settings: {
    /** The non-secret fields, strict (`webhookScheme` is added for every courier). */
    fields: z.ZodObject;
    /** Fields required when the courier is enabled. */
    required: readonly string[];
    /** Form labels of its fields (the field name otherwise). */
    fieldLabels?: Record<string, string>;
    /** What each secret means for this courier. */
    secretLabels: Record<CourierSecretField, string>;
  };
  /** Settings → client. Throws (without echoing a value) when the settings are invalid. */
  createClient(settings: CourierSettings, ctx: CourierClientContext): CourierClient;
  webhook: {
    receiver: CourierWebhook;
    /**
     * Paths of the courier's own besides `/api/webhooks/courier/<id>`, which every courier gets. The
     * receiver decides what each body means, so every route takes every kind of callback.
     */
    routes: readonly CourierWebhookRoute[];
    /** The courier's own scheme: which stored secret authenticates it (and how). */
    auth(s: CourierSettings): WebhookAuthConfig;
    /** The secret its own scheme needs, named as in the settings, for "not configured" messages. */
    secretName: CourierSecretField;
    /** The URLs an admin gives the courier (they may carry a token derived from the settings). */
    setupUrls(base: string, s: CourierSettings | null): Array<{ purpose: string; url: string }>;
    setupAuth(s: CourierSettings | null): WebhookSetupAuth;
    /** Where the admin sets the URLs up. */
    instructions: string;
    /** The courier's own rules for a webhook URL, as problems an admin can act on. */
    urlProblems?(url: string): string[];
  };
  /** The courier's local simulator, when it has one (COURIER_MODE simulator/auto). Test values only. */
  simulator?: {
    /** Added to SIMULATOR_BASE_PORT. */
    portOffset: number;
    settings: Omit<CourierSettings, 'baseUrl'> & { apiKey: string; webhookSecret: string };
    /** Where the simulator posts its webhooks, given the API's base URL. */
    webhookUrl(apiBase: string): string;
  };
}

/** Keeps the literal id type, so the registry's built-in list types CourierId's known values. */
export function defineCourier<const Id extends string>(d: CourierDescriptor<Id>): CourierDescriptor<Id> {
  return d;
}

/** Every courier's generic webhook path. */
export const courierWebhookPath = (id: string) => `/api/webhooks/courier/${id}`;
