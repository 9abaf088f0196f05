import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { courierObserver, createMetrics, errorKind, metricsHandler, type InboxSnapshot } from '../../src/lib/metrics';
import { serveMetrics } from '../../src/lib/metrics-server';

/** One sample's value; histogram samples are named `<metric>_bucket|_sum|_count`. */
const value = async (m: ReturnType<typeof createMetrics>, sample: string, labels: Record<string, string | number> = {}) => {
  const samples = (await m.registry.getMetricsAsJSON()).flatMap((x) =>
    x.values.map((v) => ({ ...v, name: (v as { metricName?: string }).metricName ?? x.name })),
  );
  return samples.find((v) => v.name === sample && Object.entries(labels).every(([k, l]) => String(v.labels[k]) === String(l)))?.value;
};

describe('Waybill metrics', () => {
  it('counts webhooks by courier and outcome, folding unknown couriers into one series', async () => {
    const m = createMetrics({ service: 'api', processMetrics: false });
    m.webhook('delhivery', 'accepted');
    m.webhook('delhivery', 'accepted');
    m.webhook('delhivery', 'duplicate');
    m.webhook('../../etc/passwd', 'unauthorized');
    expect(await value(m, 'waybill_webhooks_total', { courier: 'delhivery', outcome: 'accepted' })).toBe(2);
    expect(await value(m, 'waybill_webhooks_total', { courier: 'delhivery', outcome: 'duplicate' })).toBe(1);
    expect(await value(m, 'waybill_webhooks_total', { courier: 'unknown', outcome: 'unauthorized' })).toBe(1);
  });

  it('records courier calls, errors by kind, 429s and latency through the CourierDeps hooks', async () => {
    const m = createMetrics({ service: 'worker', processMetrics: false });
    const { observe, onUnmappedStatus } = courierObserver(m);
    observe({ courier: 'shiprocket', operation: 'track', httpStatus: 200, outcome: 'ok', durationMs: 120 });
    observe({ courier: 'shiprocket', operation: 'track', httpStatus: 429, outcome: 'rate_limited', durationMs: 30 });
    observe({ courier: 'shiprocket', operation: 'track', outcome: 'transient', durationMs: 10_000 });
    observe({ courier: 'icarry', operation: 'createShipment', httpStatus: 200, outcome: 'permanent', durationMs: 800 });
    onUnmappedStatus('delhivery', 'XYZ-99');
    const l = { courier: 'shiprocket', operation: 'track' };
    expect(await value(m, 'waybill_courier_api_calls_total', { ...l, outcome: 'ok' })).toBe(1);
    expect(await value(m, 'waybill_courier_api_rate_limited_total', l)).toBe(1);
    expect(await value(m, 'waybill_courier_api_errors_total', { ...l, kind: 'rate_limited' })).toBe(1);
    expect(await value(m, 'waybill_courier_api_errors_total', { ...l, kind: 'network' })).toBe(1);
    expect(await value(m, 'waybill_courier_api_errors_total', { courier: 'icarry', kind: 'api_error' })).toBe(1);
    expect(await value(m, 'waybill_courier_api_duration_seconds_count', l)).toBe(3);
    expect(await value(m, 'waybill_courier_api_duration_seconds_sum', l)).toBeCloseTo(10.15);
    expect(await value(m, 'waybill_courier_api_duration_seconds_bucket', { ...l, le: '0.25' })).toBe(2);
    expect(await value(m, 'waybill_unmapped_status_total', { courier: 'delhivery', code: 'XYZ-99' })).toBe(1);
  });

  it('classifies courier failures for the errors counter', () => {
    expect(errorKind({ outcome: 'ok', httpStatus: 200 })).toBeUndefined();
    expect(errorKind({ outcome: 'transient', httpStatus: 429 })).toBe('rate_limited');
    expect(errorKind({ outcome: 'transient', httpStatus: 503 })).toBe('server_error');
    expect(errorKind({ outcome: 'permanent', httpStatus: 422 })).toBe('client_error');
    expect(errorKind({ outcome: 'transient' })).toBe('network');
    expect(errorKind({ outcome: 'permanent', httpStatus: 200 })).toBe('api_error');
  });

  it('bounds the raw status codes it keeps as labels', async () => {
    const m = createMetrics({ service: 'worker', processMetrics: false });
    for (let i = 0; i < 250; i++) m.unmappedStatus('icarry', `code-${i}`);
    m.unmappedStatus('icarry', 'code-3'); // seen before the cap: still its own series
    const series = (await m.registry.getMetricsAsJSON()).find((x) => x.name === 'waybill_unmapped_status_total')!.values;
    expect(series).toHaveLength(201);
    expect(await value(m, 'waybill_unmapped_status_total', { code: '(other)' })).toBe(50);
    expect(await value(m, 'waybill_unmapped_status_total', { code: 'code-3' })).toBe(2);
  });

  it('measures sync freshness from the courier event time, never negative', async () => {
    const m = createMetrics({ service: 'worker', processMetrics: false });
    m.statusApplied({ courier: 'delhivery', source: 'webhook', eventAt: 1_000_000, appliedAt: 1_012_000 });
    m.statusApplied({ courier: 'delhivery', source: 'poll', eventAt: 0, appliedAt: 2 * 3600_000 });
    m.statusApplied({ courier: 'delhivery', source: 'webhook', eventAt: 5_000, appliedAt: 1_000 }); // courier clock ahead
    expect(await value(m, 'waybill_sync_freshness_seconds_sum', { source: 'webhook' })).toBe(12);
    expect(await value(m, 'waybill_sync_freshness_seconds_bucket', { source: 'webhook', le: '5' })).toBe(1);
    expect(await value(m, 'waybill_sync_freshness_seconds_bucket', { source: 'poll', le: '7200' })).toBe(1);
  });

  it('reads the inbox once per scrape for both inbox gauges, and drops them when the read fails', async () => {
    let reads = 0;
    let snapshot: InboxSnapshot | Error = { backlog: { pending: 3, delivered: 40 }, oldestPendingAt: 100_000 };
    const errors: unknown[] = [];
    const m = createMetrics({
      service: 'api',
      processMetrics: false,
      now: () => 190_000,
      onCollectError: (e) => errors.push(e),
      inboxSnapshot: async () => {
        reads++;
        if (snapshot instanceof Error) throw snapshot;
        return snapshot;
      },
    });
    const text = await m.registry.metrics();
    expect(reads).toBe(1);
    expect(text).toContain('waybill_inbox_backlog{status="pending",service="api"} 3');
    expect(text).toContain('waybill_inbox_backlog{status="delivered",service="api"} 40');
    expect(text).toContain('waybill_inbox_oldest_age_seconds{service="api"} 90');

    snapshot = { backlog: { delivered: 41 } };
    const drained = await m.registry.metrics();
    expect(drained).not.toContain('status="pending"');
    expect(drained).toContain('waybill_inbox_oldest_age_seconds{service="api"} 0');

    snapshot = new Error('mongo down');
    const failed = await m.registry.metrics();
    expect(failed).not.toMatch(/^waybill_inbox_backlog\{/m);
    expect(failed).toContain('waybill_inbox_oldest_age_seconds{service="api"} Nan'); // prom-client keeps a label-less gauge: unknown, not 0
    expect(errors).toEqual([snapshot]);
  });

  it('exports nothing about the inbox from a process that has no inbox (the worker)', async () => {
    const text = await createMetrics({ service: 'worker', processMetrics: false }).registry.metrics();
    expect(text).not.toContain('waybill_inbox');
  });

  it('serves the Prometheus text format with every metric, labels and process metrics, from Express and from the worker server', async () => {
    const m = createMetrics({ service: 'api' });
    m.notification('whatsapp', 'out_for_delivery', 'sent');
    const app = express().get('/metrics', metricsHandler(m.registry));
    const res = await request(app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'waybill_webhooks_total',
      'waybill_courier_api_calls_total',
      'waybill_courier_api_errors_total',
      'waybill_courier_api_rate_limited_total',
      'waybill_courier_api_duration_seconds',
      'waybill_sync_freshness_seconds',
      'waybill_notifications_total',
      'waybill_unmapped_status_total',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(res.text).toContain(`# TYPE ${name} `);
    }
    expect(res.text).toContain('waybill_notifications_total{channel="whatsapp",event="out_for_delivery",result="sent",service="api"} 1');

    const server = await serveMetrics(m.registry, { host: '127.0.0.1', port: 0 });
    try {
      const scraped = await fetch(server.url);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('waybill_notifications_total{');
      expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
