// Turns a message's facts (what the workflow captured when the milestone happened) into the formatted
// values its templates print. Facts the event requires but the message lacks fail here, before any
// template runs, with the names of the missing facts (never their values).
import { findCourier } from '../../couriers/registry';
import type { NotificationEvent } from '../../storage/types';
import { variablesFor, type VariableSpec } from '../catalog';
import { NotificationError } from '../errors';
import type { TemplateValues } from './compile';

export type Facts = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Brand {
  storeName: string;
  supportEmail?: string;
  supportPhone?: string;
}

export interface ValueContext {
  brand: Brand;
  /** IANA zone dates are shown in (the store's, Asia/Kolkata for an Indian store). */
  timeZone: string;
}

export function templateValues(event: NotificationEvent, orderId: string, facts: Facts, ctx: ValueContext): TemplateValues {
  const source: Facts = { ...facts, orderId, storeName: ctx.brand.storeName, supportEmail: ctx.brand.supportEmail, supportPhone: ctx.brand.supportPhone };
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, spec] of Object.entries(variablesFor(event))) {
    const keys = spec.from ?? [name];
    const key = keys.find((k) => source[k] !== undefined && source[k] !== '');
    const formatted = key === undefined ? undefined : format(spec, source[key]!, key, ctx);
    if (formatted !== undefined && formatted !== '') values[name] = formatted;
    else if (spec.required) missing.push(keys.join(' or '));
  }
  if (missing.length) {
    throw new NotificationError('permanent', 'template_data', `${event}: the message lacks ${missing.join(', ')}`, { provider: 'template' });
  }
  return values;
}

function format(spec: VariableSpec, value: string | number | boolean, key: string, ctx: ValueContext): string | undefined {
  switch (spec.kind) {
    case 'flag':
      return value === true || value === 'true' ? 'yes' : undefined;
    case 'url':
      return httpUrl(String(value), key);
    case 'courier':
      return findCourier(String(value))?.displayName ?? String(value).trim();
    case 'datetime':
    case 'date':
      return formatDate(String(value), spec.kind, ctx.timeZone);
    case 'text':
      return String(value).trim();
  }
}

/** Only http(s): the value lands in an href, where `javascript:` would run in the reader's mail client. */
function httpUrl(value: string, key: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new NotificationError('permanent', 'template_data', `fact ${key} is not a URL`, { provider: 'template' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new NotificationError('permanent', 'template_data', `fact ${key} is not an http(s) URL`, { provider: 'template' });
  }
  return url.toString();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatDate(value: string, kind: 'date' | 'datetime', timeZone: string): string {
  const t = Date.parse(value);
  // A courier's odd date string is still better shown as is than a notification lost over formatting.
  if (Number.isNaN(t)) return value.trim();
  const key = `${kind}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-IN', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      ...(kind === 'datetime' ? { hour: 'numeric', minute: '2-digit', hour12: true } : {}),
    });
    formatters.set(key, f);
  }
  // Some ICU versions put a narrow no-break space before am/pm: the same words on every Node build.
  return f.format(t).replace(/[\u202f\u00a0]/g, ' ');
}
