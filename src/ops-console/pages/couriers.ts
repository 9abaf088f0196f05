// Courier settings: enable/disable, provider, base URL, courier fields, credentials (write-only: the
// page says only "set" or "not set"), and the webhook URL and authentication to paste into the courier's
// dashboard. Saved through the same repository and validation as PUT /api/admin/couriers/:courierId.
import type { Request, Response, Router } from 'express';
import type { CourierId } from '../../domain/events';
import { courierIds } from '../../couriers/registry';
import { SECRET_FIELDS, type CourierSettingsView } from '../../storage/courier-settings-repo';
import { webhookSetup, type WebhookSetup } from '../../webhooks/endpoints';
import type { PageContext } from '../context';
import { fieldSpecs, parseSettingsForm, secretLabel, type FormErrors, type FormValues } from '../courier-form';
import { courierName, when } from '../format';
import { html, type Html } from '../html';
import { page } from '../layout';
import type { ConsoleWeb } from '../web';

interface CourierCard {
  courier: CourierId;
  view: CourierSettingsView | null;
  setup: WebhookSetup;
  /** After a refused save: what was submitted (never secrets) and why it was refused. */
  retry?: { values: FormValues; errors: FormErrors };
}

function errorFor(c: CourierCard, field: string): { attrs: Html | ''; text: Html | '' } {
  const e = c.retry?.errors.filter((x) => x.field === field) ?? [];
  if (e.length === 0) return { attrs: '', text: '' };
  const id = `${c.courier}-${field}-err`;
  return { attrs: html` aria-invalid="true" aria-describedby="${id}"`, text: html`<span class="errors" id="${id}">${e.map((x) => x.message).join('; ')}</span>` };
}

function settingsForm(ctx: PageContext, c: CourierCard): Html {
  const id = (n: string) => `${c.courier}-${n}`;
  const v: FormValues = c.retry?.values ?? {
    enabled: c.view?.apiConfig.enabled ?? false,
    provider: c.view?.apiConfig.provider ?? c.courier,
    baseUrl: c.view?.apiConfig.baseUrl ?? '',
    fields: c.view?.fields ?? {},
  };
  const generalErrors = c.retry?.errors.filter((e) => e.field === 'form') ?? [];
  const baseUrlErr = errorFor(c, 'baseUrl');
  const providerErr = errorFor(c, 'provider');
  return html`<form method="post" action="${ctx.base}/couriers/${c.courier}" class="settings-form" novalidate>
  <input type="hidden" name="_csrf" value="${ctx.session.csrf}">
  ${c.retry ? html`<div class="flash flash-error" role="alert" tabindex="-1" id="${id('errors')}">Not saved: ${c.retry.errors.length} problem${c.retry.errors.length === 1 ? '' : 's'} below.${generalErrors.map((e) => html` ${e.message}`)}</div>` : ''}
  <fieldset><legend>Account</legend>
    <div class="row"><label class="check"><input type="checkbox" name="enabled" id="${id('enabled')}"${v.enabled ? html` checked` : ''}> Enabled (book and track with ${courierName(c.courier)})</label></div>
    <div class="row"><label for="${id('provider')}">Provider</label>
      <select id="${id('provider')}" name="provider"${providerErr.attrs}>
        <option value="${c.courier}"${v.provider === c.courier ? html` selected` : ''}>${courierName(c.courier)} API</option>
        <option value="manual"${v.provider === 'manual' ? html` selected` : ''}>Manual (statuses set by hand)</option>
      </select>${providerErr.text}</div>
    <div class="row"><label for="${id('baseUrl')}">API base URL <span class="hint">(optional; the courier's production URL when empty)</span></label>
      <input type="url" id="${id('baseUrl')}" name="baseUrl" value="${v.baseUrl}"${baseUrlErr.attrs}>${baseUrlErr.text}</div>
  </fieldset>
  <fieldset><legend>Credentials (write-only)</legend>
    <p class="hint">Stored encrypted and never shown again. Leave a box empty to keep what is stored.</p>
    ${SECRET_FIELDS.map((f) => {
      const state = c.view?.apiConfig[f];
      const err = errorFor(c, `secret_${f}`);
      const stateText = state?.set ? `set (key ${state.keyId}${state.needsRotation ? ', needs rotation' : ''})` : 'not set';
      return html`<div class="row"><label for="${id(f)}">${secretLabel(c.courier, f)} <span class="hint" data-secret-state="${f}">· currently ${stateText}</span></label>
      <input type="password" id="${id(f)}" name="secret_${f}" value="" autocomplete="new-password" maxlength="1000" placeholder="${state?.set ? 'leave empty to keep' : ''}"${err.attrs}>${err.text}
      ${state?.set ? html`<label class="check"><input type="checkbox" name="clear_${f}"> Clear the stored value</label>` : ''}</div>`;
    })}
  </fieldset>
  <fieldset><legend>${courierName(c.courier)} settings</legend>
    ${fieldSpecs(c.courier).map((f) => {
      const err = errorFor(c, `field_${f.name}`);
      const value = v.fields[f.name] ?? '';
      const label = html`<label for="${id(f.name)}">${f.label}${f.requiredWhenEnabled ? html` <span class="hint">(required when enabled)</span>` : ''}</label>`;
      const input = f.options
        ? html`<select id="${id(f.name)}" name="field_${f.name}"${err.attrs}><option value="">Default</option>${f.options.map((o) => html`<option value="${o}"${value === o ? html` selected` : ''}>${o}</option>`)}</select>`
        : html`<input type="text" id="${id(f.name)}" name="field_${f.name}" value="${value}"${err.attrs}>`;
      return html`<div class="row">${label}${input}${err.text}</div>`;
    })}
  </fieldset>
  <button type="submit">Save ${courierName(c.courier)} settings</button>
  ${c.view ? html`<p class="hint">Last saved ${when(c.view.updatedAt, ctx)} by ${c.view.updatedBy}.</p>` : html`<p class="hint">Nothing saved yet.</p>`}
</form>`;
}

