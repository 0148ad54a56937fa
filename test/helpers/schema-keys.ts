import { z } from 'zod';

/** A leaf of a zod object tree: its dotted key (`health.intervalMs`, `skills.NAME.maxAgeMs`) and its default, if any. */
export interface SchemaKey {
  key: string;
  hasDefault: boolean;
  defaultValue: unknown;
}

/** The placeholder a record's keys get in a dotted key (a skill's name in `skills.NAME.maxAgeMs`). */
export const RECORD_KEY = 'NAME';

/** Walks a zod schema's object shapes recursively; a key whose value is not an object (or a record of objects) is a leaf. */
export function listSchemaKeys(schema: z.ZodType, prefix = ''): SchemaKey[] {
  const { inner, hasDefault, defaultValue } = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([name, child]) => listSchemaKeys(child, join(prefix, name)));
  }
  if (inner instanceof z.ZodRecord && unwrap(inner.valueType as z.ZodType).inner instanceof z.ZodObject) {
    return listSchemaKeys(inner.valueType as z.ZodType, join(prefix, RECORD_KEY));
  }
  return [{ key: prefix, hasDefault, defaultValue }];
}

/** Every dotted path an object tree must show, following `example` into records and skipping nulls (documented apart). */
export function listMissingKeys(schema: z.ZodType, example: unknown, prefix = ''): string[] {
  const { inner } = unwrap(schema);
  if (example === null || example === undefined || typeof example !== 'object') return [];
  if (inner instanceof z.ZodObject) {
    const record = example as Record<string, unknown>;
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([name, child]) =>
      name in record ? listMissingKeys(child, record[name], join(prefix, name)) : [join(prefix, name)],
    );
  }
  if (inner instanceof z.ZodRecord) {
    const entries = Object.entries(example as Record<string, unknown>);
    if (entries.length === 0) return [join(prefix, RECORD_KEY)];
    return entries.flatMap(([name, value]) => listMissingKeys(inner.valueType as z.ZodType, value, join(prefix, name)));
  }
  return [];
}

function unwrap(schema: z.ZodType): { inner: z.ZodType; hasDefault: boolean; defaultValue: unknown } {
  let inner = schema;
  let hasDefault = false;
  let defaultValue: unknown;
  for (;;) {
    if (inner instanceof z.ZodDefault) {
      hasDefault = true;
      defaultValue = inner.def.defaultValue;
      inner = inner.def.innerType as z.ZodType;
    } else if (inner instanceof z.ZodPrefault || inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) {
      inner = inner.def.innerType as z.ZodType;
    } else if (inner instanceof z.ZodPipe) {
      inner = inner.def.in as z.ZodType;
    } else {
      return { inner, hasDefault, defaultValue };
    }
  }
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}
