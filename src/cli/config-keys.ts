import { z } from 'zod';

/** A leaf of the config schema: its dotted key (`health.intervalMs`, `skills.NAME.maxAgeMs`) and its default, if any. */
export interface ConfigKey {
  key: string;
  hasDefault: boolean;
  defaultValue: unknown;
}

/** Walks a zod schema's object shapes; a key whose value is not an object (or a record of objects) is a leaf. */
export function listConfigKeys(schema: z.ZodType, prefix = ''): ConfigKey[] {
  const { inner, hasDefault, defaultValue } = unwrapSchema(schema);
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([name, child]) => listConfigKeys(child, join(prefix, name)));
  }
  if (inner instanceof z.ZodRecord && unwrapSchema(inner.valueType as z.ZodType).inner instanceof z.ZodObject) {
    return listConfigKeys(inner.valueType as z.ZodType, join(prefix, 'NAME'));
  }
  return [{ key: prefix, hasDefault, defaultValue }];
}

const join = (prefix: string, name: string): string => (prefix === '' ? name : `${prefix}.${name}`);

/** A schema without its default, optional, nullable and pipe wrappers, and the default it had. */
export function unwrapSchema(schema: z.ZodType): { inner: z.ZodType; hasDefault: boolean; defaultValue: unknown } {
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
