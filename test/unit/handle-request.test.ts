import { describe, expect, it } from 'vitest';
import { handleRequest, type ControlDeps } from '../../src/control/handle-request.js';
import { parseRequestLine, type ControlRequest } from '../../src/control/parse-request.js';
import { createInitialState, type SupervisorEvent, type SupervisorState } from '../../src/supervisor/supervisor-state.js';
import type { StatusSnapshot } from '../../src/status/status-schema.js';

function makeDeps(state: Partial<SupervisorState>, overrides: Partial<ControlDeps> = {}) {
  const events: SupervisorEvent[] = [];
  const full = { ...createInitialState(0), ...state };
  const deps: ControlDeps = {
    getStatus: () => ({ mode: full.mode, diagnosis: full.diagnosis }) as unknown as StatusSnapshot,
    getState: () => full,
    dispatch: (event) => events.push(event),
    getOutputLines: (count) => ['a', 'b', 'c'].slice(-count),
    nowMs: () => 42,
    readLastDiagnosis: async () => ({ reason: 'crash' }),
    checkConfig: () => ({ ok: true, configPath: '/c.json5', errors: [] }),
    writeSkillRecord: () => undefined,
    forgetSkill: () => ({ wasRecorded: true }),
    isConfiguredSkill: () => false,
    subscribe: () => ({ v: 1, id: null, ok: false, error: { code: 'internal', message: 'no subscriptions here' } }),
    ...overrides,
  };
  return { deps, events };
}

function request(line: object): ControlRequest {
  const parsed = parseRequestLine(JSON.stringify({ v: 1, id: 9, ...line }));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.reply));
  return parsed.request;
}

describe('handleRequest', () => {
  it.each([
    ['restart', 'healthy', 'restart-requested'],
    ['stop', 'healthy', 'hold-requested'],
    ['resume', 'diagnose', 'resume-requested'],
    ['start', 'held', 'release-requested'],
  ] as const)('%s in mode %s dispatches %s', async (method, mode, eventType) => {
    const { deps, events } = makeDeps({ mode });
    const reply = await handleRequest(request({ method }), deps);
    expect(reply).toMatchObject({ ok: true, id: 9 });
    expect(events).toEqual([{ type: eventType, atMs: 42 }]);
  });

  it.each([
    ['resume', { mode: 'healthy' }, 'not-in-diagnose'],
    ['start', { mode: 'healthy' }, 'not-held'],
    ['start', { mode: 'stopping', intent: 'hold' }, 'not-held'],
    ['restart', { mode: 'stopping', intent: 'shutdown' }, 'shutting-down'],
    ['stop', { mode: 'stopping', intent: 'shutdown' }, 'shutting-down'],
  ] as const)('%s refuses in %j with %s and changes nothing', async (method, state, code) => {
    const { deps, events } = makeDeps(state);
    const reply = await handleRequest(request({ method }), deps);
    expect(reply).toMatchObject({ ok: false, id: 9, error: { code } });
    expect(events).toEqual([]);
  });

  it('answers logs with the last n lines', async () => {
    const { deps } = makeDeps({});
    expect(await handleRequest(request({ method: 'logs', params: { n: 2 } }), deps)).toMatchObject({ ok: true, result: { lines: ['b', 'c'] } });
  });

  it('answers diagnose with the current diagnosis, else the last one on file', async () => {
    const current = { reason: 'module-not-found' };
    const inDiagnose = makeDeps({ mode: 'diagnose', diagnosis: current as SupervisorState['diagnosis'] });
    expect(await handleRequest(request({ method: 'diagnose' }), inDiagnose.deps)).toMatchObject({ result: { isCurrent: true, diagnosis: current } });
    expect(await handleRequest(request({ method: 'diagnose' }), makeDeps({}).deps)).toMatchObject({ result: { isCurrent: false, diagnosis: { reason: 'crash' } } });
  });

  it('turns a skill file that cannot be written into skill-write-failed', async () => {
    const { deps } = makeDeps({}, { writeSkillRecord: () => { throw new Error('EROFS'); } });
    const record = { name: 'x', status: 'success', startedAt: '2026-11-21T00:00:00Z', finishedAt: null, durationMs: null, exitCode: null, message: null, host: 'h', lastSuccessAt: null, maxAgeMs: null };
    expect(await handleRequest(request({ method: 'skill-report', params: { record } }), deps)).toMatchObject({ ok: false, error: { code: 'skill-write-failed', message: 'EROFS' } });
  });
});
