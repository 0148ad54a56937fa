import type { Mode } from '../supervisor/modes.js';

/**
 * One apply of a gateway config as a state machine: validate -> audit the live gateway (the before snapshot) -> back
 * up -> swap -> restart -> wait until healthy (for a settle time, within a deadline) -> audit again -> keep; or, on an
 * exit, diagnose, the deadline or a capability lost against the before snapshot, restore the backup, restart, wait,
 * and say why. Pure: the runner (gateway-config-service.ts) carries out the effects and feeds back what happened.
 */
export type ApplyOutcome = 'applied' | 'refused' | 'rolled-back' | 'rollback-failed' | 'dry-run';

export type ApplyPhase =
  | { step: 'validating' }
  /** The capability audit: `before` of the live gateway (saved with the backup), `after` of the one on the candidate. */
  | { step: 'auditing'; when: 'before' | 'after' }
  | { step: 'backing-up' }
  | { step: 'swapping' }
  | { step: 'verifying'; isSettling: boolean }
  | { step: 'restoring'; reason: string }
  | { step: 'recovering'; reason: string; isSettling: boolean }
  | { step: 'done'; outcome: ApplyOutcome; reason: string | null };

export interface ApplyOptions {
  isDryRun: boolean;
  /** --no-verify: restart on the candidate and keep it without waiting for healthy. */
  isVerifying: boolean;
  /** Audit the capabilities before the swap and after the restart; a capability lost rolls back. Off unless verifying. */
  isAuditing?: boolean;
}

/** What the runner saw of the gateway: its mode, a failed exit since the restart, its degraded reasons. */
export interface GatewayObservation {
  mode: Mode;
  /** The first exit since the restart that was not the restart's own stop; null while there is none. */
  exit: { code: number | null; signal: string | null; class: string; reason: string } | null;
  degradedReasons: readonly string[];
}

export type ApplyEvent =
  | { type: 'validated'; issues: readonly string[] }
  /** An audit finished: the capabilities `ok` before and failed or gone now (for the before audit, none). */
  | { type: 'audited'; lost: readonly string[] }
  | { type: 'backed-up' }
  | { type: 'swapped' }
  | { type: 'restored' }
  | { type: 'step-failed'; error: string }
  | { type: 'gateway-observed'; observation: GatewayObservation }
  | { type: 'settle-elapsed'; observation: GatewayObservation }
  | { type: 'deadline-passed'; observation: GatewayObservation };

export type ApplyEffect =
  | { type: 'validate' }
  | { type: 'audit'; when: 'before' | 'after' }
  | { type: 'back-up' }
  | { type: 'write-candidate' }
  /** Restart the gateway and watch it; the runner arms the deadline with the restart. */
  | { type: 'restart-gateway' }
  | { type: 'arm-settle' }
  | { type: 'cancel-settle' }
  | { type: 'restore-backup' }
  | { type: 'finish'; outcome: ApplyOutcome; reason: string | null };

export interface ApplyStep {
  phase: ApplyPhase;
  effects: ApplyEffect[];
}

// Reasons that say nothing about the candidate: drift is what an apply settles, and no cron leader is Redis out of reach.
const IGNORED_REASONS = new Set(['config-drift', 'cron-no-leader']);

export function startApply(): ApplyStep {
  return { phase: { step: 'validating' }, effects: [{ type: 'validate' }] };
}

/** Up, still coming up, or failed (with why), judged against the reasons the node had before the apply. */
export function judgeGateway(observation: GatewayObservation, reasonsBefore: readonly string[]): { verdict: 'up' } | { verdict: 'waiting' } | { verdict: 'failed'; reason: string } {
  const { exit, mode } = observation;
  if (exit !== null && exit.class !== 'clean' && exit.class !== 'requested') {
    const how = exit.signal === null ? `code ${exit.code}` : `signal ${exit.signal}`;
    return { verdict: 'failed', reason: `gateway-exited: ${how}, ${exit.class}: ${exit.reason}` };
  }
  if (mode === 'diagnose') return { verdict: 'failed', reason: 'gateway-diagnose' };
  if (mode === 'healthy') return { verdict: 'up' };
  if (mode === 'degraded') return newReasons(observation, reasonsBefore).length === 0 ? { verdict: 'up' } : { verdict: 'waiting' };
  return { verdict: 'waiting' };
}

function newReasons(observation: GatewayObservation, reasonsBefore: readonly string[]): string[] {
  return observation.degradedReasons.filter((reason) => !IGNORED_REASONS.has(reason) && !reasonsBefore.includes(reason));
}

function describeTimeout(observation: GatewayObservation, reasonsBefore: readonly string[]): string {
  const added = newReasons(observation, reasonsBefore);
  return added.length > 0 ? `not-healthy-in-time: mode ${observation.mode} (${added.join(', ')})` : `not-healthy-in-time: mode ${observation.mode}`;
}

function finish(outcome: ApplyOutcome, reason: string | null, extra: ApplyEffect[] = []): ApplyStep {
  return { phase: { step: 'done', outcome, reason }, effects: [...extra, { type: 'finish', outcome, reason }] };
}

function rollBack(reason: string, extra: ApplyEffect[] = []): ApplyStep {
  return { phase: { step: 'restoring', reason }, effects: [...extra, { type: 'restore-backup' }] };
}

