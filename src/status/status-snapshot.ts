import { pruneFailureTimes } from '../supervisor/restart-policy.js';
import type { SupervisorPolicy, SupervisorState } from '../supervisor/supervisor-state.js';
import type { CoreStatus } from './status-schema.js';

export interface DaemonFacts {
  pid: number;
  version: string;
  startedAt: string;
  host: string;
}

/** Packs the state into the status.json object: a pure function, as s6 packs its status file. */
export function buildStatusSnapshot(
  state: SupervisorState,
  daemon: DaemonFacts,
  nowMs: number,
  policy: Pick<SupervisorPolicy, 'failureLimit' | 'failureWindowMs'>,
): CoreStatus {
  const isBackingOff = state.mode === 'backoff' && state.nextAttemptAtMs !== null;
  return {
    schemaVersion: 1 as const,
    mode: state.mode,
    since: new Date(state.modeSinceMs).toISOString(),
    reasons: state.reasons,
    updatedAt: new Date(nowMs).toISOString(),
    gateway: {
      pid: state.gateway.pid,
      startedAt: state.gateway.startedAtMs === null ? null : new Date(state.gateway.startedAtMs).toISOString(),
      restarts: state.gateway.restarts,
      lastExit: state.gateway.lastExit,
      nextAttemptAt: isBackingOff ? new Date(state.nextAttemptAtMs!).toISOString() : null,
      failuresInWindow: pruneFailureTimes(state.failureTimesMs, nowMs, policy.failureWindowMs).length,
      failureLimit: policy.failureLimit,
    },
    diagnosis: state.diagnosis,
    daemon,
  };
}
