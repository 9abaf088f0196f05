// Store webhooks: the store's own endpoints that receive store events (signed outbound webhooks). List
// with each endpoint's event types, state and health (an alert when one was disabled automatically, with
// a Re-enable button), add one, rotate its secret, disable, delete; an endpoint's page lists its recent
// deliveries with a Replay button per event and a form to replay a time range. Everything goes through
// the StoreWebhooks service and the API's own request schemas. Secrets go in and are never shown.
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { createEndpointSchema, endpointIdParams, rotateSecretSchema } from '../../api/store-webhook-schemas';
import { STORE_EVENT_TYPES, type StoreEventType } from '../../domain/store-events';
import { localMidnight } from '../../lib/calendar-dates';
import type { DeliveryStatus, StoreEndpointView } from '../../storage/store-endpoints-repo';
import { StoreWebhookError, type DeliveryRow, type StoreWebhooks } from '../../store-webhooks/service';
import type { PageContext } from '../context';
import { postFields, shipmentLink, when } from '../format';
import { html, type Html } from '../html';
import { page } from '../layout';
import type { ConsoleWeb } from '../web';

const SECTION = 'store-webhooks';
const TITLE = 'Store webhooks';
const DELIVERY_ROWS = 50;

/** A reason written when an admin disabled it (the repository's wording); anything else was automatic. */
const byHand = (e: StoreEndpointView) => (e.disabledReason ?? '').startsWith('disabled by ');

type FormErrors = Array<{ field: string; message: string }>;
interface AddRetry {
  values: { url: string; description: string; eventTypes: string[] };
  errors: FormErrors;
}

function errorsOf(issues: z.core.$ZodIssue[]): FormErrors {
  return issues.map((i) => ({ field: String(i.path[0] ?? 'form'), message: i.message }));
}

const formList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);
const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

function notConfigured(w: ConsoleWeb, res: Response): void {
  w.problem(res, 404, TITLE, 'The store integration is not configured in this process.');
}

function eventTypesText(types: readonly StoreEventType[]): Html {
  return types.length === 0 ? html`<span class="muted">every event type</span>` : html`${types.map((t, i) => html`${i ? ', ' : ''}<code>${t}</code>`)}`;
}

function stateBadge(e: StoreEndpointView): Html {
  return e.enabled ? html`<span class="badge badge-ok">enabled</span>` : html`<span class="badge badge-bad">disabled</span>`;
}

function actionForm(ctx: PageContext, e: StoreEndpointView, action: string, label: Html, returnTo: string, cls = ''): Html {
  return html`<form method="post" action="${ctx.base}/store-webhooks/${e.id}/${action}">${postFields(ctx, returnTo)}<button type="submit"${cls ? html` class="${cls}"` : ''}>${label}<span class="vh"> ${e.url}</span></button></form>`;
}

/** The banner of an endpoint that is off: loud when the delivery side turned it off, quiet when an admin did. */
function disabledNotice(ctx: PageContext, e: StoreEndpointView, returnTo: string): Html | '' {
  if (e.enabled) return '';
  const enable = actionForm(ctx, e, 'enable', html`Re-enable`, returnTo);
  return byHand(e)
    ? html`<div class="flash" role="status" data-disabled="manual">Disabled ${when(e.disabledAt, ctx)} (${e.disabledReason ?? ''}). Events meanwhile are skipped; replay them after re-enabling. <div class="actions">${enable}</div></div>`
    : html`<div class="flash flash-error" role="alert" data-disabled="automatic"><strong>Disabled automatically</strong> ${when(e.disabledAt, ctx)}: ${e.disabledReason ?? 'no reason recorded'}. Nothing is sent to it until it is re-enabled; fix the store's endpoint, re-enable it, then replay what it missed. <div class="actions">${enable}</div></div>`;
}

function healthFacts(ctx: PageContext, e: StoreEndpointView): Html {
  const h = e.health;
  return html`<dl class="facts">
    <dt>Last success</dt><dd>${when(h.lastSuccessAt, ctx)}</dd>
    <dt>Failing since</dt><dd>${h.failingSince ? html`<strong>${when(h.failingSince, ctx)}</strong>` : html`<span class="muted">—</span>`}</dd>
    <dt>Last failure</dt><dd>${when(h.lastFailureAt, ctx)}</dd>
    <dt>Last error</dt><dd>${h.lastError ?? html`<span class="muted">—</span>`}</dd>
  </dl>`;
}

