// One shipment: the projection's facts, the workflow's live view (timeline, transitions, poll error),
// its actions and its workflow in the Temporal UI. No personal data: neither source carries any.
import type { Router } from 'express';
import { orderIdSchema } from '../../api/schemas';
import { ShipmentGatewayError } from '../../shipments/gateway';
import type { TrackingEventDoc } from '../../storage/types';
import { shipmentWorkflowId, type TimelineEntry, type TrackingView } from '../../workflows/shipment/contract';
import type { PageContext } from '../context';
import { courierName, statusBadge, when, words, workflowLink } from '../format';
import { html, type Html } from '../html';
import { page } from '../layout';
import type { ConsoleWeb } from '../web';
import { ndrActions } from './ndr';
import { flags } from './shipments';
import { syncNowForm } from './stuck';

function timeline(ctx: PageContext, entries: ReadonlyArray<TimelineEntry | TrackingEventDoc>): Html {
  if (entries.length === 0) return html`<p class="muted">No courier scans yet.</p>`;
  const newestFirst = [...entries].sort((a, b) => (a.occurredAt < b.occurredAt ? 1 : a.occurredAt > b.occurredAt ? -1 : 0));
  return html`<div class="table-wrap"><table>
<caption>Courier scans, newest first</caption>
<thead><tr><th scope="col">Courier time</th><th scope="col">Status</th><th scope="col">Courier code and text</th><th scope="col">Location</th><th scope="col">Came by</th><th scope="col">Received</th><th scope="col">Moved the status</th></tr></thead>
<tbody>${newestFirst.map(
    (e) => html`<tr><td>${when(e.occurredAt, ctx)}</td><td>${e.status ? words(e.status) : html`<span class="muted">info</span>`}</td>
<td><code>${e.rawCode}</code> ${e.rawLabel}${e.description && e.description !== e.rawLabel ? html`<br><span class="muted">${e.description}</span>` : ''}</td>
<td>${e.location ?? ''}</td><td>${e.source}</td><td>${when(e.receivedAt, ctx)}</td><td>${e.applied ? 'yes' : 'no'}</td></tr>`,
  )}</tbody></table></div>`;
}

function transitions(ctx: PageContext, v: TrackingView): Html | '' {
  if (v.transitions.length === 0) return '';
  return html`<h2>Status changes</h2><div class="table-wrap"><table>
<caption>Every change of the reported status</caption>
<thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Source</th><th scope="col">Courier time</th><th scope="col">Recorded</th><th scope="col">By / reason</th></tr></thead>
<tbody>${[...v.transitions].reverse().map(
    (t) => html`<tr><td>${words(t.from)}</td><td>${words(t.to)}</td><td>${t.source}</td><td>${when(t.at, ctx)}</td><td>${when(t.recordedAt, ctx)}</td><td>${t.by ?? ''}${t.reason ? html`<br><span class="muted">${t.reason}</span>` : ''}</td></tr>`,
  )}</tbody></table></div>`;
}

export function mountShipment(r: Router, w: ConsoleWeb): void {
  r.get('/shipments/:orderId', async (req, res) => {
    const id = orderIdSchema.safeParse(req.params.orderId);
    if (!id.success) return w.problem(res, 404, 'No such shipment', 'That is not an order id.');
    const orderId = id.data;
    const s = await w.d.shipmentsRepo.get(orderId);
    let live: TrackingView | null = null;
    let liveError: string | undefined;
    try {
      live = await w.d.gateway.tracking(orderId);
    } catch (e) {
      if (!(e instanceof ShipmentGatewayError)) throw e;
      liveError = e.message;
    }
    if (!s && !live) return w.problem(res, 404, 'No such shipment', `No shipment for order ${orderId}.`);
    const ctx = w.ctx(res);
    const here = `${ctx.base}/shipments/${encodeURIComponent(orderId)}`;
    const events = live ? live.timeline : await w.d.shipmentsRepo.timeline(orderId, 500);
    const status = live?.status ?? s!.status;
    const ndr = live?.ndr ?? s?.ndr;
    const body = html`<div class="card actions">
  ${statusBadge(status)} ${s ? flags(s) : ''}
  ${syncNowForm(ctx, orderId, here)}
  ${workflowLink(ctx, orderId)} <span class="muted">Workflow id <code>${shipmentWorkflowId(orderId)}</code></span>
</div>
${liveError ? html`<div class="flash flash-error" role="alert">Live view from the workflow unavailable (${liveError}); showing the stored projection.</div>` : ''}
${live?.pollError ? html`<div class="flash flash-error" role="alert">Last poll failed: ${live.pollError}</div>` : ''}
${
  ndr?.open
    ? html`<section class="card" aria-labelledby="ndr-h"><h2 id="ndr-h">Open NDR: ${words(ndr.reason)}</h2>
  <p>${ndr.rawText} <span class="muted">(attempt ${ndr.attempts}, deadline ${when(ndr.deadlineAt, ctx)}${ndr.escalated ? `, with ops: ${ndr.escalationReason ?? 'escalated'}` : ''})</span></p>
  ${ndrActions(ctx, orderId, here)}</section>`
    : ''
}
<div class="grid2">
<section class="card" aria-labelledby="facts-h"><h2 id="facts-h">Shipment</h2><dl class="facts">
  <dt>Courier</dt><dd>${courierName(live?.courier ?? s!.courier)}</dd>
  <dt>AWB</dt><dd>${live?.awb ?? s?.awb ?? '—'}</dd>
  <dt>Order status</dt><dd>${words(live?.orderStatus ?? s!.orderStatus)}</dd>
  <dt>Courier says</dt><dd>${s?.courierStatus ?? '—'}${s?.location ? ` · ${s.location}` : ''}</dd>
  <dt>Tracking</dt><dd>${(live?.trackingUrl ?? s?.trackingUrl) ? html`<a href="${live?.trackingUrl ?? s?.trackingUrl}" target="_blank" rel="noopener noreferrer">courier page<span class="vh"> (opens in a new tab)</span> <span aria-hidden="true">↗</span></a>` : '—'}</dd>
  <dt>Expected delivery</dt><dd>${when(live?.expectedDeliveryAt ?? s?.expectedDeliveryAt, ctx)}</dd>
  ${s?.bookingError ? html`<dt>Booking error</dt><dd>${s.bookingError.code}: ${s.bookingError.message}</dd>` : ''}
  ${live?.manual ? html`<dt>Manual status</dt><dd>${words(live.manual.status)} by ${live.manual.by}: ${live.manual.reason}</dd>` : ''}
</dl></section>
<section class="card" aria-labelledby="sync-h"><h2 id="sync-h">Sync</h2><dl class="facts">
  <dt>Last courier scan</dt><dd>${when(live?.lastEventAt ?? s?.lastEventAt, ctx)}</dd>
  <dt>Last sync</dt><dd>${when(live?.lastSyncAt ?? s?.lastSyncAt, ctx)}</dd>
  <dt>Last webhook</dt><dd>${when(live?.lastWebhookAt ?? s?.lastWebhookAt, ctx)}</dd>
  <dt>Projection updated</dt><dd>${when(s?.updatedAt, ctx)}</dd>
</dl></section>
</div>
<h2>Courier scans</h2>
${timeline(ctx, events)}
${live ? transitions(ctx, live) : ''}`;
    w.render(res, 200, page(ctx, { title: `Shipment ${orderId}`, section: 'shipments', body }));
  });
}
