import { z } from 'zod';
import { unwrapSchema } from '../../src/cli/config-keys.js';

/** The placeholder a record's keys get in a dotted key (a skill's name in `skills.NAME.maxAgeMs`), as listConfigKeys writes it. */
const RECORD_KEY = 'NAME';

/** Every dotted path an object tree must show, following `example` into records and skipping nulls (documented apart). */
export function listMissingKeys(schema: z.ZodType, example: unknown, prefix = ''): string[] {
  const { inner } = unwrapSchema(schema);
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

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}
