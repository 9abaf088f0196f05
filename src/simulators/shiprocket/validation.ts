// Request validation the way Shiprocket (a Laravel app) reports it: 422
// {"message": ..., "errors": {"field": ["The field ... ."]}, "status_code": 422} (couriers.md §1.3).
export type FieldErrors = Record<string, string[]>;

export function validationEnvelope(errors: FieldErrors, message?: string): { message: string; errors: FieldErrors; status_code: 422 } {
  const first = Object.values(errors)[0]?.[0];
  return { message: message ?? (Object.keys(errors).length > 1 ? 'Required field missing' : (first ?? 'Invalid data')), errors, status_code: 422 };
}

const human = (field: string) => field.replace(/_/g, ' ').replace(/\.(\d+)\./g, ' $1 ');

export class Checker {
  readonly errors: FieldErrors = {};
  constructor(private readonly body: Record<string, unknown>) {}

  private fail(field: string, message: string): void {
    (this.errors[field] ??= []).push(message);
  }

  has(field: string): boolean {
    const v = this.body[field];
    return v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');
  }

  required(...fields: string[]): this {
    for (const f of fields) if (!this.has(f)) this.fail(f, `The ${human(f)} field is required.`);
    return this;
  }

  maxLength(field: string, max: number): this {
    const v = this.body[field];
    if (this.has(field) && String(v).length > max) this.fail(field, `The ${human(field)} may not be greater than ${max} characters.`);
    return this;
  }

  digits(field: string, n: number): this {
    const v = this.body[field];
    if (this.has(field) && !new RegExp(`^\\d{${n}}$`).test(String(v))) this.fail(field, `The ${human(field)} must be ${n} digits.`);
    return this;
  }

  email(field: string): this {
    const v = this.body[field];
    if (this.has(field) && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(v))) this.fail(field, `The ${human(field)} must be a valid email address.`);
    return this;
  }

  oneOf(field: string, values: readonly unknown[]): this {
    if (this.has(field) && !values.includes(this.body[field])) this.fail(field, `The selected ${human(field)} is invalid.`);
    return this;
  }

  /** Numbers may arrive as numeric strings. */
  greaterThan(field: string, min: number): this {
    if (!this.has(field)) return this;
    const n = Number(this.body[field]);
    if (!Number.isFinite(n) || n <= min) this.fail(field, `The ${human(field)} must be greater than ${min}.`);
    return this;
  }

  custom(field: string, ok: boolean, message: string): this {
    if (!ok) this.fail(field, message);
    return this;
  }

  get ok(): boolean {
    return Object.keys(this.errors).length === 0;
  }
}

/** `shipping_is_billing` accepts true/1/'true'/'1' and false/0/'false'/'0' (§1.12 #7). */
export function truthy(v: unknown): boolean | undefined {
  if (v === true || v === 1 || v === '1' || v === 'true') return true;
  if (v === false || v === 0 || v === '0' || v === 'false') return false;
  return undefined;
}
