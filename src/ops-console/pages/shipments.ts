// Shipments: the filterable list with live status, and "Sync now" (also used by the stuck page).
import { createHash } from 'node:crypto';
import type { Router } from 'express';
import { z } from 'zod';
import { orderIdSchema } from '../../api/schemas';
import { courierIdSchema, courierIds } from '../../couriers/registry';
import { SHIPMENT_STATUSES } from '../../domain/status';
import { InvalidCursorError } from '../../lib/cursor';
import { ShipmentGatewayError } from '../../shipments/gateway';
import type { ShipmentPage, ShipmentPageQuery } from '../../storage/shipments-repo';
import type { ShipmentDoc } from '../../storage/types';
import type { PageContext } from '../context';
import { courierName, shipmentLink, statusBadge, when, words, workflowLink } from '../format';
import { html, qs, type Html } from '../html';
import { page } from '../layout';
import type { ConsoleWeb } from '../web';

const blank = (v: unknown) => (v === '' ? undefined : v);

/** The list's filters as the page's query string carries them. */
const shipmentFiltersSchema = z.object({
  status: z.preprocess(blank, z.enum(SHIPMENT_STATUSES).optional()),
  courier: z.preprocess(blank, courierIdSchema.optional()),
  ndr: z.preprocess(blank, z.literal('open').optional()),
  stuck: z.preprocess(blank, z.literal('1').optional()),
  q: z.preprocess(blank, z.string().trim().max(100).optional()),
  cursor: z.preprocess(blank, z.string().max(300).optional()),
});
type ShipmentFilters = z.infer<typeof shipmentFiltersSchema>;

const PAGE_SIZE = 50;

function listQuery(f: ShipmentFilters): ShipmentPageQuery {
  return {
    limit: PAGE_SIZE,
    ...(f.status ? { status: f.status } : {}),
    ...(f.courier ? { courier: f.courier } : {}),
    ...(f.ndr ? { ndrOpen: true } : {}),
    ...(f.stuck ? { stuck: true } : {}),
    ...(f.q ? { q: f.q } : {}),
    ...(f.cursor ? { cursor: f.cursor } : {}),
  };
}

export function flags(s: ShipmentDoc): Html {
  return html`${s.ndrOpen ? html`<span class="badge badge-warn">NDR open</span> ` : ''}${s.stuck ? html`<span class="badge badge-bad">Stuck</span>` : ''}`;
}

function table(ctx: PageContext, p: ShipmentPage, f: ShipmentFilters): Html {
  if (p.items.length === 0) return html`<p class="card">No shipments match these filters.</p>`;
  const { cursor: _c, ...keep } = f;
  return html`<div class="table-wrap"><table>
<caption>Shipments, most recently changed first</caption>
<thead><tr><th scope="col">Order</th><th scope="col">AWB</th><th scope="col">Courier</th><th scope="col">Status</th><th scope="col">Courier says</th><th scope="col">Last scan</th><th scope="col">Last sync</th><th scope="col">Expected</th><th scope="col">Flags</th><th scope="col">Workflow</th></tr></thead>
<tbody>
${p.items.map(
  (s) => html`<tr data-order="${s.orderId}">
  <th scope="row">${shipmentLink(ctx, s.orderId)}</th>
  <td>${s.awb ?? html`<span class="muted">—</span>`}</td>
  <td>${courierName(s.courier)}</td>
  <td class="status">${statusBadge(s.status)}</td>
  <td>${s.courierStatus ?? ''}${s.location ? html`<br><span class="muted">${s.location}</span>` : ''}</td>
  <td>${when(s.lastEventAt, ctx)}</td>
  <td>${when(s.lastSyncAt, ctx)}</td>
  <td>${when(s.expectedDeliveryAt, ctx)}</td>
  <td>${flags(s)}</td>
  <td>${workflowLink(ctx, s.orderId)}</td>
</tr>`,
)}
</tbody></table></div>
${p.nextCursor ? html`<p class="pager"><a href="${ctx.base}/shipments${qs({ ...keep, cursor: p.nextCursor })}">Next page</a></p>` : ''}`;
}

/** The live region's content, versioned by what it shows, so the script swaps it only on a change. */
function liveRows(ctx: PageContext, p: ShipmentPage, f: ShipmentFilters): Html {
  const inner = table(ctx, p, f);
  const version = createHash('sha256').update(inner.value).digest('base64url').slice(0, 16);
  return html`<div data-version="${version}">${inner}</div>`;
}

