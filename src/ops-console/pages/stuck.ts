// Stuck shipments: in flight, with no courier scan for longer than their status allows (the workflow
// flags them and has already forced a poll). "Sync now" asks the workflow to poll again at once.
import type { Router } from 'express';
import { z } from 'zod';
import { courierIdSchema, courierIds } from '../../couriers/registry';
import type { ShipmentDoc } from '../../storage/types';
import type { PageContext } from '../context';
import { age, courierName, postFields, shipmentLink, statusBadge, when, workflowLink } from '../format';
import { html, qs, type Html } from '../html';
import { page } from '../layout';
import type { ConsoleWeb } from '../web';

const filters = z.object({ courier: z.preprocess((v) => (v === '' ? undefined : v), courierIdSchema.optional()) });

export function syncNowForm(ctx: PageContext, orderId: string, returnTo: string): Html {
  return html`<form method="post" action="${ctx.base}/shipments/${encodeURIComponent(orderId)}/refresh">${postFields(ctx, returnTo)}<button type="submit">Sync now<span class="vh"> order ${orderId}</span></button></form>`;
}

function row(ctx: PageContext, s: ShipmentDoc, here: string): Html {
  return html`<tr data-order="${s.orderId}">
  <th scope="row">${shipmentLink(ctx, s.orderId)}</th>
  <td>${courierName(s.courier)}<br><span class="muted">${s.awb ?? ''}</span></td>
  <td>${statusBadge(s.status)}</td>
  <td>${s.courierStatus ?? ''}${s.location ? html`<br><span class="muted">${s.location}</span>` : ''}</td>
  <td>${when(s.lastEventAt, ctx)}<br><span class="muted">${age(s.lastEventAt ?? s.createdAt, ctx.now)} ago</span></td>
  <td>${when(s.lastSyncAt, ctx)}</td>
  <td><div class="actions">${syncNowForm(ctx, s.orderId, here)}</div></td>
  <td>${workflowLink(ctx, s.orderId)}</td>
</tr>`;
}

export function mountStuck(r: Router, w: ConsoleWeb): void {
  r.get('/stuck', async (req, res) => {
    const f = filters.safeParse(req.query);
    if (!f.success) return w.problem(res, 400, 'Bad filter', 'Unknown courier.');
    const items = await w.d.shipmentsRepo.stuck(f.data.courier);
    const ctx = w.ctx(res);
    const here = `${ctx.base}/stuck${qs({ courier: f.data.courier })}`;
    const body = html`<form class="filters card" method="get" action="${ctx.base}/stuck" role="search" aria-label="Filter stuck shipments">
  <div class="field"><label for="s-courier">Courier</label><select id="s-courier" name="courier"><option value="">Any</option>
    ${courierIds().map((c) => html`<option value="${c}"${f.data.courier === c ? html` selected` : ''}>${courierName(c)}</option>`)}</select></div>
  <button type="submit">Apply filters</button>
</form>
${
  items.length === 0
    ? html`<p class="card">No stuck shipments.</p>`
    : html`<div class="table-wrap"><table>
<caption>Stuck shipments, longest without a courier scan first</caption>
<thead><tr><th scope="col">Order</th><th scope="col">Courier / AWB</th><th scope="col">Status</th><th scope="col">Courier says</th><th scope="col">Last scan</th><th scope="col">Last sync</th><th scope="col">Action</th><th scope="col">Workflow</th></tr></thead>
<tbody>${items.map((s) => row(ctx, s, here))}</tbody></table></div>`
}`;
    w.render(res, 200, page(ctx, { title: 'Stuck shipments', section: 'stuck', body }));
  });
}
