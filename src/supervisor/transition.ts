import { classifyExit, isResourceShortage } from './classify-exit.js';
import { hintFor } from './diagnosis-hints.js';
import type { DiagnoseTrigger, Diagnosis, ExitRecord, Mode } from './modes.js';
import { computeRestartDelayMs, pruneFailureTimes } from './restart-policy.js';
import type {
  InputChange,
  LogLevel,
  SupervisorEffect,
  SupervisorEvent,
  SupervisorPolicy,
  SupervisorState,
  TimerName,
  Transition,
} from './supervisor-state.js';

/** The supervisor's whole decision table: (state, event) -> (state, effects). Pure. */
export function transition(state: SupervisorState, event: SupervisorEvent, policy: SupervisorPolicy): Transition {
  switch (event.type) {
    case 'daemon-started':
      return spawnGateway(state, event.atMs);
    case 'gateway-spawned':
      return onSpawned(state, event.pid, event.atMs, policy);
    case 'gateway-spawn-failed':
      return onGatewayEnded(state, policy, {
        atMs: event.atMs,
        code: null,
        signal: null,
        outputTail: [event.message],
        spawnErrorCode: event.errorCode,
      });
    case 'gateway-exited':
      return onGatewayEnded(state, policy, { ...event, spawnErrorCode: null });
    case 'timer-fired':
      return onTimer(state, event.timer, event.seq, event.atMs);
    case 'shutdown-requested':
      return onShutdown(state, event.atMs, event.signal, policy);
    case 'inputs-changed':
      if (state.mode !== 'diagnose') return unchanged(state);
      return freshAttempt(state, event.atMs, `watched input changed: ${event.path}`);
    case 'resume-requested':
      if (state.mode !== 'diagnose') return unchanged(state);
      return freshAttempt(state, event.atMs, 'operator asked to resume');
    case 'restart-requested':
      return onRestartRequested(state, event.atMs, policy);
    case 'hold-requested':
      return onHold(state, event.atMs, policy);
    case 'release-requested':
      if (state.mode !== 'held') return unchanged(state);
      return spawnGateway({ ...state, intent: 'run', failureTimesMs: [], consecutiveFailures: 0 }, event.atMs);
    case 'hang-detected':
      return stopForFailure(state, event.atMs, policy, 'hang', event.evidence);
    case 'start-timed-out':
      return stopForFailure(state, event.atMs, policy, 'start-timeout', event.evidence ?? []);
    case 'health-reported':
      return onHealth(state, event.verdict, event.atMs);
    case 'startup-reported':
      if (state.isStarted === event.isStarted) return unchanged(state);
      return judgeHealth({ ...state, isStarted: event.isStarted }, event.atMs);
    case 'degradation-reported':
      return onDegradation(state, event.source, event.reasons, event.atMs);
    case 'input-touched':
      return onInputTouched(state, { path: event.path, changedAtMs: event.changedAtMs });
    case 'diagnosis-recorded':
      return onDiagnosisRecorded(state, event.diagnosis);
  }
}

function unchanged(state: SupervisorState): Transition {
  return { state, effects: [] };
}

function withMode(state: SupervisorState, mode: Mode, atMs: number, reasons: string[] = []): SupervisorState {
  const isSameReasons = reasons.length === state.reasons.length && reasons.every((r, i) => r === state.reasons[i]);
  if (state.mode === mode && isSameReasons) return state;
  return { ...state, mode, modeSinceMs: state.mode === mode ? state.modeSinceMs : atMs, reasons };
}

function isGatewayRunning(state: SupervisorState): boolean {
  return state.gateway.pid !== null;
}

function spawnGateway(state: SupervisorState, atMs: number): Transition {
  const next = withMode({ ...state, stopCause: null, stopEvidence: [], diagnosis: null, health: null, nextAttemptAtMs: null }, 'starting', atMs);
  return { state: next, effects: [{ type: 'clear-timer', timer: 'backoff' }, { type: 'spawn-gateway' }] };
}

