export { analyticsRouter, type AnalyticsRouteDeps } from './router';
export { syncAnalytics, type SyncAnalyticsReport, type SyncAnalyticsRequest, type PeriodRow, type SnapshotRow } from './sync-analytics';
export { analyticsCsv, csvFilename, CSV_HEADER } from './csv';
export { analyticsQuerySchema, DEFAULT_SYNC_WINDOW_HOURS } from './params';