function filtersForm(ctx: PageContext, f: ShipmentFilters): Html {
  return html`<form class="filters card" method="get" action="${ctx.base}/shipments" role="search" aria-label="Filter shipments">
  <div class="field"><label for="f-q">Order ID or AWB</label><input id="f-q" name="q" type="search" value="${f.q ?? ''}" maxlength="100"></div>
  <div class="field"><label for="f-status">Status</label><select id="f-status" name="status"><option value="">Any</option>
    ${SHIPMENT_STATUSES.map((s) => html`<option value="${s}"${f.status === s ? html` selected` : ''}>${words(s)}</option>`)}</select></div>
  <div class="field"><label for="f-courier">Courier</label><select id="f-courier" name="courier"><option value="">Any</option>
    ${courierIds().map((c) => html`<option value="${c}"${f.courier === c ? html` selected` : ''}>${courierName(c)}</option>`)}</select></div>
  <label class="check"><input type="checkbox" name="ndr" value="open"${f.ndr ? html` checked` : ''}> NDR open</label>
  <label class="check"><input type="checkbox" name="stuck" value="1"${f.stuck ? html` checked` : ''}> Stuck</label>
  <button type="submit">Apply filters</button>
  <a class="button secondary" href="${ctx.base}/shipments">Clear</a>
</form>`;
}

export function mountShipments(r: Router, w: ConsoleWeb): void {
  r.get('/shipments', async (req, res) => {
    const parsed = shipmentFiltersSchema.safeParse(req.query);
    if (!parsed.success) return w.problem(res, 400, 'Bad filter', `Unknown filter value for ${parsed.error.issues[0]?.path.join('.') || 'the query'}.`);
    const f = parsed.data;
    let p: ShipmentPage;
    try {
      p = await w.d.shipmentsRepo.list(listQuery(f));
    } catch (e) {
      if (e instanceof InvalidCursorError) return w.problem(res, 400, 'Bad page link', 'This page link is not valid; start again from the first page.');
      throw e;
    }
    const ctx = w.ctx(res);
    if (req.get('X-Requested-With') === 'fetch') return w.render(res, 200, liveRows(ctx, p, f).value);
    const { cursor: _c, ...filters } = f;
    const liveSrc = `${ctx.base}/shipments${qs({ ...filters, ...(f.cursor ? { cursor: f.cursor } : {}) })}`;
    const seconds = w.d.liveRefreshSeconds ?? 10;
    const body = html`${filtersForm(ctx, f)}
<div class="live-bar" id="live-controls" hidden>
  <label class="check"><input type="checkbox" id="live-pause"> Pause live updates</label>
  <span id="live-status" role="status" aria-live="polite" class="muted">Live: refreshes every ${seconds} s.</span>
</div>
<div id="shipments-live" data-live-src="${liveSrc}" data-live-seconds="${seconds}">${liveRows(ctx, p, f)}</div>`;
    w.render(res, 200, page(ctx, { title: 'Shipments', section: 'shipments', body }));
  });

  r.post('/shipments/:orderId/refresh', async (req, res) => {
    const id = orderIdSchema.safeParse(req.params.orderId);
    if (!id.success) return w.problem(res, 400, 'Bad order id', 'That is not an order id.');
    const back = w.safeReturn((req.body as Record<string, unknown>).returnTo, `${w.base}/shipments/${encodeURIComponent(id.data)}`);
    try {
      const out = await w.d.gateway.refresh(id.data);
      const text = !out.success
        ? `Order ${id.data}: the courier could not be read (${out.error ?? 'unknown error'}); status stays ${words(out.status)}.`
        : out.statusUpdated
          ? `Order ${id.data}: synced, now ${words(out.status)}.`
          : `Order ${id.data}: synced, no change (${words(out.status)}).`;
      w.flash(req, res, { kind: out.success ? 'ok' : 'error', text });
    } catch (e) {
      if (!(e instanceof ShipmentGatewayError)) throw e;
      w.flash(req, res, { kind: 'error', text: `Order ${id.data}: sync not possible: ${e.message}` });
    }
    w.redirect(res, back);
  });
}
