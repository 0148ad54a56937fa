import { describe, expect, it } from 'vitest';
import { createInitialState, type SupervisorEvent, type SupervisorPolicy, type SupervisorState } from '../../src/supervisor/supervisor-state.js';
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

const spawnFailed = (atMs: number, errorCode: string): SupervisorEvent => ({ type: 'gateway-spawn-failed', atMs, errorCode, message: `/usr/bin/openclaw: spawn /usr/bin/openclaw ${errorCode}` });

/** The daemon starts, then every spawn fails with `errorCode`, `times` times, each retried when its backoff fires. */
function failSpawns(errorCode: string, times: number) {
  let state: SupervisorState = createInitialState(0);
  let atMs = 0;
  const delaysMs: number[] = [];
  state = transition(state, { type: 'daemon-started', atMs }, policy).state;
  for (let i = 0; i < times && state.mode !== 'diagnose'; i += 1) {
    const failed = transition(state, spawnFailed(atMs + 1, errorCode), policy);
    state = failed.state;
    const timer = failed.effects.find((effect) => effect.type === 'set-timer');
    if (timer?.type !== 'set-timer') break;
    delaysMs.push(timer.delayMs);
    atMs += 1 + timer.delayMs;
    state = transition(state, { type: 'timer-fired', atMs, timer: 'backoff', seq: timer.seq }, policy).state;
  }
  return { state, delaysMs };
}

describe('transition: a spawn clawsupd could not make for want of a resource', () => {
  it.each(['EMFILE', 'ENFILE', 'EAGAIN', 'ENOMEM'])('%s: backed off again and again, never counted toward diagnose', (errorCode) => {
    const { state, delaysMs } = failSpawns(errorCode, 8);
    expect(state.mode).toBe('starting');
    expect(delaysMs).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000, 8_000, 8_000]);
    expect(state.failureTimesMs).toEqual([]);
    expect(state.gateway.lastExit).toMatchObject({ class: 'transient', reason: 'spawn-resources', evidence: [expect.stringContaining(`spawn failed: ${errorCode}`), expect.any(String)] });
  });

  it('another spawn error is still the gateway\'s failure: diagnose at the failure limit', () => {
    const { state } = failSpawns('E2BIG', 8);
    expect(state.mode).toBe('diagnose');
    expect(state.diagnosis).toMatchObject({ reason: 'spawn-failed', trigger: 'failure-limit' });
  });
});
