// Sync analytics in the console: the same computation and query as GET /api/analytics, as tables, with
// the CSV behind the console's session (the browser holds no API token). Bars are <meter> elements: the
// CSP allows no inline style attributes.
import type { Request, Response, Router } from 'express';
import { analyticsCsv, csvFilename } from '../../analytics/csv';
import { DELIVERY_TIME_BINS } from '../../analytics/metrics';
import { analyticsQuerySchema, type AnalyticsQuery } from '../../analytics/params';
import { syncAnalytics, type PeriodRow, type SnapshotRow, type SyncAnalyticsReport } from '../../analytics/sync-analytics';
import { courierIds } from '../../couriers/registry';
import type { PageContext } from '../context';
import { courierName } from '../format';
import { html, qs, type Html } from '../html';
import { page } from '../layout';
import type { ConsoleWeb } from '../web';

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)} %`);
const dur = (s: number | null) => (s === null ? '—' : s < 90 ? `${s} s` : s < 5400 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`);
const hrs = (h: number | null) => (h === null ? '—' : h < 48 ? `${h} h` : `${(h / 24).toFixed(1)} d`);
const who = (k: string) => (k === 'all' ? 'All couriers' : courierName(k));

function form(ctx: PageContext, q: Partial<AnalyticsQuery>, raw: Record<string, unknown>, errors: Array<{ path: string; message: string }>): Html {
  const val = (k: keyof AnalyticsQuery) => (typeof raw[k] === 'string' ? (raw[k] as string) : q[k] !== undefined ? String(q[k]) : '');
  const err = (k: string) => errors.filter((e) => e.path === k);
  const attrs = (k: string) => (err(k).length ? html` aria-invalid="true" aria-describedby="a-${k}-err"` : '');
  const msg = (k: string) => (err(k).length ? html`<span class="errors" id="a-${k}-err">${err(k).map((e) => e.message).join('; ')}</span>` : '');
  return html`<form class="filters card" method="get" action="${ctx.base}/analytics" aria-label="Analytics period">
  <div class="field"><label for="a-from">From</label><input type="date" id="a-from" name="from" value="${val('from')}"${attrs('from')}>${msg('from')}</div>
  <div class="field"><label for="a-to">To (included)</label><input type="date" id="a-to" name="to" value="${val('to')}"${attrs('to')}>${msg('to')}</div>
  <div class="field"><label for="a-courier">Courier</label><select id="a-courier" name="courier"${attrs('courier')}><option value="">All couriers</option>
    ${courierIds().map((c) => html`<option value="${c}"${val('courier') === c ? html` selected` : ''}>${courierName(c)}</option>`)}</select>${msg('courier')}</div>
  <div class="field"><label for="a-bucket">Per</label><select id="a-bucket" name="bucket"${attrs('bucket')}>
    <option value="day"${val('bucket') !== 'week' ? html` selected` : ''}>Day</option><option value="week"${val('bucket') === 'week' ? html` selected` : ''}>Week</option></select>${msg('bucket')}</div>
  <div class="field"><label for="a-window">In sync within (hours)</label><input type="number" id="a-window" name="syncWindowHours" min="1" max="168" value="${val('syncWindowHours')}"${attrs('syncWindowHours')}>${msg('syncWindowHours')}</div>
  <button type="submit">Show</button>
</form>`;
}

function snapshot(ctx: PageContext, r: SyncAnalyticsReport): Html {
  const focus = r.snapshot.rows.find((s) => s.courier === (r.courier ?? 'all'))!;
  const row = (s: SnapshotRow) => html`<tr><th scope="row">${who(s.courier)}</th><td class="num">${s.live}</td><td class="num">${s.stuck}</td><td class="num">${s.ndrOpen}</td><td class="num">${s.inSync} / ${s.syncEligible}</td><td class="num">${pct(s.syncSuccessRate)}</td></tr>`;
  return html`<h2>Now</h2>
<dl class="stats">
  <div><dt>Live shipments</dt><dd>${focus.live}</dd></div>
  <div><dt><a href="${ctx.base}/stuck">Stuck</a></dt><dd>${focus.stuck}</dd></div>
  <div><dt><a href="${ctx.base}/ndr">NDR open</a></dt><dd>${focus.ndrOpen}</dd></div>
  <div><dt>Sync success (${r.syncWindowHours} h)</dt><dd>${pct(focus.syncSuccessRate)}</dd></div>
</dl>
<div class="table-wrap"><table><caption>Live shipments as of now: a shipment is in sync when Waybill heard from its courier within ${r.syncWindowHours} hours</caption>
<thead><tr><th scope="col">Courier</th><th scope="col" class="num">Live</th><th scope="col" class="num">Stuck</th><th scope="col" class="num">NDR open</th><th scope="col" class="num">In sync / eligible</th><th scope="col" class="num">Sync success</th></tr></thead>
<tbody>${r.snapshot.rows.map(row)}</tbody></table></div>`;
}

