import { describe, expect, it } from 'vitest';
import {
  createInitialState,
  type SupervisorEffect,
  type SupervisorEvent,
  type SupervisorPolicy,
  type SupervisorState,
} from '../../src/supervisor/supervisor-state.js';
import { transition } from '../../src/supervisor/transition.js';

const policy: SupervisorPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 8_000,
  multiplier: 2,
  failureLimit: 3,
  failureWindowMs: 300_000,
  stableAfterMs: 60_000,
  minUptimeMs: 10_000,
  stopTimeoutMs: 5_000,
  hangKillTimeoutMs: 1_000,
  hasStartupProbe: false,
};

type EventSpec = SupervisorEvent | ((state: SupervisorState) => SupervisorEvent);

/** Feeds events one by one; a function event can read the state (for timer sequence numbers). */
function run(events: EventSpec[], options: Partial<SupervisorPolicy> = {}) {
  let state = createInitialState(0);
  const effects: SupervisorEffect[][] = [];
  for (const spec of events) {
    const event = typeof spec === 'function' ? spec(state) : spec;
    const result = transition(state, event, { ...policy, ...options });
    state = result.state;
    effects.push(result.effects);
  }
  return { state, effects, last: effects.at(-1) ?? [] };
}

const started = (atMs = 0): SupervisorEvent => ({ type: 'daemon-started', atMs });
const spawned = (atMs: number, pid = 100): SupervisorEvent => ({ type: 'gateway-spawned', atMs, pid });
const exited = (atMs: number, code: number | null, outputTail: string[] = [], signal: string | null = null): SupervisorEvent => ({
  type: 'gateway-exited',
  atMs,
  code,
  signal,
  outputTail,
});
const backoffFired = (atMs: number): EventSpec => (state) => ({ type: 'timer-fired', atMs, timer: 'backoff', seq: state.timerSeq });
/** The daemon starts, then the gateway crashes (exit 1) at each time given, each time brought back by the backoff 1 s later. */
function crashLoop(crashTimesMs: number[]): EventSpec[] {
  const events: EventSpec[] = [started(), spawned(0)];
  crashTimesMs.forEach((atMs, index) => {
    if (index > 0) events.push(backoffFired(crashTimesMs[index - 1]! + 1_000), spawned(crashTimesMs[index - 1]! + 1_000));
    events.push(exited(atMs, 1));
  });
  return events;
}
const types = (effects: SupervisorEffect[]) => effects.filter((e) => e.type !== 'log').map((e) => e.type);

describe('transition: restart mode', () => {
  it('spawns the gateway when the daemon starts', () => {
    const { state, last } = run([started()]);
    expect(state.mode).toBe('starting');
    expect(types(last)).toContain('spawn-gateway');
  });

  it('counts a spawned gateway as healthy when no startup probe is configured', () => {
    expect(run([started(), spawned(10)]).state.mode).toBe('healthy');
  });

  it('keeps a spawned gateway starting until the startup probe passes', () => {
    const { state } = run([started(), spawned(10)], { hasStartupProbe: true });
    expect(state.mode).toBe('starting');
    const after = run(
      [started(), spawned(10), { type: 'health-reported', atMs: 20, verdict: { isStarted: true, degradedReasons: [] } }],
      { hasStartupProbe: true },
    );
    expect(after.state.mode).toBe('healthy');
  });

  it('backs off exponentially after transient crashes', () => {
    const { state, effects } = run(crashLoop([20_000, 40_000]));
    expect(state.mode).toBe('backoff');
    const delays = effects.flat().flatMap((e) => (e.type === 'set-timer' && e.timer === 'backoff' ? [e.delayMs] : []));
    expect(delays).toEqual([1_000, 2_000]);
  });

  it('restarts at once, without counting a failure, when a long-running gateway exits 0', () => {
    const { state, last } = run([started(), spawned(0), exited(30_000, 0)]);
    expect(state.mode).toBe('starting');
    expect(types(last)).toContain('spawn-gateway');
    expect(state.failureTimesMs).toEqual([]);
    expect(state.gateway.lastExit).toMatchObject({ class: 'requested' });
  });

  it('counts an exit 0 within minUptimeMs as an early-exit failure', () => {
    const { state } = run([started(), spawned(0), exited(500, 0)]);
    expect(state.mode).toBe('backoff');
    expect(state.gateway.lastExit).toMatchObject({ class: 'transient', reason: 'early-exit' });
  });

  it('resets the backoff once the gateway stayed up stableAfterMs', () => {
    const { effects } = run([
      started(),
      spawned(0),
      exited(1_000, 1),
      backoffFired(2_000),
      spawned(2_000),
      exited(200_000, 1),
    ]);
    const delays = effects.flat().flatMap((e) => (e.type === 'set-timer' && e.timer === 'backoff' ? [e.delayMs] : []));
    expect(delays).toEqual([1_000, 1_000]);
  });

  it('ignores a backoff timer that was replaced', () => {
    const { state, last } = run([started(), spawned(0), exited(20_000, 1), { type: 'timer-fired', atMs: 21_000, timer: 'backoff', seq: 999 }]);
    expect(state.mode).toBe('backoff');
    expect(last).toEqual([]);
  });

  it('counts restarts', () => {
    const { state } = run([started(), spawned(0), exited(20_000, 1), backoffFired(21_000), spawned(21_000, 101)]);
    expect(state.gateway).toMatchObject({ pid: 101, restarts: 1 });
  });
});

