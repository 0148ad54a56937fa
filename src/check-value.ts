// The checks the daemon runs on every request and skill record, without zod: zod and the schemas built with it are
// about 8 MiB of the daemon's heap, so only the config loader (a short-lived child of the daemon) and clawctl use it.
// Pure. Messages say what was expected and what was found; the caller adds where.

export type KeyPath = (string | number)[];
export type Checked<T> = { ok: true; value: T } | { ok: false; path: KeyPath; message: string };
export interface Check<T> {
  (value: unknown, path: KeyPath): Checked<T>;
  /** Present on checks a missing key may skip (optional, withDefault): what the key then holds. */
  readonly whenMissing?: () => Checked<T>;
}
export type CheckedType<C> = C extends Check<infer T> ? T : never;

const pass = <T>(value: T): Checked<T> => ({ ok: true, value });
const failAt = (path: KeyPath, message: string): Checked<never> => ({ ok: false, path, message });

function describeFound(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

export function aString(limits: { minLength?: number; maxLength?: number; pattern?: RegExp; patternHint?: string } = {}): Check<string> {
  const { minLength = 0, maxLength = Number.POSITIVE_INFINITY, pattern, patternHint } = limits;
  return (value, path) => {
    if (typeof value !== 'string') return failAt(path, `expected a string, found ${describeFound(value)}`);
    if (value.length < minLength) return failAt(path, `expected at least ${minLength} characters, found ${value.length}`);
    if (value.length > maxLength) return failAt(path, `expected at most ${maxLength} characters, found ${value.length}`);
    if (pattern && !pattern.test(value)) return failAt(path, patternHint ?? `does not match ${pattern.source}`);
    return pass(value);
  };
}

export function anInteger(limits: { min?: number; max?: number } = {}): Check<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = limits;
  return (value, path) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return failAt(path, `expected a number, found ${describeFound(value)}`);
    if (!Number.isSafeInteger(value)) return failAt(path, `expected an integer, found ${value}`);
    if (value < min) return failAt(path, `expected a number >= ${min}, found ${value}`);
    if (value > max) return failAt(path, `expected a number <= ${max}, found ${value}`);
    return pass(value);
  };
}

export const aBoolean: Check<boolean> = (value, path) => (typeof value === 'boolean' ? pass(value) : failAt(path, `expected true or false, found ${describeFound(value)}`));

// An ISO 8601 time with a zone (Z or ±hh:mm), as new Date().toISOString() writes it; the date must exist.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;
export const anIsoTime: Check<string> = (value, path) => {
  if (typeof value !== 'string') return failAt(path, `expected an ISO time, found ${describeFound(value)}`);
  if (!ISO_TIME.test(value) || Number.isNaN(Date.parse(value))) return failAt(path, `expected an ISO time such as 2026-12-01T09:00:00.000Z, found ${JSON.stringify(value.slice(0, 40))}`);
  return pass(value);
};

export function oneOf<const T extends readonly string[]>(values: T): Check<T[number]> {
  return (value, path) =>
    typeof value === 'string' && values.includes(value) ? pass(value as T[number]) : failAt(path, `expected one of ${values.join(', ')}, found ${typeof value === 'string' ? JSON.stringify(value.slice(0, 64)) : describeFound(value)}`);
}

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (value, path) => (value === null ? pass(null) : check(value, path));
}

/** A key that may be left out (undefined stays undefined). */
export function optional<T>(check: Check<T>): Check<T | undefined> {
  return Object.assign((value: unknown, path: KeyPath) => (value === undefined ? pass(undefined) : check(value, path)), { whenMissing: () => pass(undefined) });
}

/** A key that may be left out: it then holds `fallback`. */
export function withDefault<T>(check: Check<T>, fallback: T): Check<T> {
  return Object.assign((value: unknown, path: KeyPath) => (value === undefined ? pass(fallback) : check(value, path)), { whenMissing: () => pass(fallback) });
}

/** `dropsDuplicates`: a value given twice is kept once (the limits count what was given). */
export function arrayOf<T>(check: Check<T>, limits: { minItems?: number; maxItems?: number; dropsDuplicates?: boolean } = {}): Check<T[]> {
  const { minItems = 0, maxItems = Number.POSITIVE_INFINITY, dropsDuplicates = false } = limits;
  return (value, path) => {
    if (!Array.isArray(value)) return failAt(path, `expected a list, found ${describeFound(value)}`);
    if (value.length < minItems) return failAt(path, `expected at least ${minItems} items, found ${value.length}`);
    if (value.length > maxItems) return failAt(path, `expected at most ${maxItems} items, found ${value.length}`);
    const items: T[] = [];
    for (let index = 0; index < value.length; index++) {
      const item = check(value[index], [...path, index]);
      if (!item.ok) return item;
      items.push(item.value);
    }
    return pass(dropsDuplicates ? [...new Set(items)] : items);
  };
}

type Shape = Record<string, Check<unknown>>;
export type ShapeOutput<S extends Shape> = { [K in keyof S]: CheckedType<S[K]> };

/** An object with exactly these keys: an unknown key is an error, a missing one too unless its check allows it. */
export function strictObject<S extends Shape>(shape: S): Check<ShapeOutput<S>> {
  const keys = Object.keys(shape);
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return failAt(path, `expected an object, found ${describeFound(value)}`);
    const fields = value as Record<string, unknown>;
    const unknownKey = Object.keys(fields).find((key) => !Object.hasOwn(shape, key));
    if (unknownKey !== undefined) return failAt(path, `unknown key ${JSON.stringify(unknownKey.slice(0, 64))}`);
    const output: Record<string, unknown> = {};
    for (const key of keys) {
      const check = shape[key]!;
      const missing = !Object.hasOwn(fields, key) || fields[key] === undefined;
      const checked = missing ? (check.whenMissing?.() ?? failAt([...path, key], 'required, and missing')) : check(fields[key], [...path, key]);
      if (!checked.ok) return checked;
      if (checked.value !== undefined) output[key] = checked.value;
    }
    return pass(output as ShapeOutput<S>);
  };
}

/** A check whose value may be left out altogether: it then checks `{}` (so its keys' defaults apply). */
export function defaultsWhenMissing<T>(check: Check<T>): Check<T> {
  return Object.assign((value: unknown, path: KeyPath) => check(value === undefined ? {} : value, path), { whenMissing: () => check({}, []) });
}

/** A further condition on a checked value: the message when it does not hold, or null. */
export function refine<T>(check: Check<T>, condition: (value: T) => string | null): Check<T> {
  const refined = (value: unknown, path: KeyPath): Checked<T> => {
    const checked = check(value, path);
    if (!checked.ok) return checked;
    const problem = condition(checked.value);
    return problem === null ? checked : failAt(path, problem);
  };
  return check.whenMissing ? Object.assign(refined, { whenMissing: check.whenMissing }) : refined;
}
