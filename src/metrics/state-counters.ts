import type { SupervisorState } from '../supervisor/supervisor-state.js';
import type { MetricKey } from './metric-definitions.js';

export interface CounterIncrement {
  metric: MetricKey;
  labels: Readonly<Record<string, string>>;
  by: number;
}

/** What one supervisor step adds to the counters: an exit, a restart (labelled by the exit that led to it), a diagnose entry. */
export function deriveCounterIncrements(previous: SupervisorState, state: SupervisorState): CounterIncrement[] {
  const increments: CounterIncrement[] = [];
  const exit = state.gateway.lastExit;
  if (exit !== null && exit !== previous.gateway.lastExit) {
    increments.push({ metric: 'gatewayExits', labels: { class: exit.class, reason: exit.reason }, by: 1 });
  }
  const restarts = state.gateway.restarts - previous.gateway.restarts;
  if (restarts > 0) {
    // A restart with no exit on record (none yet) is the operator's: it has no failure class of its own.
    const cause = exit ?? { class: 'requested', reason: 'operator' };
    increments.push({ metric: 'gatewayRestarts', labels: { class: cause.class, reason: cause.reason }, by: restarts });
  }
  if (state.mode === 'diagnose' && previous.mode !== 'diagnose') {
    const reason = state.diagnosis?.reason ?? state.reasons[0] ?? 'unknown';
    increments.push({ metric: 'diagnoseEntries', labels: { reason }, by: 1 });
  }
  return increments;
}
