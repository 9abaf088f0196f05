// The tracking page proper. It is four sections, each rendered on its own, because the live stream
// sends them again when they change and the browser swaps each one in place.
import { isTerminal } from '../../domain/status';
import { html, raw, type SafeHtml } from '../html';
import type { PageModel, PageNdr } from '../model';
import type { NdrField } from '../ndr-form';
import { rescheduleDates } from '../ndr-form';
import { courierName } from '../../couriers/registry';
import { NDR_ACTION_TEXT, NDR_REASON_TEXT, progressOf } from '../progress';
import { formatCalendarDate, formatDate, formatDateTime } from '../time';

export type Flash = 'sent' | 'recorded' | 'closed' | 'unavailable' | 'failed';
export const FLASHES: readonly Flash[] = ['sent', 'recorded', 'closed', 'unavailable', 'failed'];

export interface FormError {
  action: string;
  field: NdrField;
  message: string;
  values: Record<string, string>;
}

export interface ViewContext {
  timeZone: string;
  nowMs: number;
  /** The page's path, `/order-tracking/<orderId>`. */
  path: string;
  /** `?t=<token>` when the page was opened with the signed link, else '' (the cookie carries access). */
  query: string;
  csrf: string;
  formError?: FormError;
}

export type Sections = Record<'status' | 'ndr' | 'details' | 'timeline', string>;

export function renderSections(m: PageModel, c: ViewContext): Sections {
  return {
    status: statusSection(m, c).value,
    ndr: m.ndr?.open ? ndrSection(m.ndr, m, c).value : '',
    details: detailsSection(m).value,
    timeline: timelineSection(m, c).value,
  };
}

export function headlineOf(m: PageModel): string {
  return progressOf(m.status).headline;
}

/** Whether the no-JavaScript page should reload itself: only while things can change and no form is open. */
export function wantsRefresh(m: PageModel): boolean {
  return !isTerminal(m.status) && !(m.ndr?.open && !m.ndr.resolution);
}

export function trackingMain(m: PageModel, sections: Sections, c: ViewContext & { eventsUrl?: string; flash?: Flash }): SafeHtml {
  const live = (name: keyof Sections) => html`<div data-live="${name}">${raw(sections[name])}</div>`;
  return html`<main id="main" class="wrap"${c.eventsUrl ? html` data-events="${c.eventsUrl}"` : ''}>${c.flash ? flashBox(c.flash) : ''}${live('status')}${live('ndr')}${live('details')}${live('timeline')}<p><a href="${c.path}${c.query}">Refresh this page</a></p><div id="announce" class="sr" role="status" aria-live="polite"></div></main>`;
}

function flashBox(f: Flash): SafeHtml {
  const text: Record<Flash, [string, boolean]> = {
    sent: ['Thank you. We have passed your answer to the courier.', true],
    recorded: ['Thank you. Our team will pass your answer to the courier.', true],
    closed: ['This delivery problem has already been dealt with, so nothing was changed.', true],
    unavailable: ['We could not send your answer just now. Please try again in a minute.', false],
    failed: ['The courier did not accept that request. Our team has been told and will contact you.', false],
  };
  const [message, good] = text[f];
  return html`<p class="flash${good ? '' : ' bad'}" role="status">${message}</p>`;
}

function statusSection(m: PageModel, c: ViewContext): SafeHtml {
  const p = progressOf(m.status);
  const deliveredAt = m.status === 'delivered' ? m.events.find((e) => e.status === 'delivered')?.at : undefined;
  // After a failed attempt or once returning, the courier's original date no longer holds.
  const showEta = m.expectedDeliveryAt && p.variant === 'normal';
  const banner =
    p.variant === 'delivered' && deliveredAt
      ? html`<p class="banner good">Delivered ${localTime(deliveredAt, c.timeZone)}.</p>`
      : p.variant === 'ndr'
        ? html`<p class="banner">The courier tried to deliver it, but ${NDR_REASON_TEXT[m.ndr?.reason ?? 'other']}.</p>`
        : p.variant === 'cancelled'
          ? html`<p class="banner">If this is unexpected, please contact us.</p>`
          : p.variant === 'lost'
            ? html`<p class="banner">The courier has reported a problem with this parcel. We will contact you, or you can contact us now.</p>`
            : '';
  const steps = p.steps.length
    ? html`<ol class="steps" aria-label="Delivery progress">${p.steps.map(
        (s) =>
          html`<li class="${s.state}"${s.state === 'current' || s.state === 'problem' ? html` aria-current="step"` : ''}><span class="sr">${STEP_STATE[s.state]}: </span>${s.label}</li>`,
      )}</ol>`
    : '';
  const stale =
    m.source === 'stored' && !isTerminal(m.status) && m.storedAt
      ? html`<p class="note">Last updated ${localTime(m.storedAt, c.timeZone)}. Live tracking is catching up; this page will update by itself.</p>`
      : '';
  return html`<section class="card" aria-labelledby="h-status"><h1 id="h-status">Order ${m.orderId}</h1><p class="headline">${p.headline}</p>${
    showEta ? html`<p class="eta">Expected delivery: <strong>${formatDate(m.expectedDeliveryAt!, c.timeZone)}</strong></p>` : ''
  }${banner}${steps}${stale}</section>`;
}

const STEP_STATE = { done: 'Done', current: 'Now', todo: 'Next', problem: 'Problem' } as const;