function webhookCard(c: CourierCard): Html {
  const s = c.setup;
  return html`<section class="card" aria-labelledby="${c.courier}-wh"><h3 id="${c.courier}-wh">Webhook to paste into ${courierName(c.courier)}</h3>
  ${s.urls.map((u, i) => {
    const id = `${c.courier}-url-${i}`;
    return html`<label for="${id}">${u.purpose}</label><div class="copy-row"><input id="${id}" type="text" readonly value="${u.url}"><button type="button" class="secondary" data-copy="${id}" hidden>Copy<span class="vh"> ${u.purpose} URL</span></button></div>`;
  })}
  <dl class="facts">
    <dt>Authentication</dt><dd>${s.auth.scheme}${s.auth.header ? html` · header <code>${s.auth.header}</code>` : ''}${s.auth.bodyField ? html` · body field <code>${s.auth.bodyField}</code>` : ''}</dd>
    <dt>Value</dt><dd>${s.auth.value}</dd>
    <dt>Secret stored</dt><dd>${s.auth.configured ? 'yes' : html`<strong>no</strong>`}</dd>
  </dl>
  ${s.problems.length ? html`<ul class="errors">${s.problems.map((p) => html`<li>${p}</li>`)}</ul>` : ''}
  <p class="hint">${s.instructions}</p>
</section>`;
}

async function cards(w: ConsoleWeb, retry?: { courier: CourierId; values: FormValues; errors: FormErrors }): Promise<CourierCard[]> {
  return Promise.all(
    courierIds().map(async (courier) => ({
      courier,
      view: await w.d.courierSettings.getView(courier),
      setup: webhookSetup(courier, w.d.publicBaseUrl, await w.d.webhookSettings(courier)),
      ...(retry?.courier === courier ? { retry: { values: retry.values, errors: retry.errors } } : {}),
    })),
  );
}

function render(w: ConsoleWeb, res: Response, status: number, list: CourierCard[]): void {
  const ctx = w.ctx(res);
  const body = html`<p>Each courier's account, credentials and webhook. A disabled courier books nothing; its shipments in flight keep syncing.</p>
${list.map(
  (c) => html`<section id="courier-${c.courier}" class="card" aria-labelledby="${c.courier}-h">
  <h2 id="${c.courier}-h">${courierName(c.courier)} ${c.view ? (c.view.apiConfig.enabled ? html`<span class="badge badge-ok">enabled</span>` : html`<span class="badge badge-warn">disabled</span>`) : html`<span class="badge badge-info">not configured</span>`}</h2>
  <div class="grid2">${settingsForm(ctx, c)}${webhookCard(c)}</div>
</section>`,
)}`;
  w.render(res, status, page(ctx, { title: 'Courier settings', section: 'couriers', body }));
}

export function mountCouriers(r: Router, w: ConsoleWeb): void {
  r.get('/couriers', async (_req, res) => render(w, res, 200, await cards(w)));

  r.post('/couriers/:courierId', async (req: Request, res: Response) => {
    const courier = courierIds().find((c) => c === req.params.courierId);
    if (!courier) return w.problem(res, 404, 'No such courier', 'Unknown courier.');
    const form = parseSettingsForm(courier, req.body as Record<string, unknown>);
    if (!form.ok) return render(w, res, 400, await cards(w, { courier, values: form.values, errors: form.errors }));
    await w.d.courierSettings.put(courier, form.input, w.session(res).actor);
    w.d.log.info({ courier, actor: w.session(res).actor }, 'ops console: courier settings saved');
    w.flash(req, res, { kind: 'ok', text: `${courierName(courier)} settings saved.` });
    w.redirect(res, `${w.base}/couriers#courier-${courier}`);
  });
}
