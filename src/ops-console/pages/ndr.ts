// The NDR queue: open failed deliveries, oldest first (closest to their default action), each with
// one-click answers sent to the shipment's workflow as an admin decision.
import type { Router } from 'express';
import { z } from 'zod';
import { orderIdSchema } from '../../api/schemas';
import { courierIdSchema, courierIds } from '../../couriers/registry';
import type { NdrAction } from '../../domain/ndr';
import { NDR_REASONS } from '../../domain/status';
import { addDays, localDate } from '../../lib/calendar-dates';
import { InvalidCursorError } from '../../lib/cursor';
import { ShipmentGatewayError } from '../../shipments/gateway';
import type { ShipmentDoc } from '../../storage/types';
import type { PageContext } from '../context';
import { age, courierName, postFields, shipmentLink, when, words, workflowLink } from '../format';
import { html, qs, type Html } from '../html';
import { page } from '../layout';
import type { ConsoleWeb } from '../web';

const blank = (v: unknown) => (v === '' ? undefined : v);
const queueFilters = z.object({
  courier: z.preprocess(blank, courierIdSchema.optional()),
  reason: z.preprocess(blank, z.enum(NDR_REASONS).optional()),
  cursor: z.preprocess(blank, z.string().max(300).optional()),
});

const actionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('reattempt') }),
  z.object({ action: z.literal('reschedule'), date: z.iso.date() }),
  z.object({ action: z.literal('return_to_origin') }),
]);
const requestIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{8,100}$/);

const ACTION_NAMES: Record<'reattempt' | 'reschedule' | 'return_to_origin', string> = { reattempt: 'Reattempt', reschedule: 'Reschedule', return_to_origin: 'Return to origin' };

/** The three one-click answers to an open NDR (also on the shipment page). */
export function ndrActions(ctx: PageContext, orderId: string, returnTo: string): Html {
  const action = `${ctx.base}/ndr/${encodeURIComponent(orderId)}`;
  const tomorrow = addDays(localDate(ctx.now, ctx.timeZone), 1);
  const dateId = `date-${orderId}`;
  return html`<div class="actions">
  <form method="post" action="${action}">${postFields(ctx, returnTo)}<input type="hidden" name="action" value="reattempt"><button type="submit">Reattempt<span class="vh"> delivery of order ${orderId}</span></button></form>
  <form method="post" action="${action}">${postFields(ctx, returnTo)}<input type="hidden" name="action" value="reschedule">
    <label class="vh" for="${dateId}">New delivery date for order ${orderId}</label>
    <input type="date" id="${dateId}" name="date" min="${tomorrow}" value="${tomorrow}" required>
    <button type="submit" class="secondary">Reschedule<span class="vh"> order ${orderId}</span></button></form>
  <form method="post" action="${action}">${postFields(ctx, returnTo)}<input type="hidden" name="action" value="return_to_origin"><button type="submit" class="danger">Return to origin<span class="vh"> (RTO) order ${orderId}</span></button></form>
</div>`;
}

function row(ctx: PageContext, s: ShipmentDoc, returnTo: string): Html {
  const n = s.ndr;
  return html`<tr data-order="${s.orderId}">
  <th scope="row">${shipmentLink(ctx, s.orderId)}</th>
  <td>${courierName(s.courier)}<br><span class="muted">${s.awb ?? ''}</span></td>
  <td>${n ? words(n.reason) : ''}${n?.rawText ? html`<br><span class="muted">${n.rawText}</span>` : ''}</td>
  <td class="num">${n?.attempts ?? ''}</td>
  <td class="nowrap">${age(n?.openedAt, ctx.now)}</td>
  <td>${when(n?.deadlineAt, ctx)}${n?.escalated ? html`<br><span class="badge badge-warn">with ops${n.escalationReason ? `: ${n.escalationReason}` : ''}</span>` : ''}</td>
  <td>${s.paymentMethod === 'cod' ? 'COD' : s.paymentMethod === 'prepaid' ? 'Prepaid' : ''}</td>
  <td>${ndrActions(ctx, s.orderId, returnTo)}</td>
  <td>${workflowLink(ctx, s.orderId)}</td>
</tr>`;
}

