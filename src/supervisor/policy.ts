import type { ClawsupConfig } from '../config/schema.js';
import type { SupervisorPolicy } from './supervisor-state.js';

/** The decision table's knobs, from the config; `hasStartupProbe` is fixed when the daemon starts. */
export function toPolicy(config: ClawsupConfig, hasStartupProbe: boolean): SupervisorPolicy {
  return {
    ...config.restart,
    stopTimeoutMs: config.gateway.stopTimeoutMs,
    hangKillTimeoutMs: config.health.hangKillTimeoutMs,
    hasStartupProbe,
  };
}
