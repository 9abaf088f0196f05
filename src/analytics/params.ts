// The analytics query, shared by GET /api/analytics and the console's analytics page. Dates are local
// calendar days in the store's time zone, both included; omitted, the range is the last 30 days.
import { z } from 'zod';
import { courierIdSchema } from '../couriers/registry';
import type { SyncAnalyticsRequest } from './sync-analytics';
import { addDays, daysBetween, isCalendarDate, localDate } from '../lib/calendar-dates';

export const DEFAULT_RANGE_DAYS = 30;
/** One year of days (or 53 weeks) per request keeps a report to a few thousand rows. */
export const MAX_RANGE_DAYS = 366;
/**
 * Polls back off to at most once a day (MAX_POLL_MINUTES) with ±10 % jitter, so a healthy live shipment
 * syncs within 26.4 h even when nothing happens; 27 h is the smallest whole-hour window that never flags it.
 */
export const DEFAULT_SYNC_WINDOW_HOURS = 27;

/** An HTML form sends '' for "any": treat it as absent. */
const blank = (v: unknown) => (v === '' ? undefined : v);
const day = z.preprocess(blank, z.string().refine(isCalendarDate, 'a date as YYYY-MM-DD').optional());

export function analyticsQuerySchema(timeZone: string, now: number) {
  return z
    .object({
      from: day,
      to: day,
      courier: z.preprocess((v) => (v === 'all' ? undefined : blank(v)), courierIdSchema.optional()),
      bucket: z.preprocess(blank, z.enum(['day', 'week']).default('day')),
      format: z.preprocess(blank, z.enum(['json', 'csv']).default('json')),
      syncWindowHours: z.preprocess(blank, z.coerce.number().int().min(1).max(168).default(DEFAULT_SYNC_WINDOW_HOURS)),
    })
    .strict()
    .transform((q) => {
      const to = q.to ?? localDate(now, timeZone);
      const from = q.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
      const req: SyncAnalyticsRequest = { from, to, bucket: q.bucket, syncWindowHours: q.syncWindowHours, ...(q.courier ? { courier: q.courier } : {}) };
      return { ...req, format: q.format };
    })
    .refine((q) => q.from <= q.to, { path: ['from'], message: 'must not be after to' })
    .refine((q) => daysBetween(q.from, q.to) < MAX_RANGE_DAYS, { path: ['to'], message: `the range is at most ${MAX_RANGE_DAYS} days` });
}

export type AnalyticsQuery = z.infer<ReturnType<typeof analyticsQuerySchema>>;