function metricsTable(caption: string, first: string, rows: Array<{ label: string; r: PeriodRow }>): Html {
  return html`<div class="table-wrap"><table><caption>${caption}</caption>
<thead><tr><th scope="col">${first}</th><th scope="col" class="num">Webhook / poll</th><th scope="col" class="num">Webhook share</th><th scope="col" class="num">Latency p50</th><th scope="col" class="num">Latency p95</th>
<th scope="col" class="num">Closed</th><th scope="col" class="num">NDR rate</th><th scope="col" class="num">NDR recovered / RTO</th><th scope="col" class="num">RTO rate</th><th scope="col" class="num">Delivery p50</th><th scope="col" class="num">Delivery p95</th></tr></thead>
<tbody>${rows.map(
    ({ label, r }) => html`<tr><th scope="row">${label}</th><td class="num">${r.events.webhook} / ${r.events.poll}</td><td class="num">${pct(r.events.webhookShare)}</td>
<td class="num">${dur(r.latency.p50Seconds)}</td><td class="num">${dur(r.latency.p95Seconds)}</td><td class="num">${r.outcomes.closed}</td><td class="num">${pct(r.outcomes.ndrRate)}</td>
<td class="num">${r.outcomes.ndrRecovered} / ${r.outcomes.ndrRto}</td><td class="num">${pct(r.outcomes.rtoRate)}</td><td class="num">${hrs(r.deliveryTime.p50Hours)}</td><td class="num">${hrs(r.deliveryTime.p95Hours)}</td></tr>`,
  )}</tbody></table></div>`;
}

function distribution(r: SyncAnalyticsReport): Html {
  const t = r.totals.find((x) => x.courier === (r.courier ?? 'all'))!;
  const max = Math.max(1, ...DELIVERY_TIME_BINS.map((b) => t.deliveryTime.histogram[b.key]));
  return html`<div class="table-wrap"><table><caption>Booked → delivered, ${who(t.courier)}, ${t.deliveryTime.count} deliveries</caption>
<thead><tr><th scope="col">Took</th><th scope="col" class="num">Deliveries</th><th scope="col">Share</th></tr></thead>
<tbody>${DELIVERY_TIME_BINS.map((b) => {
    const n = t.deliveryTime.histogram[b.key];
    return html`<tr><th scope="row">${b.label}</th><td class="num">${n}</td><td><meter min="0" max="${max}" value="${n}" aria-hidden="true"></meter> ${t.deliveryTime.count ? `${((n / t.deliveryTime.count) * 100).toFixed(0)} %` : '—'}</td></tr>`;
  })}</tbody></table></div>`;
}

async function compute(w: ConsoleWeb, req: Request) {
  const parsed = analyticsQuerySchema(w.d.timeZone, w.now()).safeParse(req.query);
  if (!parsed.success) return { errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  const { format: _f, ...q } = parsed.data;
  return { q: parsed.data, report: await syncAnalytics(w.d.cols, q, { timeZone: w.d.timeZone, now: w.now }) };
}

export function mountAnalytics(r: Router, w: ConsoleWeb): void {
  r.get('/analytics.csv', async (req: Request, res: Response) => {
    const out = await compute(w, req);
    if (!out.report) return w.problem(res, 400, 'Bad period', out.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
    res.type('text/csv; charset=utf-8').attachment(csvFilename(out.report)).send(analyticsCsv(out.report));
  });

  r.get('/analytics', async (req: Request, res: Response) => {
    const ctx = w.ctx(res);
    const out = await compute(w, req);
    const raw = req.query as Record<string, unknown>;
    if (!out.report) {
      const body = form(ctx, {}, raw, out.errors);
      return w.render(res, 400, page(ctx, { title: 'Sync analytics', section: 'analytics', body }));
    }
    const rep = out.report;
    const focus = rep.courier ?? 'all';
    const { format: _f, ...q } = out.q;
    const body = html`${form(ctx, q, raw, [])}
<p><a class="button secondary" href="${ctx.base}/analytics.csv${qs({ from: rep.from, to: rep.to, courier: rep.courier ?? undefined, bucket: rep.bucket, syncWindowHours: rep.syncWindowHours })}" download>Download CSV<span class="vh"> of ${rep.from} to ${rep.to}</span></a>
<span class="muted"> Days run midnight to midnight in ${rep.timeZone}. Definitions: docs/ops-console.md.</span></p>
${snapshot(ctx, rep)}
<h2>${rep.from} to ${rep.to}</h2>
${metricsTable('Per courier, whole period', 'Courier', rep.totals.map((t) => ({ label: who(t.courier), r: t })))}
<h2>Delivery time</h2>
${distribution(rep)}
<h2>Per ${rep.bucket}: ${who(focus)}</h2>
${metricsTable(`${who(focus)} per ${rep.bucket} (the CSV has every courier)`, rep.bucket === 'week' ? 'Week' : 'Day', rep.periods.filter((p) => p.courier === focus).map((p) => ({ label: p.from === p.to ? p.from : `${p.from} – ${p.to}`, r: p })))}`;
    w.render(res, 200, page(ctx, { title: 'Sync analytics', section: 'analytics', body }));
  });
}
