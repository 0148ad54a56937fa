import type { Mode } from '../supervisor/modes.js';
import { formatStatusLine } from './status-line.js';
import type { SupervisorState } from '../supervisor/supervisor-state.js';

/** The modes in which the gateway's first start has an outcome: systemd may call clawsupd started. */
const SETTLED_MODES: readonly Mode[] = ['healthy', 'degraded', 'diagnose', 'held'];
const STOPPING_MODES: readonly Mode[] = ['stopping', 'stopped'];

export type NotifyFields = Record<string, string>;

export interface NotifyPhase {
  isReadySent: boolean;
  isStoppingSent: boolean;
}

export const INITIAL_NOTIFY_PHASE: NotifyPhase = { isReadySent: false, isStoppingSent: false };

/** What to tell systemd after a state change: STATUS= on every mode change, READY=1 once, STOPPING=1 once. */
export function planStateNotify(state: SupervisorState, previous: SupervisorState | null, phase: NotifyPhase): { fields: NotifyFields; phase: NotifyPhase } {
  const fields: NotifyFields = {};
  const status = formatStatusLine(state);
  if (previous === null || status !== formatStatusLine(previous)) fields.STATUS = status;
  let next = phase;
  if (STOPPING_MODES.includes(state.mode)) {
    if (!phase.isStoppingSent) {
      fields.STOPPING = '1';
      next = { ...next, isStoppingSent: true };
    }
  } else if (!phase.isReadySent && SETTLED_MODES.includes(state.mode)) {
    fields.READY = '1';
    next = { ...next, isReadySent: true };
  }
  return { fields, phase: next };
}

/** While systemd still waits for READY=1, each tick pushes its start timeout further out. */
export function planStartExtension(phase: NotifyPhase, extensionMs: number): NotifyFields {
  if (phase.isReadySent || phase.isStoppingSent) return {};
  return { EXTEND_TIMEOUT_USEC: String(extensionMs * 1000) };
}

/** RELOADING=1 carries the monotonic time: systemd 253+ (Type=notify-reload) needs it, 252 ignores it. */
export function planReloading(phase: NotifyPhase, monotonicUs: bigint): NotifyFields {
  if (!phase.isReadySent || phase.isStoppingSent) return {};
  return { RELOADING: '1', MONOTONIC_USEC: monotonicUs.toString() };
}

export function planReloaded(phase: NotifyPhase, state: SupervisorState): NotifyFields {
  if (!phase.isReadySent || phase.isStoppingSent) return {};
  return { READY: '1', STATUS: formatStatusLine(state) };
}
