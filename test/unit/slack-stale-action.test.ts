import { describe, expect, it } from 'vitest';
import { decideStaleAction, STALE_RESTART_MIN_GAP_MS, type StaleActionInput } from '../../src/probes/slack/stale-action.js';

const base: StaleActionInput = { onStale: 'restart-gateway', staleSinceMs: 0, nowMs: 120_000, staleForMs: 120_000, lastStaleRestartAtMs: null };

describe('decideStaleAction', () => {
  it.each<[string, Partial<StaleActionInput>, boolean]>([
    ['stale for staleForMs: restart', {}, true],
    ['onStale none: never', { onStale: 'none' }, false],
    ['not stale: never', { staleSinceMs: null }, false],
    ['stale, not for long enough', { nowMs: 119_999 }, false],
    ['restarted for staleness within the breaker window: not again', { nowMs: 400_000, staleSinceMs: 200_000, lastStaleRestartAtMs: 400_000 - STALE_RESTART_MIN_GAP_MS + 1 }, false],
    ['the window has passed: again', { nowMs: 400_000, staleSinceMs: 200_000, lastStaleRestartAtMs: 400_000 - STALE_RESTART_MIN_GAP_MS }, true],
  ])('%s', (_name, patch, act) => {
    expect(decideStaleAction({ ...base, ...patch }).act).toBe(act);
  });

  it.each(['reconnect-channel', 'restart-gateway'] as const)('acts as slack.onStale says: %s', (onStale) => {
    expect(decideStaleAction({ ...base, onStale })).toEqual({ act: true, action: onStale });
  });
});