function onSpawned(state: SupervisorState, pid: number, atMs: number, policy: SupervisorPolicy): Transition {
  const restarts = state.gateway.lastExit === null ? state.gateway.restarts : state.gateway.restarts + 1;
  const gateway = { ...state.gateway, pid, startedAtMs: atMs, restarts };
  const isStarted = !policy.hasStartupProbe;
  // What the sources already know (a stale skill) applies to the new gateway at once; a fresh attempt stays fresh
  // until a probe has spoken.
  const degradedReasons = Object.values(state.degradations).flat();
  const mode: Mode = !isStarted ? 'starting' : degradedReasons.length > 0 ? 'degraded' : 'healthy';
  const health = { isStarted, degradedReasons };
  const next = withMode({ ...state, gateway, isStarted, health }, mode, atMs, isStarted ? degradedReasons : []);
  return { state: next, effects: [log('info', { gatewayPid: pid, restarts }, 'gateway started')] };
}

interface EndFacts {
  atMs: number;
  code: number | null;
  signal: string | null;
  outputTail: string[];
  spawnErrorCode: string | null;
}

function onGatewayEnded(state: SupervisorState, policy: SupervisorPolicy, facts: EndFacts): Transition {
  const uptimeMs = state.gateway.startedAtMs === null ? 0 : Math.max(0, facts.atMs - state.gateway.startedAtMs);
  const verdict = classifyExit({
    code: facts.code,
    signal: facts.signal,
    uptimeMs,
    isStopRequested: state.stopCause === 'requested',
    killedForReason: state.stopCause === 'requested' ? null : state.stopCause,
    killEvidence: state.stopEvidence,
    spawnErrorCode: facts.spawnErrorCode,
    outputTail: facts.outputTail,
    minUptimeMs: policy.minUptimeMs,
  });
  const exitRecord: ExitRecord = {
    code: facts.code,
    signal: facts.signal,
    uptimeMs,
    class: verdict.class,
    reason: verdict.reason,
    evidence: verdict.evidence,
    at: new Date(facts.atMs).toISOString(),
  };
  const base: SupervisorState = {
    ...state,
    gateway: { ...state.gateway, pid: null, startedAtMs: null, lastExit: exitRecord },
    stopCause: null,
    stopEvidence: [],
    health: null,
    // A gateway that ran stably since the change has had its chance with it.
    changedWhileFailing: uptimeMs >= policy.stableAfterMs ? null : state.changedWhileFailing,
  };
  const exitLog = log(
    exitRecord.class === 'clean' || exitRecord.class === 'requested' ? 'info' : 'warn',
    { exitCode: facts.code, signal: facts.signal, uptimeMs, class: verdict.class, reason: exitRecord.reason },
    'gateway exited',
  );
  const effects: SupervisorEffect[] = [{ type: 'clear-timer', timer: 'stop-escalation' }, exitLog];
  const decided = decideAfterExit(base, exitRecord, facts.atMs, policy);
  return { state: decided.state, effects: [...effects, ...decided.effects] };
}

function decideAfterExit(state: SupervisorState, exit: ExitRecord, atMs: number, policy: SupervisorPolicy): Transition {
  switch (state.intent) {
    case 'shutdown':
      return {
        state: withMode(state, 'stopped', atMs),
        effects: [log('info', {}, 'clawsupd stopped'), { type: 'exit-daemon', code: 0 }],
      };
    case 'hold': {
      const counted = isFailure(exit) ? countFailure(state, exit, atMs, policy) : state;
      return { state: withMode(counted, 'held', atMs, ['held-by-operator']), effects: [log('info', {}, 'gateway held down by operator')] };
    }
    case 'restart':
      // A hang found while the operator asked for a restart still counts toward the failure window.
      return spawnGateway({ ...(isFailure(exit) ? countFailure(state, exit, atMs, policy) : state), intent: 'run' }, atMs);
    case 'run':
      break;
  }
  if (exit.class === 'requested' || exit.class === 'clean') {
    return spawnGateway({ ...state, isFreshAttempt: false }, atMs);
  }
  return onFailure(state, exit, atMs, policy);
}

