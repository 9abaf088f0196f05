// Small renderers shared by the pages: times in the store's zone, status badges, courier names, the
// Temporal UI link, the hidden fields of a POST form.
import { randomUUID } from 'node:crypto';
import { courierName as registeredName } from '../couriers/registry';
import type { CourierId } from '../domain/events';
import { isTerminal, type ShipmentStatus } from '../domain/status';
import { shipmentWorkflowId } from '../workflows/shipment/contract';
import type { PageContext } from './context';
import { html, type Html } from './html';

export function courierName(c: CourierId | string): string {
  return registeredName(c);
}

export function words(code: string): string {
  return code.replace(/_/g, ' ');
}

const formatters = new Map<string, Intl.DateTimeFormat>();
export function formatTime(iso: string, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-IN', { timeZone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : f.format(t);
}

export function when(iso: string | undefined, ctx: Pick<PageContext, 'timeZone'>): Html {
  if (!iso) return html`<span class="muted">—</span>`;
  return html`<time datetime="${iso}" class="nowrap">${formatTime(iso, ctx.timeZone)}</time>`;
}

/** "3 h", "2 d 4 h": how long ago, for queues sorted by age. */
export function age(iso: string | undefined, now: number): string {
  if (!iso) return '—';
  const h = Math.max(0, Math.floor((now - Date.parse(iso)) / 3_600_000));
  return h < 48 ? `${h} h` : `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function statusBadge(status: ShipmentStatus): Html {
  const kind =
    status === 'delivered'
      ? 'ok'
      : status === 'undelivered' || status === 'pickup_failed' || status.startsWith('rto_') || status === 'lost' || status === 'damaged'
        ? 'bad'
        : isTerminal(status)
          ? 'warn'
          : 'info';
  return html`<span class="badge badge-${kind}">${words(status)}</span>`;
}

export function workflowUrl(temporal: PageContext['temporal'], orderId: string): string {
  return `${temporal.uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(temporal.namespace)}/workflows/${encodeURIComponent(shipmentWorkflowId(orderId))}`;
}

export function workflowLink(ctx: Pick<PageContext, 'temporal'>, orderId: string): Html {
  return html`<a href="${workflowUrl(ctx.temporal, orderId)}" target="_blank" rel="noopener noreferrer" class="nowrap">Temporal<span class="vh"> workflow ${shipmentWorkflowId(orderId)} (opens in a new tab)</span> <span aria-hidden="true">↗</span></a>`;
}

export function shipmentLink(ctx: Pick<PageContext, 'base'>, orderId: string): Html {
  return html`<a href="${ctx.base}/shipments/${encodeURIComponent(orderId)}">${orderId}</a>`;
}

/**
 * The CSRF token, a fresh request id (a double click or a resubmitted form repeats it, and the workflow
 * answers a repeated request id instead of applying it twice) and where to come back to.
 */
export function postFields(ctx: PageContext, returnTo: string): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.session.csrf}"><input type="hidden" name="requestId" value="${randomUUID()}"><input type="hidden" name="returnTo" value="${returnTo}">`;
}
