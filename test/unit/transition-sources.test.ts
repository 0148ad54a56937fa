import { describe, expect, it } from 'vitest';
import { createInitialState, type SupervisorEvent, type SupervisorPolicy, type SupervisorState } from '../../src/supervisor/supervisor-state.js';
import { transition } from '../../src/supervisor/transition.js';

const policy: SupervisorPolicy = {
  initialDelayMs: 1_000, maxDelayMs: 8_000, multiplier: 2, failureLimit: 3, failureWindowMs: 300_000, stableAfterMs: 60_000,
  minUptimeMs: 10_000, stopTimeoutMs: 5_000, hangKillTimeoutMs: 1_000, hasStartupProbe: true,
};

function run(events: SupervisorEvent[], overrides: Partial<SupervisorPolicy> = {}) {
  let state: SupervisorState = createInitialState(0);
  let effects: ReturnType<typeof transition>['effects'] = [];
  for (const event of events) ({ state, effects } = transition(state, event, { ...policy, ...overrides }));
  return { state, effects };
}

const up: SupervisorEvent[] = [{ type: 'daemon-started', atMs: 0 }, { type: 'gateway-spawned', atMs: 1, pid: 7 }];
const started: SupervisorEvent = { type: 'startup-reported', atMs: 2, isStarted: true };
const degraded = (source: string, reasons: string[]): SupervisorEvent => ({ type: 'degradation-reported', atMs: 3, source, reasons });
const crash = (atMs: number): SupervisorEvent => ({ type: 'gateway-exited', atMs, code: 1, signal: null, outputTail: [] });

describe('transition: health from its sources', () => {
  it.each([
    { what: 'a spawned gateway before its startup probe passes', events: up, mode: 'starting', reasons: [] },
    { what: 'the startup probe passed', events: [...up, started], mode: 'healthy', reasons: [] },
    { what: 'one source degrades', events: [...up, started, degraded('ready', ['ready-not-ready'])], mode: 'degraded', reasons: ['ready-not-ready'] },
    {
      what: 'two sources, in the order they first spoke',
      events: [...up, started, degraded('skills', ['skill-stale:a']), degraded('slack', ['slack-flapping'])],
      mode: 'degraded',
      reasons: ['skill-stale:a', 'slack-flapping'],
    },
    { what: 'a source clears its reasons', events: [...up, started, degraded('slack', ['slack-stale']), degraded('slack', [])], mode: 'healthy', reasons: [] },
    { what: 'a degradation before the start is held until it', events: [...up, degraded('slack', ['slack-stale'])], mode: 'starting', reasons: [] },
    { what: 'and applies once started', events: [...up, degraded('slack', ['slack-stale']), started], mode: 'degraded', reasons: ['slack-stale'] },
  ])('$what: $mode', ({ events, mode, reasons }) => {
    const { state } = run(events);
    expect(state.mode).toBe(mode);
    expect(state.reasons).toEqual(reasons);
  });

  it('ignores a repeated verdict: same state, no effects', () => {
    const before = run([...up, started, degraded('slack', ['slack-stale'])]).state;
    expect(transition(before, degraded('slack', ['slack-stale']), policy)).toEqual({ state: before, effects: [] });
    expect(transition(before, started, policy)).toEqual({ state: before, effects: [] });
  });
});

describe('transition: a watched input that changed', () => {
  const touched = (path: string, atMs = 5, changedAtMs = atMs): SupervisorEvent => ({ type: 'input-touched', atMs, path, changedAtMs });
  const intoDiagnose = [crash(10), { type: 'timer-fired', atMs: 1_010, timer: 'backoff', seq: 1 }, { type: 'gateway-spawned', atMs: 1_011, pid: 8 }, crash(1_020),
    { type: 'timer-fired', atMs: 3_020, timer: 'backoff', seq: 2 }, { type: 'gateway-spawned', atMs: 3_021, pid: 9 }, crash(3_030)] as SupervisorEvent[];

  it('in diagnose mode, asks the shell to validate it', () => {
    const { effects } = run([...up, ...intoDiagnose, touched('/etc/clawsup.json5', 4_000)]);
    expect(effects).toEqual([{ type: 'validate-input', path: '/etc/clawsup.json5' }]);
  });

  it('made while the attempts still fail, is kept and validated the moment diagnose begins', () => {
    const [firstCrash, ...rest] = intoDiagnose;
    const { state, effects } = run([...up, firstCrash!, touched('/etc/clawsup.json5', 500), ...rest]);
    expect(state.mode).toBe('diagnose');
    expect(effects).toContainEqual({ type: 'validate-input', path: '/etc/clawsup.json5' });
    expect(state.changedWhileFailing).toBeNull();
  });

  it('made while the gateway was healthy, before its failures began, is the breaking edit, not a fix', () => {
    const { state, effects } = run([...up, touched('/etc/clawsup.json5', 5), ...intoDiagnose]);
    expect(state.mode).toBe('diagnose');
    expect(effects).not.toContainEqual(expect.objectContaining({ type: 'validate-input' }));
  });

  it('in diagnose mode, seen late but made before the failures began, is ignored', () => {
    const { state, effects } = run([...up, ...intoDiagnose, touched('/etc/clawsup.json5', 3_032, 8)]);
    expect(state.mode).toBe('diagnose');
    expect(effects).toEqual([]);
  });

  it('in diagnose mode, seen late but made after the first failure, is validated', () => {
    const { effects } = run([...up, ...intoDiagnose, touched('/etc/clawsup.json5', 3_032, 1_500)]);
    expect(effects).toEqual([{ type: 'validate-input', path: '/etc/clawsup.json5' }]);
  });

  it('is forgotten once a gateway ran stably after it', () => {
    const { state } = run([...up, touched('/etc/clawsup.json5'), crash(120_000)]);
    expect(state.changedWhileFailing).toBeNull();
  });

  it('is kept over a crash that came sooner', () => {
    const { state } = run([...up, touched('/etc/clawsup.json5'), crash(500)]);
    expect(state.changedWhileFailing).toEqual({ path: '/etc/clawsup.json5', changedAtMs: 5 });
  });
});

describe('transition: the recorded diagnosis', () => {
  it('takes the facts the shell gathered for the current diagnosis, and drops them for an ended one', () => {
    const { state } = run([...up, { type: 'gateway-exited', atMs: 5, code: 1, signal: null, outputTail: ["Error: Cannot find module '/opt/x.js'", 'code: MODULE_NOT_FOUND'] }]);
    expect(state.mode).toBe('diagnose');
    const recorded = { ...state.diagnosis!, configCheck: { ok: true, errors: [] } };
    const next = transition(state, { type: 'diagnosis-recorded', atMs: 6, diagnosis: recorded }, policy).state;
    expect(next.diagnosis).toEqual(recorded);
    const stale = transition(next, { type: 'diagnosis-recorded', atMs: 7, diagnosis: { ...recorded, since: '1970-01-01T00:00:00.000Z' } }, policy);
    expect(stale.state).toBe(next);
  });
});
