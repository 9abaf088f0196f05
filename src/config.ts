// One typed configuration, read from the environment once, validated with defaults. A bad value fails
// start-up with a message that names the variable. Every variable here is listed in .env.example and
// in the README's configuration table (a test checks both, and docker-compose.yml).
import { z } from 'zod';
import { DEFAULT_MONGO_POOL_SIZE } from './storage/mongo';
import { DEFAULT_TRACK_BATCH_WINDOW_MS } from './activities/deps';
import { courierIdSchema } from './couriers/registry';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(1).max(65535);
const csv = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(3000),
  /** Base URL customers and couriers reach the API at (tracking links, webhook URLs). */
  PUBLIC_BASE_URL: z.url().default('http://localhost:3000'),

  /** Unset: `npm start` runs the embedded Temporal dev server on TEMPORAL_DEV_PORT. */
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Where ops open the Temporal Web UI (links from the API and console). */
  TEMPORAL_UI_URL: z.url().optional(),

  /** Unset: `npm start` runs the embedded FerretDB (SQLite) on FERRETDB_PORT. */
  MONGODB_URI: z.string().optional(),
  MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]+$/).default('waybill'),
  /** Database operations one process runs at once (driver pool). Keep API + worker well under 50 together on FerretDB v1 (see storage/mongo.ts). */
  MONGODB_MAX_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(DEFAULT_MONGO_POOL_SIZE),
  /** Count MongoDB commands per command and collection on /metrics (driver command monitoring; read in storage/mongo.ts). */
  MONGODB_COMMAND_METRICS: bool.default(false),
  FERRETDB_PORT: port.default(27017),

  /** Where the embedded servers keep their files (git-ignored). */
  DATA_DIR: z.string().default('.data'),
  /** Where scripts/install-tools.sh put the binaries. */
  TOOLS_DIR: z.string().default('.tools'),

  /** Bearer tokens accepted on admin endpoints, comma-separated. Required in production. */
  ADMIN_API_TOKENS: csv.optional(),
  /**
   * HMAC key of the ops console's session cookies (/ops). Secret. Outside production a missing key is
   * generated once under DATA_DIR; in production the API refuses to start without it.
   */
  OPS_SESSION_SECRET: z.string().min(32, 'at least 32 characters (e.g. openssl rand -base64 32)').optional(),
  /** AES-256-GCM key for secrets at rest, base64 of 32 bytes; `kid:base64` pairs for rotation in SECRETS_OLD_KEYS. */
  SECRETS_KEY: z.string().optional(),
  SECRETS_KEY_ID: z.string().default('k1'),
  SECRETS_OLD_KEYS: csv.optional(),
  /**
   * AES-256-GCM key (base64 of 32 bytes) the Temporal payload codec encrypts personal data in history with;
   * `kid:base64` pairs in CODEC_OLD_KEYS keep older history readable after a rotation.
   */
  CODEC_KEY: z.string().optional(),
  CODEC_KEY_ID: z.string().regex(/^[A-Za-z0-9._-]+$/).default('c1'),
  CODEC_OLD_KEYS: csv.optional(),
  /** Browser origins of the Temporal Web UI allowed to call the codec server (with credentials). */
  CODEC_CORS_ORIGINS: csv.default(['http://localhost:8233', 'http://127.0.0.1:8233', 'http://localhost:8080']),
  /** Bearer tokens the codec server accepts, comma-separated; unset: no auth (keep it off public networks). */
  CODEC_AUTH_TOKENS: csv.optional(),

  /**
   * auto: a courier without stored credentials uses its local simulator, except in production, where it
   * fails loudly; live: never the simulators; simulator: always the simulators (demos, docker-compose).
   */
  COURIER_MODE: z.enum(['auto', 'live', 'simulator']).default('auto'),
  /** Where the courier simulators listen: each courier's on the base port plus its offset (shiprocket +0, delhivery +1, icarry +2). */
  SIMULATOR_HOST: z.string().default('127.0.0.1'),
  SIMULATOR_BASE_PORT: port.default(4100),
  /** Divides the simulators' scripted delays: 3600 plays an hour of courier time per second. */
  SIMULATOR_TIME_SCALE: z.coerce.number().positive().default(720),
  /** Where the simulators push their webhooks (the API as they can reach it); default PUBLIC_BASE_URL. */
  SIMULATOR_WEBHOOK_BASE_URL: z.url().optional(),

  NDR_RESPONSE_HOURS: z.coerce.number().positive().default(24),
  NDR_MAX_REATTEMPTS: z.coerce.number().int().min(0).default(2),
  /** Pincode of the pickup warehouse: serviceability is checked from here (ICARRY_PICKUP_PINCODE in the store). */
  PICKUP_PINCODE: z.string().regex(/^[1-9]\d{5}$/, 'a 6-digit pincode').default('560068'),
  /** Courier used when the ship request names none (the store ships with iCarry today). */
  DEFAULT_COURIER: courierIdSchema.default('icarry'),
  /** Weight used for an item whose weight string cannot be parsed ("500g", "1kg"); 0 makes it an error. */
  DEFAULT_ITEM_WEIGHT_GRAMS: z.coerce.number().int().min(0).default(500),

  /** Worker's own Prometheus /metrics (courier calls, notifications); 0 turns it off. The API serves /metrics on PORT. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** The Temporal SDK's metrics of the worker (task slots, latencies, polls); 0 turns it off. */
  WORKER_SDK_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
  /**
   * How long the worker holds a background tracking poll for others of the same courier to share one
   * bulk call (trackNow never waits). At most 60 s: window + rate-limit wait + the call must fit
   * pollTracking's 2-minute timeout. See src/activities/deps.ts for how 15 s was chosen.
   */
  TRACK_BATCH_WINDOW_MS: z.coerce.number().int().min(0).max(60_000).default(DEFAULT_TRACK_BATCH_WINDOW_MS),

  /** Largest courier webhook body accepted, KiB (larger → 413, nothing stored). */
  WEBHOOK_MAX_BODY_KB: z.coerce.number().int().min(1).max(10_240).default(512),
  /** Webhook requests handled at once; more → 503 + Retry-After before the body is read (a memory guard). */
  WEBHOOK_MAX_INFLIGHT: z.coerce.number().int().min(1).default(2048),
  /**
   * Webhooks acknowledged but not yet delivered to their workflows, per API process, past which new ones get
   * 503 + Retry-After (nothing stored). Below it a burst waits durably in the journal and drains at Temporal's pace.
   */
  WEBHOOK_MAX_BACKLOG: z.coerce.number().int().min(1).default(200_000),
  /** Most webhooks written by one group commit (one journal segment + one inbox insert). */
  WEBHOOK_MAX_GROUP: z.coerce.number().int().min(1).max(5_000).default(500),
  /** Signals the journal drainer has in flight at once (the pace it asks of Temporal). */
  WEBHOOK_DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(64),
  /** Delivered webhooks older than this are deleted from the inbox (in bounded batches, oldest first). */
  WEBHOOK_RETENTION_DAYS: z.coerce.number().min(1).default(30),
  /** One delivery attempt of a store event to the store's endpoint: no answer in this long is a failure (retried). */
  STORE_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(1000).max(60_000).default(10_000),
  /** A store webhook endpoint failing this long without a success is disabled (an admin re-enables it). */
  STORE_WEBHOOK_DISABLE_AFTER_HOURS: z.coerce.number().min(1).default(72),
  /** Store events are kept this long for GET /api/events and replays. */
  STORE_EVENTS_RETENTION_DAYS: z.coerce.number().min(1).default(30),
  /** Failed (rejected) requests per IP per minute on public endpoints before 429; accepted webhooks never count. */
  PUBLIC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** How often the API's inbox relay looks for webhook deliveries to retry (Temporal was down, AWB unknown). */
  WEBHOOK_RELAY_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
  /** Longest an API request waits for a workflow's answer (booking, sync, NDR…) before 503; retrying is safe. */
  WORKFLOW_ANSWER_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),

  // --- notifications (docs/notifications.md) ---
  /** Switch each channel off on its own; a switched-off channel records its messages as skipped. */
  NOTIFY_EMAIL_ENABLED: bool.default(true),
  NOTIFY_WHATSAPP_ENABLED: bool.default(true),
  NOTIFY_ADMIN_EMAIL_ENABLED: bool.default(true),
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465. Secret: it may hold a password. */
  SMTP_URL: z
    .string()
    .refine((v) => /^smtps?:\/\/[^/]/.test(v), 'must be an smtp:// or smtps:// URL')
    .optional(),
  /** Sender of every email: `orders@store.in` or `Store <orders@store.in>`. */
  EMAIL_FROM: z.string().optional(),
  /** Where admin alerts (NDR, stuck shipments) go; unset: EMAIL_FROM, as the store does today. */
  EMAIL_FEEDBACK_TO: z.string().optional(),
  /** WhatsApp Business Cloud API (Graph) base URL, version included. */
  WHATSAPP_API_BASE_URL: z.url().default('https://graph.facebook.com/v21.0'),
  WHATSAPP_PHONE_NUMBER_ID: z.string().regex(/^\d+$/, 'digits only (the phone number ID from WhatsApp Manager)').optional(),
  /** System-user access token of the WhatsApp Business app. Secret: never logged. */
  WHATSAPP_ACCESS_TOKEN: z.string().optional(),
  /** Language of the approved templates, unless a template file names its own. */
  WHATSAPP_TEMPLATE_LANGUAGE: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'a WhatsApp language code such as en, en_US or hi').default('en'),
  /** Branding of every message. */
  STORE_NAME: z.string().optional(),
  STORE_SUPPORT_EMAIL: z.string().optional(),
  STORE_SUPPORT_PHONE: z.string().optional(),
  /** Time zone of the dates in messages. */
  STORE_TIMEZONE: z.string().refine(isTimeZone, 'an IANA time zone such as Asia/Kolkata').default('Asia/Kolkata'),
  /** Folder of the message templates, from the working directory. */
  TEMPLATES_DIR: z.string().default('templates'),

  // --- customer tracking page (docs/tracking-page.md) ---
  /**
   * HMAC key of the customers' tracking links, cookies and form tokens. Secret. Outside production a
   * missing key is generated once under DATA_DIR; in production the API refuses to start without it.
   */
  TRACKING_LINK_SECRET: z.string().min(32, 'at least 32 characters (e.g. openssl rand -base64 32)').optional(),
  /** Earlier keys still accepted after a rotation, comma-separated, so links already sent keep working. */
  TRACKING_LINK_OLD_SECRETS: csv.pipe(z.array(z.string().min(32, 'each at least 32 characters'))).optional(),
  /** How long a tracking link stays valid after it is made, days. */
  TRACKING_LINK_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(60),
  /** Logo on the tracking page (https URL of an image); unset: the store name alone. */
  STORE_LOGO_URL: z.url().optional(),
  /** The store's colour on the tracking page; darkened where needed to keep text contrast ≥ 4.5:1. */
  STORE_BRAND_COLOR: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a #rrggbb colour').default('#1d4ed8'),
  /** How often an open tracking page's live connection re-reads the shipment. */
  TRACKING_LIVE_POLL_SECONDS: z.coerce.number().min(1).max(300).default(15),
  /** Live (server-sent events) connections the API holds at once; 0 turns live updates off. */
  TRACKING_LIVE_MAX_CONNECTIONS: z.coerce.number().int().min(0).default(500),

  WORKER_ENABLED: bool.default(true),
  API_ENABLED: bool.default(true),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? '?');
      // Never echo the value: it may be a secret.
      return `  ${name}: ${i.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (c.NODE_ENV === 'production') {
    const missing = (['ADMIN_API_TOKENS', 'SECRETS_KEY', 'TEMPORAL_ADDRESS', 'MONGODB_URI', 'CODEC_KEY'] as const).filter((k) => !c[k]);
    const lines = [...missing.map((k) => `  ${k}: required when NODE_ENV=production`), ...notificationGaps(c)];
    if (lines.length) throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return c;
}

/**
 * A channel switched on in production must be able to send: failing start-up beats recording every
 * customer's message as skipped for want of a setting.
 */
function notificationGaps(c: Config): string[] {
  const needs: Array<[boolean, string, ReadonlyArray<keyof Config>]> = [
    [c.NOTIFY_EMAIL_ENABLED || c.NOTIFY_ADMIN_EMAIL_ENABLED, 'NOTIFY_EMAIL_ENABLED or NOTIFY_ADMIN_EMAIL_ENABLED', ['SMTP_URL', 'EMAIL_FROM']],
    [c.NOTIFY_WHATSAPP_ENABLED, 'NOTIFY_WHATSAPP_ENABLED', ['WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_ACCESS_TOKEN']],
    [c.NOTIFY_EMAIL_ENABLED || c.NOTIFY_WHATSAPP_ENABLED, 'NOTIFY_EMAIL_ENABLED or NOTIFY_WHATSAPP_ENABLED', ['STORE_NAME']],
  ];
  return needs.flatMap(([on, flags, keys]) =>
    on ? keys.filter((k) => !c[k]).map((k) => `  ${k}: required when NODE_ENV=production and ${flags} is true (or switch the channel off)`) : [],
  );
}

/** Names of every variable the loader reads (for docs and the docker-compose check). */
export const CONFIG_VARIABLES = Object.keys(configSchema.shape);