function secretsFacts(ctx: PageContext, e: StoreEndpointView): Html {
  return html`<ul class="secrets">${e.secrets.map((s, i) => html`<li>${i === 0 ? 'Current' : 'Previous'} secret <code>${s.id}</code>, added ${when(s.createdAt, ctx)}${s.expiresAt ? html`, still signing until ${when(s.expiresAt, ctx)}` : ''}</li>`)}</ul>`;
}

function rotateForm(ctx: PageContext, e: StoreEndpointView, returnTo: string): Html {
  const id = (n: string) => `${e.id}-${n}`;
  return html`<form method="post" action="${ctx.base}/store-webhooks/${e.id}/rotate" class="settings-form">
  ${postFields(ctx, returnTo)}
  <fieldset><legend>Rotate the signing secret</legend>
  <div class="row"><label for="${id('secret')}">New signing secret</label>
    <input type="password" id="${id('secret')}" name="secret" value="" autocomplete="off" required maxlength="200" aria-describedby="${id('secret-hint')}">
    <span class="hint" id="${id('secret-hint')}">Make one with <code>echo "whsec_$(openssl rand -base64 32)"</code> and give it to the store first.</span></div>
  <div class="row"><label for="${id('overlap')}">Keep the current secret signing for (hours)</label>
    <input type="number" id="${id('overlap')}" name="overlapHours" value="24" min="0" max="336" step="1" inputmode="numeric"></div>
  <button type="submit">Rotate secret<span class="vh"> of ${e.url}</span></button>
  </fieldset>
</form>`;
}

