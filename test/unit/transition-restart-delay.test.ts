import { describe, expect, it } from 'vitest';
import { createInitialState, type SupervisorPolicy } from '../../src/supervisor/supervisor-state.js';
import { transition } from '../../src/supervisor/transition.js';

const basePolicy: SupervisorPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 60_000,
  multiplier: 2,
  failureLimit: 100,
  failureWindowMs: 300_000,
  stableAfterMs: 60_000,
  minUptimeMs: 0,
  stopTimeoutMs: 30_000,
  hangKillTimeoutMs: 1_000,
  hasStartupProbe: false,
};

function crashAfterSpawn(policy: SupervisorPolicy) {
  const started = transition(createInitialState(0), { type: 'daemon-started', atMs: 0 }, policy).state;
  const running = transition(started, { type: 'gateway-spawned', atMs: 10, pid: 4242 }, policy).state;
  return transition(running, { type: 'gateway-exited', atMs: 50, code: 1, signal: null, outputTail: [] }, policy);
}

describe('restart after a crash', () => {
  it.each([
    { initialDelayMs: 0, effects: ['clear-timer', 'log', 'log', 'clear-timer', 'spawn-gateway'], mode: 'starting' },
    { initialDelayMs: 250, effects: ['clear-timer', 'log', 'set-timer', 'log'], mode: 'backoff' },
  ])('with initialDelayMs $initialDelayMs the effects are $effects', ({ initialDelayMs, effects, mode }) => {
    const result = crashAfterSpawn({ ...basePolicy, initialDelayMs, maxDelayMs: initialDelayMs });
    expect(result.effects.map((effect) => effect.type)).toEqual(effects);
    expect(result.state.mode).toBe(mode);
    expect(result.state.consecutiveFailures).toBe(1);
    expect(result.state.failureTimesMs).toEqual([50]);
  });
});
