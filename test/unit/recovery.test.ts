import { describe, expect, it } from 'vitest';
import { createRecoveryState, formatRecovery, noteDown, noteHealthy, type RecoveryState } from '../../src/probes/recovery.js';

type Step = ['down' | 'healthy', number];

describe('recovery', () => {
  it.each<[string, Step[], Partial<RecoveryState>]>([
    ['healthy only', [['healthy', 100]], { lastHealthyAtMs: 100, lastRecoveryMs: null, lastDownAtMs: null }],
    ['down then healthy measures the outage', [['healthy', 100], ['down', 1_000], ['healthy', 4_500]], { lastDownAtMs: 1_000, lastRecoveryMs: 3_500, downSinceMs: null }],
    ['a second failure in one outage keeps the first detection', [['down', 1_000], ['down', 2_000], ['healthy', 3_000]], { lastDownAtMs: 1_000, lastRecoveryMs: 2_000 }],
    ['an open outage', [['healthy', 100], ['down', 1_000]], { downSinceMs: 1_000, lastRecoveryMs: null }],
  ])('%s', (_name, steps, expected) => {
    let state = createRecoveryState();
    for (const [kind, atMs] of steps) state = kind === 'down' ? noteDown(state, atMs) : noteHealthy(state, atMs);
    expect(state).toMatchObject(expected);
  });

  it('formats times as ISO strings', () => {
    const state = noteHealthy(noteDown(createRecoveryState(), 0), 1_500);
    expect(formatRecovery(state)).toEqual({ lastDownAt: '1970-01-01T00:00:00.000Z', lastHealthyAt: '1970-01-01T00:00:01.500Z', lastRecoveryMs: 1_500 });
  });
});
