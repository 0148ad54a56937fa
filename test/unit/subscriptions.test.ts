import { describe, expect, it } from 'vitest';
import { handleRequest, type ControlDeps } from '../../src/control/handle-request.js';
import { parseRequestLine, type ControlRequest } from '../../src/control/parse-request.js';
import { createSubscriptionHub } from '../../src/control/subscriptions.js';
import { createInitialState } from '../../src/supervisor/supervisor-state.js';
import type { StatusSnapshot } from '../../src/status/status-schema.js';

function makeWorld() {
  let status: Record<string, unknown> = { mode: 'healthy', updatedAt: 't0' };
  const statusListeners: Array<() => void> = [];
  const lineListeners: Array<(line: string, stream: 'stdout' | 'stderr') => void> = [];
  const interest: boolean[] = [];
  const hub = createSubscriptionHub({
    getStatus: () => status,
    getOutputLines: (count) => ['a', 'b', 'c'].slice(-count),
    onStatusChange: (listener) => statusListeners.push(listener),
    onGatewayLine: (listener) => lineListeners.push(listener),
    onStatusInterest: (isWanted) => interest.push(isWanted),
  });
  return {
    hub,
    interest,
    setStatus(next: Record<string, unknown>) {
      status = next;
      for (const listener of statusListeners) listener();
    },
    say: (line: string) => lineListeners.forEach((listener) => listener(line, 'stdout')),
  };
}

describe('the subscription hub', () => {
  it('answers with the current value of each topic asked, then pushes changes to the subscribers of that topic', () => {
    const world = makeWorld();
    const statusStream = world.hub.open({ id: 1, topics: ['status'], n: 50 });
    const logsStream = world.hub.open({ id: 2, topics: ['logs'], n: 2 });
    expect(statusStream.reply).toEqual({ v: 1, id: 1, ok: true, result: { topics: ['status'], status: { mode: 'healthy', updatedAt: 't0' } } });
    expect(logsStream.reply).toEqual({ v: 1, id: 2, ok: true, result: { topics: ['logs'], logs: ['b', 'c'] } });
    const statusPushes: unknown[] = [];
    const logPushes: unknown[] = [];
    statusStream.open((message) => statusPushes.push(message));
    logsStream.open((message) => logPushes.push(message));
    world.setStatus({ mode: 'stopping', updatedAt: 't1' });
    world.say('hello');
    expect(statusPushes).toEqual([{ v: 1, id: 1, topic: 'status', value: { mode: 'stopping', updatedAt: 't1' } }]);
    expect(logPushes).toEqual([{ v: 1, id: 2, topic: 'logs', value: { line: 'hello', stream: 'stdout' } }]);
  });

  it('does not push a status that differs only in updatedAt', () => {
    const world = makeWorld();
    const stream = world.hub.open({ id: 1, topics: ['status'], n: 0 });
    const pushes: unknown[] = [];
    stream.open((message) => pushes.push(message));
    world.setStatus({ mode: 'healthy', updatedAt: 't5' });
    world.setStatus({ mode: 'degraded', updatedAt: 't6' });
    world.setStatus({ mode: 'degraded', updatedAt: 't7' });
    expect(pushes.map((push) => (push as { value: { mode: string } }).value.mode)).toEqual(['degraded']);
  });

  it('watches status writes only while someone follows the status, and stops pushing once closed', () => {
    const world = makeWorld();
    const first = world.hub.open({ id: 1, topics: ['status', 'logs'], n: 0 });
    const second = world.hub.open({ id: 2, topics: ['status'], n: 0 });
    const pushes: unknown[] = [];
    const stopFirst = first.open((message) => pushes.push(message));
    const stopSecond = second.open(() => undefined);
    expect(world.hub.subscriberCount()).toBe(2);
    stopFirst();
    stopFirst();
    world.say('after');
    world.setStatus({ mode: 'held', updatedAt: 't9' });
    expect(pushes).toEqual([]);
    stopSecond();
    expect(world.interest).toEqual([true, false]);
    expect(world.hub.subscriberCount()).toBe(0);
  });

  it('gives logs n 0 an empty tail, and the drop line the subscribe id', () => {
    const stream = makeWorld().hub.open({ id: 'w', topics: ['logs'], n: 0 });
    expect(stream.reply).toMatchObject({ result: { logs: [] } });
    expect(stream.tooSlow).toMatchObject({ v: 1, id: 'w', ok: false, error: { code: 'subscriber-too-slow' } });
  });
});

describe('handleRequest: skill-forget and subscribe', () => {
  const request = (line: object): ControlRequest => {
    const parsed = parseRequestLine(JSON.stringify({ v: 1, id: 4, ...line }));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.reply));
    return parsed.request;
  };
  const deps = (overrides: Partial<ControlDeps> = {}): ControlDeps => ({
    getStatus: () => ({}) as StatusSnapshot,
    getState: () => createInitialState(0),
    dispatch: () => undefined,
    getOutputLines: () => [],
    nowMs: () => 0,
    readLastDiagnosis: async () => null,
    checkConfig: () => ({ ok: true, configPath: '/c', errors: [] }),
    writeSkillRecord: () => undefined,
    forgetSkill: () => ({ wasRecorded: true }),
    isConfiguredSkill: (name) => name === 'backup',
    subscribe: () => ({ v: 1, id: 4, ok: true, result: 'stream' }),
    ...overrides,
  });

  it.each([
    ['backup', true],
    ['other', false],
  ])('forgets %s and says whether the config names it (%s)', async (name, isConfigured) => {
    expect(await handleRequest(request({ method: 'skill-forget', params: { name } }), deps())).toEqual({ v: 1, id: 4, ok: true, result: { name, wasRecorded: true, isConfigured } });
  });

  it('answers skill-write-failed when the file cannot be removed', async () => {
    const failing = deps({ forgetSkill: () => { throw new Error('/s/skills/x.json: EACCES'); } });
    expect(await handleRequest(request({ method: 'skill-forget', params: { name: 'x' } }), failing)).toMatchObject({ ok: false, error: { code: 'skill-write-failed', message: expect.stringContaining('EACCES') } });
  });

  it.each([
    [{ name: '../etc/passwd' }, 'params.name'],
    [{}, 'params.name'],
  ])('refuses skill-forget %j naming %s', (params, where) => {
    const parsed = parseRequestLine(JSON.stringify({ v: 1, id: 1, method: 'skill-forget', params }));
    expect(!parsed.ok && !parsed.reply.ok && parsed.reply.error).toMatchObject({ code: 'bad-params', message: expect.stringContaining(where) });
  });

  it('hands subscribe to the hub with its topics deduplicated, but not while shutting down', async () => {
    const asked: unknown[] = [];
    const subscribe = (subscription: unknown) => (asked.push(subscription), { v: 1 as const, id: 4, ok: true as const, result: null });
    await handleRequest(request({ method: 'subscribe', params: { topics: ['logs', 'logs', 'status'] } }), deps({ subscribe }));
    expect(asked).toEqual([{ id: 4, topics: ['logs', 'status'], n: 50 }]);
    const stopping = deps({ getState: () => ({ ...createInitialState(0), intent: 'shutdown' }) });
    expect(await handleRequest(request({ method: 'subscribe', params: { topics: ['status'] } }), stopping)).toMatchObject({ ok: false, error: { code: 'shutting-down' } });
  });
});
