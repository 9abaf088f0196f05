// The courier settings form: which inputs each courier has (read from the API's own validation schemas,
// built from each courier's descriptor, so the console and PUT /api/admin/couriers/:id accept exactly
// the same settings), and the form → PUT body mapping. Secrets are write-only: an empty input keeps the
// stored value, "Clear" removes it, and nothing the browser sent is ever rendered back into a secret input.
import { z } from 'zod';
import { courierFieldsSchema, courierSettingsBodySchema } from '../api/schemas';
import { courierDescriptor } from '../couriers/registry';
import type { CourierId } from '../domain/events';
import { SECRET_FIELDS, type CourierSettingsInput, type SecretField } from '../storage/courier-settings-repo';

export interface FieldSpec {
  name: string;
  label: string;
  /** Choices of an enum field; free text otherwise. */
  options?: readonly string[];
  requiredWhenEnabled: boolean;
}

/** Labels of the fields every courier has; the rest come from the courier's descriptor. */
const COMMON_LABELS: Record<string, string> = { webhookScheme: 'Webhook authentication' };

export function fieldSpecs(c: CourierId): FieldSpec[] {
  const { required, fieldLabels } = courierDescriptor(c).settings;
  return Object.entries(courierFieldsSchema(c).shape as Record<string, z.ZodType>).map(([name, t]) => {
    const inner = t instanceof z.ZodOptional ? (t.unwrap() as z.ZodType) : t;
    return {
      name,
      label: fieldLabels?.[name] ?? COMMON_LABELS[name] ?? name,
      ...(inner instanceof z.ZodEnum ? { options: inner.options as readonly string[] } : {}),
      requiredWhenEnabled: required.includes(name),
    };
  });
}

/** What a secret is for this courier (see DecryptedCourierSettings). */
export function secretLabel(c: CourierId, f: SecretField): string {
  return courierDescriptor(c).settings.secretLabels[f];
}

export interface FormValues {
  enabled: boolean;
  provider: string;
  baseUrl: string;
  fields: Record<string, string>;
}

export type FormErrors = Array<{ field: string; message: string }>;

/** Non-secret values as submitted, to show the form again after an error (secrets are never echoed). */
export function submittedValues(c: CourierId, form: Record<string, unknown>): FormValues {
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const fields: Record<string, string> = {};
  for (const f of fieldSpecs(c)) {
    const v = str(form[`field_${f.name}`]);
    if (v) fields[f.name] = v;
  }
  return { enabled: form.enabled === 'on', provider: str(form.provider) || c, baseUrl: str(form.baseUrl), fields };
}

/** The form as a PUT body, validated by the API's schema for this courier. */
export function parseSettingsForm(c: CourierId, form: Record<string, unknown>): { ok: true; input: CourierSettingsInput } | { ok: false; errors: FormErrors; values: FormValues } {
  const values = submittedValues(c, form);
  const errors: FormErrors = [];
  const apiConfig: Record<string, unknown> = { provider: values.provider, enabled: values.enabled, ...(values.baseUrl ? { baseUrl: values.baseUrl } : {}) };
  for (const f of SECRET_FIELDS) {
    const typed = typeof form[`secret_${f}`] === 'string' ? (form[`secret_${f}`] as string) : '';
    const clear = form[`clear_${f}`] === 'on';
    if (clear && typed) errors.push({ field: `secret_${f}`, message: 'type a new value or tick "Clear", not both' });
    else if (clear) apiConfig[f] = null;
    else if (typed) apiConfig[f] = typed;
  }
  const parsed = courierSettingsBodySchema(c).safeParse({ apiConfig, fields: values.fields });
  if (!parsed.success) errors.push(...parsed.error.issues.map((i) => ({ field: formField(i.path), message: i.message })));
  else if (parsed.data.apiConfig.provider !== c && parsed.data.apiConfig.provider !== 'manual') errors.push({ field: 'provider', message: `must be ${c} or manual` });
  if (errors.length || !parsed.success) return { ok: false, errors, values };
  const { baseUrl, ...rest } = parsed.data.apiConfig;
  return { ok: true, input: { ...rest, ...(baseUrl ? { baseUrl } : {}), fields: parsed.data.fields } };
}

function formField(path: PropertyKey[]): string {
  const [head, name] = path.map(String);
  if (head === 'fields' && name) return `field_${name}`;
  if (head === 'apiConfig' && name) return (SECRET_FIELDS as readonly string[]).includes(name) ? `secret_${name}` : name;
  return 'form';
}
