// Structured JSON logs. Secrets are redacted by path wherever they could appear.
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'password',
  'token',
  'apiKey',
  'apiSecret',
  'webhookSecret',
  'secret',
  '*.password',
  '*.token',
  '*.apiKey',
  '*.apiSecret',
  '*.webhookSecret',
  '*.secret',
  'headers.authorization',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'accessToken',
  '*.accessToken',
  'WHATSAPP_ACCESS_TOKEN',
  'SMTP_URL',
  'SECRETS_KEY',
  'CODEC_KEY',
  '*.WHATSAPP_ACCESS_TOKEN',
  '*.SMTP_URL',
];

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'waybill', ...bindings },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

export type { Logger };