/** The next phase and what to do, for one event; an event that does not fit the phase changes nothing. */
export function stepApply(phase: ApplyPhase, event: ApplyEvent, options: ApplyOptions, reasonsBefore: readonly string[]): ApplyStep {
  const same: ApplyStep = { phase, effects: [] };
  switch (phase.step) {
    case 'validating':
      if (event.type === 'step-failed') return finish('refused', event.error);
      if (event.type !== 'validated') return same;
      if (event.issues.length > 0) return finish('refused', event.issues.join('; '));
      if (options.isDryRun) return finish('dry-run', null);
      if (isAuditing(options)) return { phase: { step: 'auditing', when: 'before' }, effects: [{ type: 'audit', when: 'before' }] };
      return { phase: { step: 'backing-up' }, effects: [{ type: 'back-up' }] };
    case 'auditing':
      return phase.when === 'before' ? stepAuditBefore(phase, event) : stepAuditAfter(phase, event, reasonsBefore);
    case 'backing-up':
      // Nothing was swapped yet: the live config is untouched.
      if (event.type === 'step-failed') return finish('refused', `backup-failed: ${event.error}`);
      if (event.type !== 'backed-up') return same;
      return { phase: { step: 'swapping' }, effects: [{ type: 'write-candidate' }] };
    case 'swapping':
      if (event.type === 'step-failed') return finish('refused', `write-failed: ${event.error}`);
      if (event.type !== 'swapped') return same;
      if (!options.isVerifying) return finish('applied', 'not verified (--no-verify)', [{ type: 'restart-gateway' }]);
      return { phase: { step: 'verifying', isSettling: false }, effects: [{ type: 'restart-gateway' }] };
    case 'verifying':
      return stepWait(phase, event, reasonsBefore, {
        onUp: () => (isAuditing(options) ? { phase: { step: 'auditing', when: 'after' }, effects: [{ type: 'audit', when: 'after' }] } : finish('applied', null)),
        onFailed: (reason, settle) => rollBack(reason, settle),
      });
    case 'restoring':
      if (event.type === 'step-failed') return finish('rollback-failed', `${phase.reason}; restore-failed: ${event.error}`);
      if (event.type !== 'restored') return same;
      return { phase: { step: 'recovering', reason: phase.reason, isSettling: false }, effects: [{ type: 'restart-gateway' }] };
    case 'recovering':
      return stepWait(phase, event, reasonsBefore, {
        onUp: () => finish('rolled-back', phase.reason),
        // The old config came back and crashed once: the supervisor restarts it; only diagnose or the deadline ends the wait.
        onFailed: (reason, settle) => (reason.startsWith('gateway-exited') ? { phase: { ...phase, isSettling: false }, effects: settle } : finish('rollback-failed', `${phase.reason}; then ${reason}`, settle)),
      });
    case 'done':
      return same;
  }
}

function isAuditing(options: ApplyOptions): boolean {
  return options.isVerifying && options.isAuditing === true;
}

/** The reason a rollback for lost capabilities gives: `capability-lost:<id>` for each, as the node's reasons name them. */
export function describeLost(lost: readonly string[]): string {
  return lost.map((id) => `capability-lost:${id}`).join(', ');
}

// The before audit only informs: one that could not run leaves the apply without the comparison (the runner says so).
function stepAuditBefore(phase: ApplyPhase, event: ApplyEvent): ApplyStep {
  if (event.type !== 'audited' && event.type !== 'step-failed') return { phase, effects: [] };
  return { phase: { step: 'backing-up' }, effects: [{ type: 'back-up' }] };
}

/** The gateway on the candidate is up and settled: what the audit lost rolls it back, and so does a gateway failing meanwhile. */
function stepAuditAfter(phase: ApplyPhase, event: ApplyEvent, reasonsBefore: readonly string[]): ApplyStep {
  if (event.type === 'audited') return event.lost.length > 0 ? rollBack(describeLost(event.lost)) : finish('applied', null);
  if (event.type === 'step-failed') return finish('applied', `not audited after the restart: ${event.error}`);
  if (event.type !== 'gateway-observed' && event.type !== 'deadline-passed' && event.type !== 'settle-elapsed') return { phase, effects: [] };
  const judged = judgeGateway(event.observation, reasonsBefore);
  return judged.verdict === 'failed' ? rollBack(judged.reason) : { phase, effects: [] };
}

interface WaitEnds {
  onUp(): ApplyStep;
  onFailed(reason: string, cancelSettle: ApplyEffect[]): ApplyStep;
}

function stepWait(phase: Extract<ApplyPhase, { isSettling: boolean }>, event: ApplyEvent, reasonsBefore: readonly string[], ends: WaitEnds): ApplyStep {
  const cancel: ApplyEffect[] = phase.isSettling ? [{ type: 'cancel-settle' }] : [];
  if (event.type !== 'gateway-observed' && event.type !== 'settle-elapsed' && event.type !== 'deadline-passed') return { phase, effects: [] };
  const judged = judgeGateway(event.observation, reasonsBefore);
  if (judged.verdict === 'failed') return ends.onFailed(judged.reason, cancel);
  if (event.type === 'deadline-passed') {
    if (judged.verdict === 'up' && phase.isSettling) return ends.onUp();
    return ends.onFailed(describeTimeout(event.observation, reasonsBefore), cancel);
  }
  if (event.type === 'settle-elapsed') {
    if (judged.verdict === 'up' && phase.isSettling) return ends.onUp();
    return { phase: { ...phase, isSettling: false }, effects: [] };
  }
  if (judged.verdict === 'up') return phase.isSettling ? { phase, effects: [] } : { phase: { ...phase, isSettling: true }, effects: [{ type: 'arm-settle' }] };
  return { phase: { ...phase, isSettling: false }, effects: cancel };
}