function isFailure(exit: ExitRecord): boolean {
  return exit.class === 'transient' || exit.class === 'structural';
}

function countFailure(state: SupervisorState, exit: ExitRecord, atMs: number, policy: SupervisorPolicy): SupervisorState {
  const wasStable = exit.uptimeMs >= policy.stableAfterMs;
  const consecutiveFailures = (wasStable ? 0 : state.consecutiveFailures) + 1;
  const pruned = pruneFailureTimes(state.failureTimesMs, atMs, policy.failureWindowMs);
  // clawsupd short of descriptors or processes is not the gateway failing: backed off, never counted toward diagnose.
  const failureTimesMs = isResourceShortage(exit) ? pruned : [...pruned, atMs];
  return { ...state, consecutiveFailures, failureTimesMs };
}

function onFailure(state: SupervisorState, exit: ExitRecord, atMs: number, policy: SupervisorPolicy): Transition {
  const wasStable = exit.uptimeMs >= policy.stableAfterMs;
  const counted = countFailure(state, exit, atMs, policy);
  const { consecutiveFailures, failureTimesMs } = counted;

  if (exit.class === 'structural') return enterDiagnose(counted, exit, atMs, 'structural');
  if (state.isFreshAttempt && !wasStable && !isResourceShortage(exit)) return enterDiagnose(counted, exit, atMs, 'fresh-attempt-failed');
  if (failureTimesMs.length >= policy.failureLimit) return enterDiagnose(counted, exit, atMs, 'failure-limit');

  const delayMs = computeRestartDelayMs(consecutiveFailures, policy);
  const scheduled = log('info', { delayMs, consecutiveFailures, failuresInWindow: failureTimesMs.length }, 'gateway restart scheduled');
  if (delayMs === 0) {
    // No backoff asked for: a zero-delay timer would only add a turn of the event loop (and a status write) before the spawn.
    const spawned = spawnGateway(counted, atMs);
    return { state: spawned.state, effects: [scheduled, ...spawned.effects] };
  }
  const timerSeq = state.timerSeq + 1;
  const next = withMode({ ...counted, timerSeq, nextAttemptAtMs: atMs + delayMs }, 'backoff', atMs, [exit.reason]);
  return {
    state: next,
    effects: [
      { type: 'set-timer', timer: 'backoff', delayMs, seq: timerSeq },
      scheduled,
    ],
  };
}


function enterDiagnose(state: SupervisorState, exit: ExitRecord, atMs: number, trigger: DiagnoseTrigger): Transition {
  const hint = hintFor(exit.reason);
  const diagnosis: Diagnosis = {
    reason: exit.reason,
    class: exit.class,
    trigger,
    since: new Date(atMs).toISOString(),
    evidence: exit.evidence,
    hint,
    failuresInWindow: state.failureTimesMs.length,
    lastExit: exit,
  };
  const pending = state.changedWhileFailing;
  // Only a change made after the failures began is a fix: the edit that broke a healthy gateway is not.
  const pendingFix = pending !== null && pending.changedAtMs > firstFailureOfStreakMs(state) ? pending.path : null;
  const next = withMode({ ...state, diagnosis, isFreshAttempt: false, changedWhileFailing: null }, 'diagnose', atMs, [exit.reason]);
  const effects: SupervisorEffect[] = [
    { type: 'clear-timer', timer: 'backoff' },
    { type: 'write-diagnosis', diagnosis },
    log('warn', { reason: exit.reason, class: exit.class, trigger, failuresInWindow: diagnosis.failuresInWindow, hint }, 'diagnose mode: gateway not restarted'),
  ];
  // A fix made while the last attempts still failed gets its fresh attempt as soon as diagnose begins.
  if (pendingFix !== null) effects.push({ type: 'validate-input', path: pendingFix });
  return { state: next, effects };
}

