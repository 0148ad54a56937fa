import { describe, expect, it } from 'vitest';
import { createInitialState, type SupervisorPolicy, type SupervisorState } from '../../src/supervisor/supervisor-state.js';
import { transition } from '../../src/supervisor/transition.js';

const policy: SupervisorPolicy = {
  initialDelayMs: 1_000, maxDelayMs: 60_000, multiplier: 2, failureLimit: 3, failureWindowMs: 300_000, stableAfterMs: 60_000, minUptimeMs: 10_000,
  stopTimeoutMs: 30_000, hangKillTimeoutMs: 1_000, hasStartupProbe: true,
};

function running(): SupervisorState {
  const spawned = transition(createInitialState(0), { type: 'daemon-started', atMs: 0 }, policy).state;
  return transition(spawned, { type: 'gateway-spawned', atMs: 10, pid: 4242 }, policy).state;
}

describe('the probes\' events in the transition table', () => {
  it.each([
    ['hang-detected', { type: 'hang-detected' as const, atMs: 20_000, evidence: ['GET /healthz: no answer within 1000 ms'] }, 'hang'],
    ['start-timed-out', { type: 'start-timed-out' as const, atMs: 20_000, evidence: ['not started within 180000 ms (HTTP 503 starting)'] }, 'start-timeout'],
  ])('%s: SIGTERM now, SIGKILL after hangKillTimeoutMs, then a transient failure with that reason', (_name, event, reason) => {
    const killed = transition(running(), event, policy);
    expect(killed.effects).toContainEqual({ type: 'signal-gateway', signal: 'SIGTERM' });
    expect(killed.effects).toContainEqual(expect.objectContaining({ type: 'set-timer', timer: 'stop-escalation', delayMs: 1_000 }));
    const exited = transition(killed.state, { type: 'gateway-exited', atMs: 21_000, code: null, signal: 'SIGKILL', outputTail: [] }, policy);
    expect(exited.state.gateway.lastExit).toMatchObject({ class: 'transient', reason, evidence: event.evidence });
    expect(exited.state.mode).toBe('backoff');
    expect(exited.state.failureTimesMs).toEqual([21_000]);
  });

  it('a second hang report while the kill is under way changes nothing', () => {
    const killed = transition(running(), { type: 'hang-detected', atMs: 20_000, evidence: [] }, policy).state;
    expect(transition(killed, { type: 'hang-detected', atMs: 20_500, evidence: [] }, policy)).toEqual({ state: killed, effects: [] });
  });

  it.each([
    ['not started', { isStarted: false, degradedReasons: [] }, 'starting', []],
    ['started', { isStarted: true, degradedReasons: [] }, 'healthy', []],
    ['started, Slack down', { isStarted: true, degradedReasons: ['slack-disconnected'] }, 'degraded', ['slack-disconnected']],
  ])('health reported %s', (_name, verdict, mode, reasons) => {
    const next = transition(running(), { type: 'health-reported', atMs: 5_000, verdict }, policy).state;
    expect(next.mode).toBe(mode);
    expect(next.reasons).toEqual(reasons);
  });
});
