/** How long outages last: from a failure's detection to healthy again. */
export interface RecoveryState {
  lastDownAtMs: number | null;
  lastHealthyAtMs: number | null;
  lastRecoveryMs: number | null;
  /** Set while an outage is open: the moment its first failure was detected. */
  downSinceMs: number | null;
}

export function createRecoveryState(): RecoveryState {
  return { lastDownAtMs: null, lastHealthyAtMs: null, lastRecoveryMs: null, downSinceMs: null };
}

/** A failure was detected; an outage already open keeps its first detection time. */
export function noteDown(state: RecoveryState, atMs: number): RecoveryState {
  if (state.downSinceMs !== null) return state;
  return { ...state, lastDownAtMs: atMs, downSinceMs: atMs };
}

/** The node became healthy: closes an open outage and measures it. */
export function noteHealthy(state: RecoveryState, atMs: number): RecoveryState {
  if (state.downSinceMs === null) return { ...state, lastHealthyAtMs: atMs };
  return { ...state, lastHealthyAtMs: atMs, lastRecoveryMs: Math.max(0, atMs - state.downSinceMs), downSinceMs: null };
}

export function formatRecovery(state: RecoveryState) {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return { lastDownAt: iso(state.lastDownAtMs), lastHealthyAt: iso(state.lastHealthyAtMs), lastRecoveryMs: state.lastRecoveryMs };
}