export function mountNdr(r: Router, w: ConsoleWeb): void {
  r.get('/ndr', async (req, res) => {
    const f = queueFilters.safeParse(req.query);
    if (!f.success) return w.problem(res, 400, 'Bad filter', 'Unknown courier or reason.');
    let queue;
    try {
      queue = await w.d.shipmentsRepo.ndrQueue({ ...f.data, limit: 100 });
    } catch (e) {
      if (!(e instanceof InvalidCursorError)) throw e;
      return w.problem(res, 400, 'Bad page link', 'This page link is not valid; start again from the first page.');
    }
    const ctx = w.ctx(res);
    const here = `${ctx.base}/ndr${qs({ courier: f.data.courier, reason: f.data.reason })}`;
    const body = html`<form class="filters card" method="get" action="${ctx.base}/ndr" role="search" aria-label="Filter the NDR queue">
  <div class="field"><label for="n-courier">Courier</label><select id="n-courier" name="courier"><option value="">Any</option>
    ${courierIds().map((c) => html`<option value="${c}"${f.data.courier === c ? html` selected` : ''}>${courierName(c)}</option>`)}</select></div>
  <div class="field"><label for="n-reason">Reason</label><select id="n-reason" name="reason"><option value="">Any</option>
    ${NDR_REASONS.map((x) => html`<option value="${x}"${f.data.reason === x ? html` selected` : ''}>${words(x)}</option>`)}</select></div>
  <button type="submit">Apply filters</button>
</form>
${
  queue.items.length === 0
    ? html`<p class="card">No open NDRs. Nothing is waiting for an answer.</p>`
    : html`<div class="table-wrap"><table>
<caption>Open NDRs, oldest first: each is answered by its default action at its deadline</caption>
<thead><tr><th scope="col">Order</th><th scope="col">Courier / AWB</th><th scope="col">Reason</th><th scope="col" class="num">Attempts</th><th scope="col">Open for</th><th scope="col">Deadline</th><th scope="col">Payment</th><th scope="col">Answer</th><th scope="col">Workflow</th></tr></thead>
<tbody>${queue.items.map((s) => row(ctx, s, here))}</tbody></table></div>
${queue.nextCursor ? html`<p class="pager"><a href="${ctx.base}/ndr${qs({ courier: f.data.courier, reason: f.data.reason, cursor: queue.nextCursor })}">Next page</a></p>` : ''}`
}`;
    w.render(res, 200, page(ctx, { title: 'NDR queue', section: 'ndr', body }));
  });

  r.post('/ndr/:orderId', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const id = orderIdSchema.safeParse(req.params.orderId);
    const act = actionBody.safeParse(body);
    const requestId = requestIdSchema.safeParse(body.requestId);
    if (!id.success || !act.success || !requestId.success) return w.problem(res, 400, 'Bad request', 'That NDR answer is not complete (order, action, date or request id missing).');
    const back = w.safeReturn(body.returnTo, `${w.base}/ndr`);
    const a = act.data;
    const action: NdrAction = a.action === 'reschedule' ? { type: 'reschedule', date: a.date } : { type: a.action };
    const name = ACTION_NAMES[a.action];
    try {
      const out = await w.d.gateway.resolveNdr(id.data, { requestId: requestId.data, action, by: 'admin', actor: w.session(res).actor });
      const text = !out.accepted
        ? `Order ${id.data}: ${name} not accepted${out.message ? `: ${out.message}` : ''}.`
        : out.sentToCourier
          ? `Order ${id.data}: ${name} sent to the courier; status ${words(out.status)}.`
          : `Order ${id.data}: ${name} recorded, not sent to the courier${out.message ? ` (${out.message})` : ''}; status ${words(out.status)}.`;
      w.flash(req, res, { kind: out.accepted ? 'ok' : 'error', text });
    } catch (e) {
      if (!(e instanceof ShipmentGatewayError)) throw e;
      w.flash(req, res, { kind: 'error', text: `Order ${id.data}: ${name} not possible: ${e.message}` });
    }
    w.redirect(res, back);
  });
}
