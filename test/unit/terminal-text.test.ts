import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../src/cli/render-status.js';
import { describeJsonValue, escapeControlCharacters, parseJsonObject, toOneLine, toOneLineList } from '../../src/cli/terminal-text.js';

describe('escapeControlCharacters', () => {
  it.each([
    ['plain text', 'plain text'],
    ['tab\tand\nnewline kept', 'tab\tand\nnewline kept'],
    ['\u001b[2J clear screen', '\\u001b[2J clear screen'],
    ['\u001b]0;title\u0007', '\\u001b]0;title\\u0007'],
    ['over\rwrite', 'over\\u000dwrite'],
    ['back\bspace and \u007f DEL', 'back\\u0008space and \\u007f DEL'],
    ['8-bit CSI \u009b31m', '8-bit CSI \\u009b31m'],
    ['bidi \u202eexe.txt\u202c and \u2066isolate\u2069', 'bidi \\u202eexe.txt\\u202c and \\u2066isolate\\u2069'],
    ['line\u2028separator', 'line\\u2028separator'],
    ['NUL \u0000', 'NUL \\u0000'],
    ['é ü 日本 🙂 stay', 'é ü 日本 🙂 stay'],
  ])('%j -> %j', (text, escaped) => {
    expect(escapeControlCharacters(text)).toBe(escaped);
  });

  it('keeps JSON valid and equal to what it was', () => {
    const value = { message: '\u009b\u202e\u2028\u007f', list: ['\u001b'] };
    const escaped = escapeControlCharacters(JSON.stringify(value, null, 2));
    expect(escaped).not.toMatch(/[\u007f-\u009f\u2028\u202e]/);
    expect(JSON.parse(escaped)).toEqual(value);
  });
});

describe('toOneLine', () => {
  const odd = JSON.parse('{"toString": 1, "valueOf": 1}') as unknown;

  it.each([
    ['a\nb', undefined, 'a\\u000ab'],
    ['\u001b[31mred', undefined, '\\u001b[31mred'],
    [42, undefined, '42'],
    [false, undefined, 'false'],
    [null, undefined, '?'],
    [undefined, 'none', 'none'],
    [['x', 1], undefined, '["x",1]'],
    [{ a: '\u001b' }, undefined, '{"a":"\\u001b"}'],
    [odd, undefined, '{"toString":1,"valueOf":1}'],
  ])('%j (fallback %j) -> %j', (value, fallback, text) => {
    expect(toOneLine(value, fallback)).toBe(text);
  });

  it('lists items one by one', () => {
    expect(toOneLineList(['a', '\rb', 3, null])).toBe('a, \\u000db, 3, ?');
    expect(toOneLineList('not a list')).toBe('not a list');
  });
});

describe('parseJsonObject', () => {
  it.each([
    ['{"mode": "healthy"}', { ok: true, value: { mode: 'healthy' } }],
    ['[]', { ok: false, problem: 'not a status object: an array' }],
    ['null', { ok: false, problem: 'not a status object: null' }],
    ['"x"', { ok: false, problem: 'not a status object: a string' }],
    ['7', { ok: false, problem: 'not a status object: a number' }],
    ['{', { ok: false, problem: 'not JSON' }],
    ['', { ok: false, problem: 'not JSON' }],
  ])('%j', (text, result) => {
    expect(parseJsonObject(text, 'a status object')).toEqual(result);
  });

  it('describes every kind of JSON value', () => {
    expect([null, [], {}, 'x', 1, true].map(describeJsonValue)).toEqual(['null', 'an array', 'an object', 'a string', 'a number', 'a boolean']);
  });
});

describe('renderStatus with what agents wrote', () => {
  it('escapes every field, so no line of a message can pass for one of its own', () => {
    const hostile = '\u001b[2J\rmode: healthy\nreasons: none';
    const text = renderStatus(
      {
        mode: 'degraded',
        reasons: [hostile],
        gateway: { lastExit: { code: 1, class: 'transient', reason: hostile, evidence: [hostile], uptimeMs: 1, at: hostile } },
        skills: { memory: { state: 'failing', status: 'failure', message: hostile } },
        diagnosis: { reason: hostile, hint: hostile },
      },
      0,
    );
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(text.split('\n').filter((line) => line.startsWith('mode: '))).toHaveLength(1);
    expect(text).toContain('\\u001b[2J\\u000dmode: healthy\\u000areasons: none');
  });
});
