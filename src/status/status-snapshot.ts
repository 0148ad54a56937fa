import type { SupervisorState } from '../supervisor/supervisor-state.js';
import type { CoreStatus } from './status-schema.js';

export interface DaemonFacts {
  pid: number;
  version: string;
  startedAt: string;
  host: string;
}

/** Packs the state into the status.json object: a pure function, as s6 packs its status file. */
export function buildStatusSnapshot(state: SupervisorState, daemon: DaemonFacts, nowMs: number): CoreStatus {
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
    },
    diagnosis: state.diagnosis,
    daemon,
  };
}