function onInputTouched(state: SupervisorState, change: InputChange): Transition {
  if (state.mode === 'diagnose') {
    // A change from before the failures began (seen late by the watcher) is the edit that broke it, not a fix.
    if (change.changedAtMs <= firstFailureOfStreakMs(state)) return unchanged(state);
    return { state, effects: [{ type: 'validate-input', path: change.path }] };
  }
  return unchanged({ ...state, changedWhileFailing: change });
}

/** When the current run of failures began (failures since the last stable run, within the window). */
function firstFailureOfStreakMs(state: SupervisorState): number {
  const { failureTimesMs, consecutiveFailures } = state;
  if (failureTimesMs.length === 0) return Number.POSITIVE_INFINITY;
  return failureTimesMs[Math.max(0, failureTimesMs.length - consecutiveFailures)] ?? Number.POSITIVE_INFINITY;
}

function onDiagnosisRecorded(state: SupervisorState, recorded: Diagnosis): Transition {
  // Facts gathered for a diagnosis that has since ended (or been replaced) are dropped.
  if (state.diagnosis === null || state.diagnosis.since !== recorded.since || state.diagnosis.reason !== recorded.reason) return unchanged(state);
  return unchanged({ ...state, diagnosis: recorded });
}

function onDegradation(state: SupervisorState, source: string, reasons: readonly string[], atMs: number): Transition {
  const previous = state.degradations[source] ?? [];
  if (previous.length === reasons.length && previous.every((reason, i) => reason === reasons[i])) return unchanged(state);
  const { [source]: _dropped, ...others } = state.degradations;
  const degradations = reasons.length === 0 ? others : { ...others, [source]: [...reasons] };
  return judgeHealth({ ...state, degradations }, atMs);
}

/** The health verdict from what the startup probe and every degradation source last said. */
function judgeHealth(state: SupervisorState, atMs: number): Transition {
  const degradedReasons = Object.values(state.degradations).flat();
  return onHealth(state, { isStarted: state.isStarted, degradedReasons }, atMs);
}

function freshAttempt(state: SupervisorState, atMs: number, why: string): Transition {
  const spawned = spawnGateway({ ...state, isFreshAttempt: true, intent: 'run' }, atMs);
  return { state: spawned.state, effects: [log('info', { why }, 'leaving diagnose mode: one fresh attempt'), ...spawned.effects] };
}

function onTimer(state: SupervisorState, timer: TimerName, seq: number, atMs: number): Transition {
  if (seq !== state.timerSeq) return unchanged(state);
  if (timer === 'backoff') {
    return state.mode === 'backoff' ? spawnGateway(state, atMs) : unchanged(state);
  }
  if (!isGatewayRunning(state)) return unchanged(state);
  return {
    state,
    effects: [
      log('warn', { gatewayPid: state.gateway.pid }, 'gateway did not stop in time: killing its process group'),
      { type: 'signal-gateway', signal: 'SIGKILL' },
    ],
  };
}

/** Sends SIGTERM to the gateway's group and arms the SIGKILL that follows if it lingers. */
function stopGateway(state: SupervisorState, timeoutMs: number): Transition {
  const timerSeq = state.timerSeq + 1;
  return {
    state: { ...state, timerSeq },
    effects: [
      { type: 'signal-gateway', signal: 'SIGTERM' },
      { type: 'set-timer', timer: 'stop-escalation', delayMs: timeoutMs, seq: timerSeq },
    ],
  };
}

