import { describe, expect, it } from 'vitest';
import { computeRestartDelayMs, pruneFailureTimes, type RestartPolicy } from '../../src/supervisor/restart-policy.js';

const policy: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 60_000,
  multiplier: 2,
  failureLimit: 3,
  failureWindowMs: 300_000,
  stableAfterMs: 60_000,
  minUptimeMs: 10_000,
};

describe('computeRestartDelayMs', () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [6, 32_000],
    [7, 60_000],
    [50, 60_000],
  ])('failure %i waits %i ms', (failures, delayMs) => {
    expect(computeRestartDelayMs(failures, policy)).toBe(delayMs);
  });

  // A gateway that exits at once must not be respawned 100 times a second, whatever the config says.
  it.each([
    [1, 0],
    [2, 100],
    [5, 100],
  ])('with a zero initial delay, failure %i waits %i ms (the first at once, the repeats at least 100 ms)', (failures, delayMs) => {
    expect(computeRestartDelayMs(failures, { ...policy, initialDelayMs: 0 })).toBe(delayMs);
  });

  it('floors the repeats at 100 ms under a lower ceiling too', () => {
    expect(computeRestartDelayMs(3, { ...policy, initialDelayMs: 0, maxDelayMs: 0 })).toBe(100);
  });

  it('stays flat with multiplier 1', () => {
    expect(computeRestartDelayMs(9, { ...policy, multiplier: 1 })).toBe(1_000);
  });
});

describe('pruneFailureTimes', () => {
  it('keeps only failures younger than the window', () => {
    expect(pruneFailureTimes([0, 100_000, 250_000], 350_000, 300_000)).toEqual([100_000, 250_000]);
  });

  it('drops a failure exactly one window old', () => {
    expect(pruneFailureTimes([50_000], 350_000, 300_000)).toEqual([]);
  });
});