describe('transition: diagnose mode', () => {
  it('enters diagnose at once on a structural failure and writes a diagnosis', () => {
    const { state, last } = run([started(), spawned(0), exited(3_000, 78, ['Missing config. Run openclaw setup'])]);
    expect(state.mode).toBe('diagnose');
    expect(state.reasons).toEqual(['config-invalid']);
    expect(state.diagnosis).toMatchObject({ reason: 'config-invalid', class: 'structural', trigger: 'structural' });
    expect(types(last)).toEqual(['clear-timer', 'clear-timer', 'write-diagnosis']);
  });

  it('enters diagnose after failureLimit failures inside the window', () => {
    const { state } = run(crashLoop([20_000, 40_000, 60_000]));
    expect(state.mode).toBe('diagnose');
    expect(state.diagnosis).toMatchObject({ reason: 'crash', trigger: 'failure-limit', failuresInWindow: 3 });
  });

  it('does not count failures that fell out of the window', () => {
    const { state } = run(crashLoop([20_000, 40_000, 400_000]));
    expect(state.mode).toBe('backoff');
    expect(state.failureTimesMs).toEqual([400_000]);
  });

  it('treats a spawn ENOENT as command-not-found', () => {
    const { state } = run([started(), { type: 'gateway-spawn-failed', atMs: 5, errorCode: 'ENOENT', message: 'not found on PATH' }]);
    expect(state.mode).toBe('diagnose');
    expect(state.diagnosis?.reason).toBe('command-not-found');
  });

  it('makes one fresh attempt when a watched input changes, and goes straight back on failure', () => {
    const inDiagnose = [started(), spawned(0), exited(3_000, 78)];
    const attempt = run([...inDiagnose, { type: 'inputs-changed', atMs: 10_000, path: '/etc/clawsup.json5' }]);
    expect(attempt.state.mode).toBe('starting');
    expect(types(attempt.last)).toContain('spawn-gateway');
    const again = run([
      ...inDiagnose,
      { type: 'inputs-changed', atMs: 10_000, path: '/etc/clawsup.json5' },
      spawned(10_000),
      exited(12_000, 1),
    ]);
    expect(again.state.mode).toBe('diagnose');
    expect(again.state.diagnosis?.trigger).toBe('fresh-attempt-failed');
  });

  it('ignores input changes outside diagnose mode', () => {
    const { last } = run([started(), spawned(0), { type: 'inputs-changed', atMs: 5, path: '/x' }]);
    expect(last).toEqual([]);
  });

  it('resumes on request only from diagnose', () => {
    expect(run([started(), spawned(0), { type: 'resume-requested', atMs: 5 }]).last).toEqual([]);
    const resumed = run([started(), spawned(0), exited(3_000, 78), { type: 'resume-requested', atMs: 5_000 }]);
    expect(resumed.state.mode).toBe('starting');
    expect(resumed.state.isFreshAttempt).toBe(true);
  });
});

