// GET /api/analytics?from&to&courier&bucket&syncWindowHours&format=json|csv. Authentication is the
// API's: mount it behind requireAdmin (see docs/ops-console.md). Errors leave through the API's error
// middleware as its usual JSON envelope.
import { Router } from 'express';
import { handle, parse } from '../api/middleware';
import type { Collections } from '../storage/collections';
import { analyticsCsv, csvFilename } from './csv';
import { analyticsQuerySchema } from './params';
import { syncAnalytics } from './sync-analytics';

export interface AnalyticsRouteDeps {
  cols: Collections;
  /** STORE_TIMEZONE: periods start at the store's midnight. */
  timeZone: string;
  now?: () => number;
}

export function analyticsRouter(d: AnalyticsRouteDeps): Router {
  const now = d.now ?? Date.now;
  const r = Router();
  r.get(
    '/',
    handle(async (req, res) => {
      const { format, ...q } = parse(analyticsQuerySchema(d.timeZone, now()), req.query);
      const report = await syncAnalytics(d.cols, q, { timeZone: d.timeZone, now });
      res.set('Cache-Control', 'no-store');
      if (format === 'csv') {
        res.type('text/csv; charset=utf-8').attachment(csvFilename(report)).send(analyticsCsv(report));
        return;
      }
      res.json(report);
    }),
  );
  return r;
}
