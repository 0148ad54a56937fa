import { describe, expect, it } from 'vitest';
import { aBoolean, anInteger, anIsoTime, arrayOf, aString, defaultsWhenMissing, nullable, oneOf, optional, refine, strictObject, withDefault } from '../../src/check-value.js';

describe('the value checks the daemon runs without zod', () => {
  it.each([
    ['a string', aString({ maxLength: 3 }), 'abc', true],
    ['a string too long', aString({ maxLength: 3 }), 'abcd', 'expected at most 3 characters, found 4'],
    ['a string too short', aString({ minLength: 1 }), '', 'expected at least 1 characters, found 0'],
    ['a number for a string', aString(), 5, 'expected a string, found number'],
    ['a pattern miss, with its hint', aString({ pattern: /^[a-z]+$/, patternHint: 'lower-case letters' }), 'A', 'lower-case letters'],
    ['an integer', anInteger({ min: 1, max: 5 }), 5, true],
    ['an integer too big', anInteger({ max: 5 }), 6, 'expected a number <= 5, found 6'],
    ['an integer too small', anInteger({ min: 1 }), 0, 'expected a number >= 1, found 0'],
    ['a fraction', anInteger(), 1.5, 'expected an integer, found 1.5'],
    ['a numeric string', anInteger(), '5', 'expected a number, found string'],
    ['NaN', anInteger(), Number.NaN, 'expected a number, found NaN'],
    ['a boolean', aBoolean, false, true],
    ['null for a boolean', aBoolean, null, 'expected true or false, found null'],
    ['an ISO time', anIsoTime, '2026-12-01T09:00:00.000Z', true],
    ['an ISO time with an offset', anIsoTime, '2026-12-01T10:00:00+01:00', true],
    ['a date alone', anIsoTime, '2026-12-01', 'expected an ISO time such as 2026-12-01T09:00:00.000Z, found "2026-12-01"'],
    ['a day that does not exist', anIsoTime, '2026-13-41T09:00:00Z', 'expected an ISO time such as 2026-12-01T09:00:00.000Z, found "2026-13-41T09:00:00Z"'],
    ['one of a list', oneOf(['a', 'b'] as const), 'b', true],
    ['not one of a list', oneOf(['a', 'b'] as const), 'c', 'expected one of a, b, found "c"'],
    ['null where nullable', nullable(aBoolean), null, true],
    ['a list', arrayOf(aBoolean, { minItems: 1, maxItems: 2 }), [true], true],
    ['an empty list', arrayOf(aBoolean, { minItems: 1 }), [], 'expected at least 1 items, found 0'],
    ['an object for a list', arrayOf(aBoolean), {}, 'expected a list, found an object'],
  ])('%s', (_what, check, value, expected) => {
    const checked = check(value, ['x']);
    if (expected === true) expect(checked).toEqual({ ok: true, value });
    else expect(checked).toEqual({ ok: false, path: ['x'], message: expected });
  });

  it('names the key of a list item or a field that fails', () => {
    expect(arrayOf(anInteger())([1, 'two'], ['params', 'list'])).toEqual({ ok: false, path: ['params', 'list', 1], message: 'expected a number, found string' });
    const shape = strictObject({ inner: strictObject({ n: anInteger() }) });
    expect(shape({ inner: { n: true } }, ['params'])).toEqual({ ok: false, path: ['params', 'inner', 'n'], message: 'expected a number, found boolean' });
  });

  it('keeps a value given twice once where the list drops duplicates, and counts what was given against its limits', () => {
    expect(arrayOf(oneOf(['a', 'b'] as const), { dropsDuplicates: true })(['a', 'b', 'a'], [])).toEqual({ ok: true, value: ['a', 'b'] });
    expect(arrayOf(aBoolean, { maxItems: 2, dropsDuplicates: true })([true, true, true], ['t'])).toEqual({ ok: false, path: ['t'], message: 'expected at most 2 items, found 3' });
    expect(arrayOf(aBoolean)([true, true], [])).toEqual({ ok: true, value: [true, true] });
  });

  it('refuses an unknown key and a missing one, and fills defaults', () => {
    const shape = strictObject({ n: withDefault(anInteger(), 50), name: optional(aString()), on: aBoolean });
    expect(shape({ on: true }, [])).toEqual({ ok: true, value: { n: 50, on: true } });
    expect(shape({ on: true, n: 3, name: 'x' }, [])).toEqual({ ok: true, value: { n: 3, name: 'x', on: true } });
    expect(shape({}, [])).toEqual({ ok: false, path: ['on'], message: 'required, and missing' });
    expect(shape({ on: true, extra: 1 }, [])).toEqual({ ok: false, path: [], message: 'unknown key "extra"' });
    expect(shape([], [])).toEqual({ ok: false, path: [], message: 'expected an object, found an array' });
    expect(shape(null, [])).toEqual({ ok: false, path: [], message: 'expected an object, found null' });
  });

  it('takes a missing object as {} where its defaults say so, and keeps a refinement', () => {
    const logs = defaultsWhenMissing(strictObject({ n: withDefault(anInteger({ min: 1 }), 50) }));
    expect(strictObject({ params: logs })({}, [])).toEqual({ ok: true, value: { params: { n: 50 } } });
    expect(logs(undefined, ['params'])).toEqual({ ok: true, value: { n: 50 } });
    const even = refine(anInteger(), (n) => (n % 2 === 0 ? null : `${n} is odd`));
    expect(even(3, ['n'])).toEqual({ ok: false, path: ['n'], message: '3 is odd' });
    expect(even('3', ['n'])).toEqual({ ok: false, path: ['n'], message: 'expected a number, found string' });
  });
});