function detailsSection(m: PageModel): SafeHtml {
  const courier = courierName(m.courier);
  const carrier = m.carrierName && m.carrierName.toLowerCase() !== courier.toLowerCase() ? `${m.carrierName} (via ${courier})` : courier;
  // Only http(s): the URL comes from the courier and must never become a javascript: link.
  const link = m.trackingUrl && /^https?:\/\//i.test(m.trackingUrl) ? m.trackingUrl : undefined;
  return html`<section class="card" aria-labelledby="h-details"><h2 id="h-details">Shipment details</h2><dl><dt>Courier</dt><dd>${carrier}</dd><dt>Tracking number</dt><dd>${
    m.awb ?? 'Not assigned yet'
  }</dd></dl>${
    link ? html`<p><a href="${link}" target="_blank" rel="noopener noreferrer">Track on the courier’s website<span class="sr"> (opens in a new tab)</span></a></p>` : ''
  }</section>`;
}

function timelineSection(m: PageModel, c: ViewContext): SafeHtml {
  const items = m.events.map(
    (e) => html`<li><p>${e.text}</p>${localTime(e.at, c.timeZone)}${e.location ? html`<span class="loc">${e.location}</span>` : ''}</li>`,
  );
  return html`<section class="card" aria-labelledby="h-timeline"><h2 id="h-timeline">Tracking history</h2>${
    items.length ? html`<ol class="timeline">${items}</ol>` : html`<p>No scans from the courier yet. They appear here as soon as the courier reports them.</p>`
  }</section>`;
}

function localTime(iso: string, timeZone: string): SafeHtml {
  return html`<time datetime="${iso}" data-local>${formatDateTime(iso, timeZone)}</time>`;
}

function ndrSection(n: PageNdr, m: PageModel, c: ViewContext): SafeHtml {
  const courier = courierName(m.courier);
  if (n.resolution) {
    const r = n.resolution;
    const what = NDR_ACTION_TEXT[r.action] + (r.date ? ` (${formatCalendarDate(r.date)})` : '');
    const who = r.by === 'customer' ? 'You asked us to' : 'We have asked the courier to';
    const onward = r.sentToCourier ? `${courier} has the request.` : 'Our team is passing it on to the courier.';
    return html`<section class="card" aria-labelledby="h-ndr"><h2 id="h-ndr">Your delivery</h2><p class="banner good">${who} ${what}. ${onward}</p></section>`;
  }
  const err = c.formError;
  const form = (action: string, body: SafeHtml) =>
    html`<form method="post" action="${c.path}/ndr${c.query}"><input type="hidden" name="csrf" value="${c.csrf}"><input type="hidden" name="action" value="${action}">${body}</form>`;
  const field = (action: string, name: NdrField, label: string, attrs: SafeHtml) => {
    const id = `ndr-${name}`;
    const bad = err && err.action === action && err.field === name;
    return html`<label for="${id}">${label}</label><input id="${id}" name="${name}" ${attrs}${bad ? html` aria-invalid="true" aria-describedby="${id}-err"` : ''} value="${
      err && err.action === action ? (err.values[name] ?? '') : ''
    }">${bad ? html`<p id="${id}-err" class="error">${err.message}</p>` : ''}`;
  };
  const dates = rescheduleDates(c.nowMs, c.timeZone);
  const dateBad = err?.action === 'reschedule';
  return html`<section class="card" aria-labelledby="h-ndr"><h2 id="h-ndr">What should we do next?</h2><p>Choose one of these by <strong>${formatDateTime(n.deadlineAt, c.timeZone)}</strong>. If we do not hear from you, we will decide with the courier.</p>${
    n.courierNote ? html`<p class="note">The courier’s note: “${n.courierNote}”</p>` : ''
  }${err?.field === 'action' ? html`<p class="error" role="alert">${err.message}</p>` : ''}${form('reattempt', html`<button class="btn">Deliver it again</button>`)}<div class="option">${form(
    'reschedule',
    html`<label for="ndr-date">Or choose a day</label><select id="ndr-date" name="date" required${dateBad ? html` aria-invalid="true" aria-describedby="ndr-date-err"` : ''}>${dates.map(
      (d) => html`<option value="${d.value}">${d.label}</option>`,
    )}</select>${dateBad ? html`<p id="ndr-date-err" class="error">${err.message}</p>` : ''}<button class="btn alt">Deliver on this day</button>`,
  )}</div><details class="option"${err?.action === 'change_address' ? ' open' : ''}><summary>Correct the address</summary>${form(
    'change_address',
    html`${field('change_address', 'address1', 'House or flat number and street', html`required minlength="5" maxlength="200" autocomplete="address-line1"`)}${field(
      'change_address',
      'address2',
      'Area and landmark (optional)',
      html`maxlength="200" autocomplete="address-line2"`,
    )}${field('change_address', 'pincode', 'Pincode (only if it changed)', html`inputmode="numeric" pattern="[1-9][0-9]{5}" maxlength="6" autocomplete="postal-code"`)}<button class="btn alt">Send the corrected address</button>`,
  )}</details><details class="option"${err?.action === 'change_phone' ? ' open' : ''}><summary>Give us another phone number</summary>${form(
    'change_phone',
    html`${field('change_phone', 'phone', 'Mobile number the courier can call', html`type="tel" required maxlength="20" autocomplete="tel"`)}<button class="btn alt">Send the new number</button>`,
  )}</details></section>`;
}
