import type { Diagnosis, ExitRecord, Mode } from './modes.js';
import type { RestartPolicy } from './restart-policy.js';

/** What clawsupd wants while the gateway is down or being stopped. */
export type Intent = 'run' | 'restart' | 'hold' | 'shutdown';

/** Why clawsupd signalled the running gateway, if it did. */
export type StopCause = 'requested' | 'hang' | 'start-timeout';

export type TimerName = 'backoff' | 'stop-escalation';

export interface GatewayState {
  pid: number | null;
  startedAtMs: number | null;
  restarts: number;
  lastExit: ExitRecord | null;
}

export interface SupervisorState {
  mode: Mode;
  modeSinceMs: number;
  reasons: string[];
  gateway: GatewayState;
  failureTimesMs: number[];
  consecutiveFailures: number;
  diagnosis: Diagnosis | null;
  intent: Intent;
  stopCause: StopCause | null;
  /** What the probes saw when they had the gateway killed: it leads the exit record's evidence. */
  stopEvidence: string[];
  /** True for the single attempt made on leaving diagnose mode: one more failure goes straight back. */
  isFreshAttempt: boolean;
  /** When the backoff timer brings the gateway back; null outside backoff. */
  nextAttemptAtMs: number | null;
  /** Bumped on every timer set, so a timer that fires after being replaced is ignored. */
  timerSeq: number;
  /** Health as the probes last reported it; null until a probe has spoken for this gateway. */
  health: HealthVerdict | null;
  /** The startup probe's verdict on the current gateway; without a startup probe a spawned gateway counts as started. */
  isStarted: boolean;
  /** Why each source (a probe, the skills) finds the node degraded, in the order the sources first spoke. */
  degradations: Readonly<Record<string, readonly string[]>>;
  /** A watched input changed while the gateway was not yet in diagnose: the fix to try when diagnose begins, if it came after the failures began. */
  changedWhileFailing: InputChange | null;
}

/** A watched file and when it changed (its mtime). */
export interface InputChange {
  path: string;
  changedAtMs: number;
}

export interface HealthVerdict {
  isStarted: boolean;
  /** Why the node is degraded while the gateway core is up; empty when all is well. */
  degradedReasons: string[];
}

export interface SupervisorPolicy extends RestartPolicy {
  stopTimeoutMs: number;
  hangKillTimeoutMs: number;
  /** With probes the gateway is `starting` until its startup probe passes; without, it is healthy once spawned. */
  hasStartupProbe: boolean;
}

export type SupervisorEvent =
  | { type: 'daemon-started'; atMs: number }
  | { type: 'gateway-spawned'; atMs: number; pid: number }
  | { type: 'gateway-spawn-failed'; atMs: number; errorCode: string; message: string }
  | { type: 'gateway-exited'; atMs: number; code: number | null; signal: string | null; outputTail: string[] }
  | { type: 'timer-fired'; atMs: number; timer: TimerName; seq: number }
  | { type: 'shutdown-requested'; atMs: number; signal: string }
  | { type: 'inputs-changed'; atMs: number; path: string }
  | { type: 'restart-requested'; atMs: number }
  | { type: 'resume-requested'; atMs: number }
  | { type: 'hold-requested'; atMs: number }
  | { type: 'release-requested'; atMs: number }
  | { type: 'hang-detected'; atMs: number; evidence: string[] }
  | { type: 'start-timed-out'; atMs: number; evidence?: string[] }
  | { type: 'health-reported'; atMs: number; verdict: HealthVerdict }
  | { type: 'startup-reported'; atMs: number; isStarted: boolean }
  | { type: 'degradation-reported'; atMs: number; source: string; reasons: readonly string[] }
  /** A watched file changed on disk; `inputs-changed` follows once the shell has found it valid. */
  | { type: 'input-touched'; atMs: number; path: string; changedAtMs: number }
  /** The diagnosis as written to diagnosis.json, with the facts the shell gathered (command, config check). */
  | { type: 'diagnosis-recorded'; atMs: number; diagnosis: Diagnosis };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type SupervisorEffect =
  | { type: 'spawn-gateway' }
  | { type: 'signal-gateway'; signal: 'SIGTERM' | 'SIGKILL' }
  | { type: 'set-timer'; timer: TimerName; delayMs: number; seq: number }
  | { type: 'clear-timer'; timer: TimerName }
  | { type: 'write-diagnosis'; diagnosis: Diagnosis }
  /** Reload the config if `path` is it; dispatch `inputs-changed` when the input is valid. */
  | { type: 'validate-input'; path: string }
  | { type: 'log'; level: LogLevel; fields: Record<string, unknown>; message: string }
  | { type: 'exit-daemon'; code: number };

export interface Transition {
  state: SupervisorState;
  effects: SupervisorEffect[];
}

export function createInitialState(nowMs: number): SupervisorState {
  return {
    mode: 'starting',
    modeSinceMs: nowMs,
    reasons: [],
    gateway: { pid: null, startedAtMs: null, restarts: 0, lastExit: null },
    failureTimesMs: [],
    consecutiveFailures: 0,
    diagnosis: null,
    intent: 'run',
    stopCause: null,
    stopEvidence: [],
    isFreshAttempt: false,
    nextAttemptAtMs: null,
    timerSeq: 0,
    health: null,
    isStarted: false,
    degradations: {},
    changedWhileFailing: null,
  };
}