function endpointCard(ctx: PageContext, e: StoreEndpointView): Html {
  const here = `${ctx.base}/store-webhooks`;
  return html`<section class="card" id="endpoint-${e.id}" data-endpoint="${e.id}" aria-labelledby="${e.id}-h">
  <h2 id="${e.id}-h"><a href="${ctx.base}/store-webhooks/${e.id}">${e.url}</a> ${stateBadge(e)}</h2>
  ${e.description ? html`<p>${e.description}</p>` : ''}
  ${disabledNotice(ctx, e, here)}
  <div class="grid2"><div>
  <dl class="facts">
    <dt>Event types</dt><dd>${eventTypesText(e.eventTypes)}</dd>
    <dt>Signing secrets</dt><dd>${secretsFacts(ctx, e)}</dd>
    <dt>Changed</dt><dd>${when(e.updatedAt, ctx)} by ${e.updatedBy}</dd>
  </dl>
  ${healthFacts(ctx, e)}
  <div class="actions">
    <a class="button" href="${ctx.base}/store-webhooks/${e.id}">Deliveries and replays<span class="vh"> of ${e.url}</span></a>
    ${e.enabled ? actionForm(ctx, e, 'disable', html`Disable`, here, 'secondary') : ''}
    ${actionForm(ctx, e, 'delete', html`Delete`, here, 'danger')}
  </div></div>
  ${rotateForm(ctx, e, `${here}#endpoint-${e.id}`)}
  </div>
</section>`;
}

function addForm(ctx: PageContext, retry?: AddRetry): Html {
  const v = retry?.values ?? { url: '', description: '', eventTypes: [] };
  const err = (field: string) => {
    const e = retry?.errors.filter((x) => x.field === field) ?? [];
    return e.length === 0
      ? { attrs: '' as const, text: '' as const }
      : { attrs: html` aria-invalid="true" aria-describedby="add-${field}-err"`, text: html`<span class="errors" id="add-${field}-err">${e.map((x) => x.message).join('; ')}</span>` };
  };
  const url = err('url');
  const description = err('description');
  const types = err('eventTypes');
  const secret = err('secret');
  return html`<section class="card" aria-labelledby="add-h" id="add">
<h2 id="add-h">Add an endpoint</h2>
<form method="post" action="${ctx.base}/store-webhooks" class="settings-form" novalidate>
  ${postFields(ctx, `${ctx.base}/store-webhooks`)}
  ${retry ? html`<div class="flash flash-error" role="alert" tabindex="-1">Not added: ${retry.errors.length} problem${retry.errors.length === 1 ? '' : 's'} below.${retry.errors.filter((e) => e.field === 'form').map((e) => html` ${e.message}`)}</div>` : ''}
  <div class="row"><label for="add-url">URL</label><input type="url" id="add-url" name="url" value="${v.url}" required maxlength="2000" placeholder="https://shop.example.in/webhooks/waybill"${url.attrs}>${url.text}</div>
  <div class="row"><label for="add-description">Description <span class="hint">(optional)</span></label><input type="text" id="add-description" name="description" value="${v.description}" maxlength="200"${description.attrs}>${description.text}</div>
  <fieldset${types.attrs}><legend>Event types <span class="hint">(none ticked: every type, including ones added later)</span></legend>
    ${STORE_EVENT_TYPES.map((t) => html`<label class="check"><input type="checkbox" name="eventTypes" value="${t}"${v.eventTypes.includes(t) ? html` checked` : ''}> <code>${t}</code></label>`)}
    ${types.text}
  </fieldset>
  <div class="row"><label for="add-secret">Signing secret</label>
    <input type="password" id="add-secret" name="secret" value="" autocomplete="off" required maxlength="200" aria-describedby="add-secret-hint"${secret.attrs}>
    <span class="hint" id="add-secret-hint">The store checks every event's signature with it (Standard Webhooks). Make one with <code>echo "whsec_$(openssl rand -base64 32)"</code> (<code>whsec_</code> followed by 32 random bytes in base64), give it to the store, paste it here. It is stored encrypted and never shown again.</span>${secret.text}</div>
  <button type="submit">Add endpoint</button>
</form></section>`;
}

async function renderList(w: ConsoleWeb, res: Response, sw: StoreWebhooks, status: number, retry?: AddRetry): Promise<void> {
  const ctx = w.ctx(res);
  const endpoints = await sw.list();
  const auto = endpoints.filter((e) => !e.enabled && !byHand(e));
  const body = html`<p>The store's own system receives every store event it subscribes to as a signed webhook (retried for up to 3 days; an endpoint answering 410, or failing for days, is disabled). The store can also catch up with <code>GET /api/events</code>.</p>
${auto.length ? html`<div class="flash flash-error" role="alert" id="disabled-summary">${auto.length} endpoint${auto.length === 1 ? ' was' : 's were'} disabled automatically: ${auto.map((e, i) => html`${i ? ', ' : ''}<a href="#endpoint-${e.id}">${e.url}</a>`)}.</div>` : ''}
${endpoints.length === 0 ? html`<p class="card">No endpoints yet: the store receives no webhooks.</p>` : endpoints.map((e) => endpointCard(ctx, e))}
${addForm(ctx, retry)}`;
  w.render(res, status, page(ctx, { title: TITLE, section: SECTION, body }));
}

// ---------------------------------------------------------------------------------------------------
// One endpoint: its deliveries and replays.

const DELIVERY_BADGE: Record<DeliveryStatus, string> = { delivered: 'ok', pending: 'info', failed: 'bad', gone: 'bad', skipped: 'warn' };

function deliveryRow(ctx: PageContext, e: StoreEndpointView, r: DeliveryRow, here: string): Html {
  const d = r.delivery;
  return html`<tr data-event="${r.event.id}">
  <th scope="row"><code>${r.event.id}</code><br><span class="muted">${when(r.event.recordedAt, ctx)}</span></th>
  <td><code>${r.event.type}</code></td>
  <td>${shipmentLink(ctx, r.event.orderId)}</td>
  <td>${d ? html`<span class="badge badge-${DELIVERY_BADGE[d.status]}">${d.status}</span>${d.replays ? html`<br><span class="muted">replayed ${d.replays}×</span>` : ''}` : html`<span class="muted">not sent</span>`}</td>
  <td class="num">${d ? d.attempts : ''}</td>
  <td>${d?.lastStatusCode !== undefined ? html`HTTP ${d.lastStatusCode}` : ''}${d?.lastError && d.lastError !== `HTTP ${d.lastStatusCode}` ? html`${d.lastStatusCode !== undefined ? html`<br>` : ''}<span class="muted">${d.lastError}</span>` : ''}${d ? html`<br>${when(d.lastAttemptAt, ctx)}` : ''}</td>
  <td class="num">${d?.lastLatencyMs !== undefined ? `${d.lastLatencyMs} ms` : ''}</td>
  <td><form method="post" action="${ctx.base}/store-webhooks/${e.id}/replay">${postFields(ctx, here)}<input type="hidden" name="eventId" value="${r.event.id}"><button type="submit" class="secondary">Replay<span class="vh"> event ${r.event.id}</span></button></form></td>
</tr>`;
}

function rangeForm(ctx: PageContext, e: StoreEndpointView, here: string): Html {
  return html`<section class="card" aria-labelledby="range-h"><h2 id="range-h">Replay a time range</h2>
<form method="post" action="${ctx.base}/store-webhooks/${e.id}/replay" class="filters">
  ${postFields(ctx, here)}
  <div class="field"><label for="range-from">From</label><input type="datetime-local" id="range-from" name="from" required></div>
  <div class="field"><label for="range-to">To</label><input type="datetime-local" id="range-to" name="to" required></div>
  <button type="submit">Replay the range</button>
</form>
<p class="hint">Times in ${ctx.timeZone}, by when Waybill recorded the events. Every event in the range is delivered again in the order it happened (at most 10,000; events are kept 30 days), even ones delivered before and even while the endpoint is disabled; the store dedupes on the event id.</p>
</section>`;
}

async function renderEndpoint(w: ConsoleWeb, res: Response, sw: StoreWebhooks, id: string): Promise<void> {
  const ctx = w.ctx(res);
  let e: StoreEndpointView;
  try {
    e = await sw.get(id);
  } catch (err) {
    if (err instanceof StoreWebhookError && err.kind === 'not_found') return w.problem(res, 404, 'No such endpoint', 'That store webhook endpoint does not exist (it may have been deleted).');
    throw err;
  }
  const rows = await sw.deliveries(id, DELIVERY_ROWS);
  const here = `${ctx.base}/store-webhooks/${e.id}`;
  const body = html`<p><a href="${ctx.base}/store-webhooks">All store webhooks</a></p>
<section class="card" data-endpoint="${e.id}" aria-labelledby="ep-h">
  <h2 id="ep-h">${e.url} ${stateBadge(e)}</h2>
  ${disabledNotice(ctx, e, here)}
  <dl class="facts"><dt>Event types</dt><dd>${eventTypesText(e.eventTypes)}</dd></dl>
  ${healthFacts(ctx, e)}
</section>
${
  rows.length === 0
    ? html`<p class="card">No store events recorded yet.</p>`
    : html`<div class="table-wrap"><table>
<caption>The ${rows.length} newest store events and their delivery to this endpoint</caption>
<thead><tr><th scope="col">Event</th><th scope="col">Type</th><th scope="col">Order</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col">Latency</th><th scope="col">Action</th></tr></thead>
<tbody>${rows.map((r) => deliveryRow(ctx, e, r, here))}</tbody></table></div>`
}
${rangeForm(ctx, e, here)}`;
  w.render(res, 200, page(ctx, { title: `Store webhook ${e.url}`, section: SECTION, body }));
}

/** `YYYY-MM-DDTHH:MM[:SS]` on the store's wall clock → ISO UTC. */
export function wallTimeToIso(local: string, timeZone: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return undefined;
  try {
    const t = localMidnight(m[1]!, timeZone) + Number(m[2]) * 3_600_000 + Number(m[3]) * 60_000 + Number(m[4] ?? 0) * 1000;
    return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
  } catch {
    return undefined;
  }
}

export function mountStoreWebhooks(r: Router, w: ConsoleWeb): void {
  /** The service and the endpoint id of a POST, or an answer already sent. */
  const target = (req: Request, res: Response): { sw: StoreWebhooks; id: string } | undefined => {
    const sw = w.d.storeWebhooks;
    if (!sw) return void notConfigured(w, res);
    const p = endpointIdParams.safeParse(req.params);
    if (!p.success) return void w.problem(res, 404, 'No such endpoint', 'That is not a store webhook endpoint id.');
    return { sw, id: p.data.id };
  };
  /** Runs a change; a missing endpoint or a refused change becomes an error flash, then back. */
  const change = async (req: Request, res: Response, fallback: string, fn: () => Promise<string>) => {
    const back = w.safeReturn((req.body as Record<string, unknown>).returnTo, fallback);
    try {
      w.flash(req, res, { kind: 'ok', text: await fn() });
    } catch (e) {
      if (!(e instanceof StoreWebhookError)) throw e;
      w.flash(req, res, { kind: 'error', text: e.message });
    }
    w.redirect(res, back);
  };
  const list = `${w.base}/store-webhooks`;

  r.get('/store-webhooks', async (_req, res) => {
    if (!w.d.storeWebhooks) return notConfigured(w, res);
    await renderList(w, res, w.d.storeWebhooks, 200);
  });

  r.post('/store-webhooks', async (req, res) => {
    const sw = w.d.storeWebhooks;
    if (!sw) return notConfigured(w, res);
    const body = req.body as Record<string, unknown>;
    const values = { url: str(body.url), description: str(body.description), eventTypes: formList(body.eventTypes) };
    const parsed = createEndpointSchema.safeParse({ url: values.url, ...(values.description ? { description: values.description } : {}), eventTypes: values.eventTypes, secret: str(body.secret) });
    // Refused: the form again with what was typed, except the secret.
    if (!parsed.success) return renderList(w, res, sw, 400, { values, errors: errorsOf(parsed.error.issues) });
    const actor = w.session(res).actor;
    const e = await sw.create({ url: parsed.data.url, eventTypes: parsed.data.eventTypes, secret: parsed.data.secret, ...(parsed.data.description ? { description: parsed.data.description } : {}) }, actor);
    w.d.log.info({ endpointId: e.id, actor }, 'ops console: store webhook endpoint added');
    w.flash(req, res, { kind: 'ok', text: `Endpoint ${e.url} added.` });
    w.redirect(res, `${list}#endpoint-${e.id}`);
  });

  r.get('/store-webhooks/:id', async (req, res) => {
    const sw = w.d.storeWebhooks;
    if (!sw) return notConfigured(w, res);
    const p = endpointIdParams.safeParse(req.params);
    if (!p.success) return w.problem(res, 404, 'No such endpoint', 'That is not a store webhook endpoint id.');
    await renderEndpoint(w, res, sw, p.data.id);
  });

  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    r.post(`/store-webhooks/:id/${action}`, async (req, res) => {
      const t = target(req, res);
      if (!t) return;
      await change(req, res, list, async () => {
        const e = await t.sw.update(t.id, { enabled }, w.session(res).actor);
        w.d.log.info({ endpointId: t.id, actor: w.session(res).actor }, `ops console: store webhook endpoint ${action}d`);
        return enabled ? `Endpoint ${e.url} re-enabled. Replay what it missed from its deliveries page.` : `Endpoint ${e.url} disabled.`;
      });
    });
  }

  r.post('/store-webhooks/:id/rotate', async (req, res) => {
    const t = target(req, res);
    if (!t) return;
    const body = req.body as Record<string, unknown>;
    const overlap = str(body.overlapHours);
    const parsed = rotateSecretSchema.safeParse({ secret: str(body.secret), ...(overlap ? { overlapHours: Number(overlap) } : {}) });
    if (!parsed.success) {
      w.flash(req, res, { kind: 'error', text: `Secret not rotated: ${parsed.error.issues.map((i) => i.message).join('; ')}.` });
      return w.redirect(res, w.safeReturn(body.returnTo, list));
    }
    await change(req, res, list, async () => {
      const e = await t.sw.rotateSecret(t.id, parsed.data.secret, parsed.data.overlapHours, w.session(res).actor);
      w.d.log.info({ endpointId: t.id, actor: w.session(res).actor }, 'ops console: store webhook secret rotated');
      return parsed.data.overlapHours > 0 ? `New secret for ${e.url}; the previous one keeps signing for ${parsed.data.overlapHours} h.` : `New secret for ${e.url}; the previous one no longer signs.`;
    });
  });

  r.post('/store-webhooks/:id/delete', async (req, res) => {
    const t = target(req, res);
    if (!t) return;
    await change(req, res, list, async () => {
      const e = await t.sw.get(t.id);
      await t.sw.remove(t.id);
      w.d.log.info({ endpointId: t.id, actor: w.session(res).actor }, 'ops console: store webhook endpoint deleted');
      return `Endpoint ${e.url} deleted.`;
    });
  });

  r.post('/store-webhooks/:id/replay', async (req, res) => {
    const t = target(req, res);
    if (!t) return;
    const body = req.body as Record<string, unknown>;
    const here = `${list}/${t.id}`;
    const eventId = str(body.eventId);
    let what: { eventId: string } | { from: string; to: string };
    if (eventId) what = { eventId: eventId.slice(0, 200) };
    else {
      const from = wallTimeToIso(str(body.from), w.d.timeZone);
      const to = wallTimeToIso(str(body.to), w.d.timeZone);
      if (!from || !to) {
        w.flash(req, res, { kind: 'error', text: 'Nothing replayed: give both a start and an end time.' });
        return w.redirect(res, w.safeReturn(body.returnTo, here));
      }
      what = { from, to };
    }
    await change(req, res, here, async () => {
      const out = await t.sw.replay(t.id, what);
      w.d.log.info({ endpointId: t.id, events: out.events, replayId: out.replayId, actor: w.session(res).actor }, 'ops console: store events replayed');
      if (out.events === 0) return 'No events were recorded in that range: nothing replayed.';
      return 'eventId' in what ? `Replay of ${what.eventId} started.` : `Replay of ${out.events} event${out.events === 1 ? '' : 's'} started.`;
    });
  });
}