function onShutdown(state: SupervisorState, atMs: number, signal: string, policy: SupervisorPolicy): Transition {
  if (!isGatewayRunning(state)) {
    const next = withMode({ ...state, intent: 'shutdown' }, 'stopped', atMs);
    return {
      state: next,
      effects: [
        { type: 'clear-timer', timer: 'backoff' },
        log('info', { signal }, 'clawsupd stopped'),
        { type: 'exit-daemon', code: 0 },
      ],
    };
  }
  if (state.intent === 'shutdown') {
    // A second request while already stopping means "now".
    return { state, effects: [log('warn', { signal }, 'second stop request: killing the gateway now'), { type: 'signal-gateway', signal: 'SIGKILL' }] };
  }
  const stop = requestStop(state, 'shutdown', atMs, policy);
  return { state: stop.state, effects: [log('info', { signal, gatewayPid: state.gateway.pid }, 'stopping gateway'), ...stop.effects] };
}

function onRestartRequested(state: SupervisorState, atMs: number, policy: SupervisorPolicy): Transition {
  if (state.intent === 'shutdown') return unchanged(state);
  if (!isGatewayRunning(state)) {
    return spawnGateway({ ...state, intent: 'run', isFreshAttempt: false, failureTimesMs: [], consecutiveFailures: 0 }, atMs);
  }
  return requestStop(state, 'restart', atMs, policy);
}

function onHold(state: SupervisorState, atMs: number, policy: SupervisorPolicy): Transition {
  if (state.intent === 'shutdown' || state.mode === 'held') return unchanged(state);
  if (!isGatewayRunning(state)) {
    const next = withMode({ ...state, intent: 'hold', diagnosis: null }, 'held', atMs, ['held-by-operator']);
    return { state: next, effects: [{ type: 'clear-timer', timer: 'backoff' }, log('info', {}, 'gateway held down by operator')] };
  }
  return requestStop(state, 'hold', atMs, policy);
}

/**
 * Stops the running gateway for an operator's or the daemon's reason. A gateway already being killed for hanging
 * keeps that cause and its short SIGKILL timer: only what happens after its exit changes.
 */
function requestStop(state: SupervisorState, intent: 'restart' | 'hold' | 'shutdown', atMs: number, policy: SupervisorPolicy): Transition {
  if (state.stopCause !== null) return { state: withMode({ ...state, intent }, 'stopping', atMs), effects: [] };
  const stopping = withMode({ ...state, intent, stopCause: 'requested' }, 'stopping', atMs);
  return stopGateway(stopping, policy.stopTimeoutMs);
}

function stopForFailure(
  state: SupervisorState,
  atMs: number,
  policy: SupervisorPolicy,
  reason: 'hang' | 'start-timeout',
  evidence: string[],
): Transition {
  if (!isGatewayRunning(state) || state.stopCause !== null) return unchanged(state);
  const stop = stopGateway({ ...state, stopCause: reason, stopEvidence: evidence }, policy.hangKillTimeoutMs);
  const why = log('warn', { gatewayPid: state.gateway.pid, reason, evidence }, 'gateway unresponsive: killing its process group');
  return { state: stop.state, effects: [why, ...stop.effects] };
}

function onHealth(state: SupervisorState, verdict: SupervisorState['health'], atMs: number): Transition {
  if (!isGatewayRunning(state) || state.stopCause !== null || state.intent !== 'run' || verdict === null) {
    return unchanged(state);
  }
  const withHealth = { ...state, health: verdict };
  if (!verdict.isStarted) return { state: withMode(withHealth, 'starting', atMs), effects: [] };
  const mode: Mode = verdict.degradedReasons.length > 0 ? 'degraded' : 'healthy';
  const next = withMode({ ...withHealth, isFreshAttempt: false }, mode, atMs, verdict.degradedReasons);
  const effects: SupervisorEffect[] = next.mode !== state.mode || next.reasons !== state.reasons
    ? [log('info', { mode, reasons: verdict.degradedReasons }, 'gateway health changed')]
    : [];
  return { state: next, effects };
}

function log(level: LogLevel, fields: Record<string, unknown>, message: string): SupervisorEffect {
  return { type: 'log', level, fields, message };
}