describe('transition: stopping', () => {
  it('stops the gateway group with SIGTERM, then SIGKILL when the stop timer fires', () => {
    const stopping = run([started(), spawned(0), { type: 'shutdown-requested', atMs: 1_000, signal: 'SIGTERM' }]);
    expect(stopping.state.mode).toBe('stopping');
    expect(stopping.last).toContainEqual({ type: 'signal-gateway', signal: 'SIGTERM' });
    expect(stopping.last).toContainEqual({ type: 'set-timer', timer: 'stop-escalation', delayMs: 5_000, seq: stopping.state.timerSeq });
    const killed = run([
      started(),
      spawned(0),
      { type: 'shutdown-requested', atMs: 1_000, signal: 'SIGTERM' },
      (state) => ({ type: 'timer-fired', atMs: 6_000, timer: 'stop-escalation', seq: state.timerSeq }),
    ]);
    expect(killed.last).toContainEqual({ type: 'signal-gateway', signal: 'SIGKILL' });
  });

  it('exits the daemon with 0 once the gateway is gone, recording a clean exit', () => {
    const { state, last } = run([started(), spawned(0), { type: 'shutdown-requested', atMs: 1_000, signal: 'SIGTERM' }, exited(1_200, 0)]);
    expect(state.mode).toBe('stopped');
    expect(state.gateway.lastExit).toMatchObject({ class: 'clean', reason: 'stopped' });
    expect(last).toContainEqual({ type: 'exit-daemon', code: 0 });
  });

  it('exits at once when no gateway runs (backoff or diagnose)', () => {
    const { last } = run([started(), spawned(0), exited(3_000, 78), { type: 'shutdown-requested', atMs: 4_000, signal: 'SIGINT' }]);
    expect(last).toContainEqual({ type: 'exit-daemon', code: 0 });
  });

  it('holds the gateway down on request and releases it', () => {
    const held = run([started(), spawned(0), { type: 'hold-requested', atMs: 1_000 }, exited(1_100, 0)]);
    expect(held.state.mode).toBe('held');
    expect(types(held.last)).not.toContain('spawn-gateway');
    const released = run([started(), spawned(0), { type: 'hold-requested', atMs: 1_000 }, exited(1_100, 0), { type: 'release-requested', atMs: 2_000 }]);
    expect(released.state.mode).toBe('starting');
    expect(types(released.last)).toContain('spawn-gateway');
  });

  it('restarts a running gateway on request without counting a failure', () => {
    const { state, last } = run([started(), spawned(0), { type: 'restart-requested', atMs: 1_000 }, exited(1_100, 0)]);
    expect(types(last)).toContain('spawn-gateway');
    expect(state.failureTimesMs).toEqual([]);
  });
});

describe('transition: hang and start timeout', () => {
  it('kills a hung gateway with the short hang-kill timeout and records a transient hang', () => {
    const hung = run([started(), spawned(0), { type: 'hang-detected', atMs: 30_000, evidence: ['3 liveness failures'] }]);
    expect(hung.last).toContainEqual({ type: 'signal-gateway', signal: 'SIGTERM' });
    expect(hung.last).toContainEqual(expect.objectContaining({ type: 'set-timer', timer: 'stop-escalation', delayMs: 1_000 }));
    const after = run([started(), spawned(0), { type: 'hang-detected', atMs: 30_000, evidence: [] }, exited(31_000, null, [], 'SIGKILL')]);
    expect(after.state.gateway.lastExit).toMatchObject({ class: 'transient', reason: 'hang' });
    expect(after.state.mode).toBe('backoff');
  });

  it('keeps the hang kill and its short SIGKILL timer when the operator asks for a restart meanwhile', () => {
    const { state, last } = run([
      started(),
      spawned(0),
      { type: 'hang-detected', atMs: 30_000, evidence: [] },
      { type: 'restart-requested', atMs: 30_100 },
    ]);
    expect(last.filter((e) => e.type !== 'log')).toEqual([]);
    expect(state.stopCause).toBe('hang');
    const after = run([
      started(),
      spawned(0),
      { type: 'hang-detected', atMs: 30_000, evidence: [] },
      { type: 'restart-requested', atMs: 30_100 },
      exited(31_000, null, [], 'SIGKILL'),
    ]);
    expect(after.state.gateway.lastExit).toMatchObject({ class: 'transient', reason: 'hang' });
    expect(after.state.failureTimesMs).toEqual([31_000]);
    expect(types(after.last)).toContain('spawn-gateway');
  });

  it('records a start that never completes as start-timeout', () => {
    const { state } = run([started(), spawned(0), { type: 'start-timed-out', atMs: 180_000 }, exited(180_100, null, [], 'SIGTERM')], { hasStartupProbe: true });
    expect(state.gateway.lastExit).toMatchObject({ class: 'transient', reason: 'start-timeout' });
  });

  it('reports degraded reasons while the gateway core is up', () => {
    const { state } = run([
      started(),
      spawned(0),
      { type: 'health-reported', atMs: 10, verdict: { isStarted: true, degradedReasons: ['slack-flapping'] } },
    ]);
    expect(state.mode).toBe('degraded');
    expect(state.reasons).toEqual(['slack-flapping']);
  });
});
