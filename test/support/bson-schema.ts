// A small evaluator for the $jsonSchema subset src/storage/validators.ts uses, so tests can prove that
// what the repositories write passes the validators MongoDB 7 enforces (FerretDB v1 cannot tell us).
type Schema = {
  bsonType?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  enum?: unknown[];
  items?: Schema;
  minimum?: number;
};

export function bsonSchemaErrors(value: unknown, schema: Schema, path = '$'): string[] {
  const errors: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: not one of ${JSON.stringify(schema.enum)}`);
  if (schema.bsonType && !hasType(value, schema.bsonType)) return [...errors, `${path}: not a ${schema.bsonType}`];
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: below ${schema.minimum}`);
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => errors.push(...bsonSchemaErrors(v, schema.items!, `${path}[${i}]`)));
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in o)) errors.push(`${path}.${r}: required`);
    for (const [k, v] of Object.entries(o)) {
      const p = schema.properties?.[k];
      if (p) errors.push(...bsonSchemaErrors(v, p, `${path}.${k}`));
      else if (schema.additionalProperties === false && k !== '_id') errors.push(`${path}.${k}: not allowed`);
      else if (typeof schema.additionalProperties === 'object') errors.push(...bsonSchemaErrors(v, schema.additionalProperties, `${path}.${k}`));
    }
  }
  return errors;
}

function hasType(v: unknown, t: string): boolean {
  switch (t) {
    case 'object':
      return !!v && typeof v === 'object' && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'bool':
      return typeof v === 'boolean';
    case 'number':
      return typeof v === 'number';
    default:
      throw new Error(`bsonType ${t} not supported by this checker`);
  }
}
