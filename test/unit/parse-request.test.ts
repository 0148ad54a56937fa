import { describe, expect, it } from 'vitest';
import { parseRequestLine } from '../../src/control/parse-request.js';
import { buildError, buildResult, CONTROL_METHODS, encodeLine, MAX_REQUEST_BYTES } from '../../src/control/protocol.js';

const goodRecord = {
  name: 'daily-memory',
  status: 'success',
  startedAt: '2026-11-21T09:00:00.000Z',
  finishedAt: '2026-11-21T09:00:01.000Z',
  durationMs: 1000,
  exitCode: 0,
  message: null,
  host: 'node-1',
  lastSuccessAt: '2026-11-21T09:00:01.000Z',
  maxAgeMs: null,
};

describe('parseRequestLine', () => {
  it.each([
    ['not JSON', '{"v":1,', 'malformed-json', null],
    ['an array', '[1,2]', 'bad-request', null],
    ['a string', '"status"', 'bad-request', null],
    ['null', 'null', 'bad-request', null],
    ['an object id', '{"v":1,"id":{},"method":"status"}', 'bad-request', null],
    ['a long id', `{"v":1,"id":"${'x'.repeat(200)}","method":"status"}`, 'bad-request', null],
    ['no version', '{"id":7,"method":"status"}', 'unsupported-version', 7],
    ['version 2', '{"v":2,"id":"a","method":"status"}', 'unsupported-version', 'a'],
    ['version as a string', '{"v":"1","id":1,"method":"status"}', 'unsupported-version', 1],
    ['an extra key', '{"v":1,"id":1,"method":"status","x":1}', 'bad-request', 1],
    ['no method', '{"v":1,"id":1}', 'unknown-method', 1],
    ['an unknown method', '{"v":1,"id":1,"method":"shutdown"}', 'unknown-method', 1],
    ['a prototype key as method', '{"v":1,"id":1,"method":"__proto__"}', 'unknown-method', 1],
    ['params on status', '{"v":1,"id":1,"method":"status","params":{"x":1}}', 'bad-params', 1],
    ['params as an array', '{"v":1,"id":1,"method":"status","params":[]}', 'bad-params', 1],
    ['logs n as a string', '{"v":1,"id":1,"method":"logs","params":{"n":"5"}}', 'bad-params', 1],
    ['logs n zero', '{"v":1,"id":1,"method":"logs","params":{"n":0}}', 'bad-params', 1],
    ['logs n too big', '{"v":1,"id":1,"method":"logs","params":{"n":1000000}}', 'bad-params', 1],
    ['skill-report without record', '{"v":1,"id":1,"method":"skill-report","params":{}}', 'bad-params', 1],
    ['skill-report with a path name', JSON.stringify({ v: 1, id: 1, method: 'skill-report', params: { record: { ...goodRecord, name: '../etc/x' } } }), 'bad-params', 1],
    ['skill-report with a bad status', JSON.stringify({ v: 1, id: 1, method: 'skill-report', params: { record: { ...goodRecord, status: 'ok' } } }), 'bad-params', 1],
  ])('refuses %s with %s', (_what, line, code, id) => {
    const parsed = parseRequestLine(line);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reply).toMatchObject({ v: 1, id, ok: false, error: { code } });
    if (!parsed.reply.ok) expect(parsed.reply.error.message.length).toBeGreaterThan(5);
  });

  it('names the param that is wrong', () => {
    const parsed = parseRequestLine('{"v":1,"id":1,"method":"logs","params":{"n":"5"}}');
    expect(!parsed.ok && !parsed.reply.ok && parsed.reply.error.message).toMatch(/^logs: params\.n: /);
  });

  // These need params: a record, a skill name, the topics, the candidate config.
  it.each(CONTROL_METHODS.filter((method) => !['skill-report', 'skill-forget', 'subscribe', 'gateway-config-apply'].includes(method)))('accepts %s with no params', (method) => {
    const parsed = parseRequestLine(JSON.stringify({ v: 1, id: 'x', method }));
    expect(parsed).toMatchObject({ ok: true, request: { id: 'x', method } });
  });

  it('gives logs its default line count, and keeps a given one', () => {
    expect(parseRequestLine('{"v":1,"id":1,"method":"logs"}')).toMatchObject({ ok: true, request: { params: { n: 50 } } });
    expect(parseRequestLine('{"v":1,"id":1,"method":"logs","params":{"n":3}}')).toMatchObject({ ok: true, request: { params: { n: 3 } } });
  });

  it('accepts a good skill record, and a request without an id', () => {
    expect(parseRequestLine(JSON.stringify({ v: 1, id: 2, method: 'skill-report', params: { record: goodRecord } }))).toMatchObject({ ok: true });
    expect(parseRequestLine('{"v":1,"method":"status"}')).toMatchObject({ ok: true, request: { id: null } });
  });
});

describe('replies', () => {
  it('builds the two reply shapes, one line each', () => {
    expect(buildResult(3, { a: 1 })).toEqual({ v: 1, id: 3, ok: true, result: { a: 1 } });
    expect(buildResult('x', undefined)).toEqual({ v: 1, id: 'x', ok: true, result: null });
    expect(buildError(null, 'unknown-method', 'no')).toEqual({ v: 1, id: null, ok: false, error: { code: 'unknown-method', message: 'no' } });
    expect(encodeLine({ a: 'b\nc' })).toBe('{"a":"b\\nc"}\n');
    expect(MAX_REQUEST_BYTES).toBe(65_536);
  });
});
