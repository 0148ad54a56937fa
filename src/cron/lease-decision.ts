/**
 * The cron leader's lease, as a pure decision: given the clock, what this node last heard from Redis and whether its
 * gateway's cron is on, which role it has and what to do next. No clock, no timers, no I/O: the cron part carries it out.
 */
import type { Mode } from '../supervisor/modes.js';

export type CronRole = 'leader' | 'follower' | 'no-quorum';

/** What the last call to Redis answered. */
export type LeaseOutcome =
  | 'none' // nothing asked yet
  | 'acquired' // this node took the lease
  | 'renewed' // the compare-and-set extended this node's lease
  | 'held-by-other' // another node holds the key
  | 'lost' // the key no longer has this node's token (expired, overwritten, flushed)
  | 'released' // this node dropped the lease (step-down, shutdown)
  | 'error'; // Redis did not answer in time, refused, or failed

/** `observe`: only read who holds the lease (during a hold-off after a step-down). */
export type LeaseAction = 'turn-cron-off' | 'turn-cron-on' | 'renew' | 'try-acquire' | 'release' | 'observe';

export interface LeaseTiming {
  leaseMs: number;
  /** A renewal this often: a third of the lease, so two can fail before the safety margin. */
  renewEveryMs: number;
  /** Cron goes off when less than this is left of the lease: the time to switch cron off, plus clock drift. */
  safetyMarginMs: number;
}

export interface LeaseInput {
  nowMs: number;
  /** The clock at the previous decision: a clock that went back makes the lease's local deadline untrustworthy. */
  previousNowMs: number | null;
  /** Until when this node may count on its lease (the send time of the last successful acquire or renew + leaseMs); null when not held. */
  heldUntilMs: number | null;
  /** Cron may go on only from here: after Redis lost its state (the term counter went back), an old leader's lease must run out first. */
  cronOnNotBeforeMs: number | null;
  lastOutcome: LeaseOutcome;
  /** When the last call to Redis was sent; null before the first. */
  lastAttemptAtMs: number | null;
  /** Whether the gateway's cron is on now, as read back from where it is switched. */
  isCronOn: boolean;
  /** The operator asked to hand leadership over. */
  isStepDownRequested: boolean;
  /** After a step-down this node does not try to take the lease back before this, so another one gets it. */
  holdOffUntilMs: number | null;
  /** The last time this node knew of a leader (itself or another); null when never. */
  leaderSeenAtMs: number | null;
  timing: LeaseTiming;
}

export interface LeaseDecision {
  role: CronRole;
  /** In order: cron off always comes before anything that waits on Redis. */
  actions: LeaseAction[];
  /** The clock jumped back: the held lease is treated as lost until Redis confirms it again. */
  isClockJumpBack: boolean;
  /** No leader known for longer than two leases: `cron-no-leader`. */
  isNoLeader: boolean;
  /** When to decide again at the latest. */
  nextDecisionAtMs: number;
}

export function decideLease(input: LeaseInput): LeaseDecision {
  const { nowMs, timing } = input;
  const isClockJumpBack = input.previousNowMs !== null && nowMs < input.previousNowMs;
  const safeUntilMs = input.heldUntilMs === null ? null : input.heldUntilMs - timing.safetyMarginMs;
  const isKeyGone = input.lastOutcome === 'lost' || input.lastOutcome === 'held-by-other' || input.lastOutcome === 'released';
  const isHolding = safeUntilMs !== null && !isKeyGone && !isClockJumpBack && nowMs < safeUntilMs && !input.isStepDownRequested;
  const mayRunCron = isHolding && (input.cronOnNotBeforeMs === null || nowMs >= input.cronOnNotBeforeMs);

  const actions: LeaseAction[] = [];
  if (input.isCronOn && !mayRunCron) actions.push('turn-cron-off');
  if (!input.isCronOn && mayRunCron) actions.push('turn-cron-on');

  const isAttemptDue =
    input.lastAttemptAtMs === null ||
    isClockJumpBack ||
    nowMs < input.lastAttemptAtMs ||
    nowMs - input.lastAttemptAtMs >= timing.renewEveryMs ||
    input.lastOutcome === 'lost';
  // Bounded below too: a clock that jumped back must not stretch a hold-off of one lease into hours.
  const isHoldingOff = input.holdOffUntilMs !== null && nowMs < input.holdOffUntilMs && nowMs >= input.holdOffUntilMs - 2 * timing.leaseMs;
  if (input.isStepDownRequested && input.heldUntilMs !== null) actions.push('release');
  else if (isAttemptDue && input.heldUntilMs !== null) actions.push('renew');
  else if (isAttemptDue && !isHoldingOff && !input.isStepDownRequested) actions.push('try-acquire');
  else if (isAttemptDue && isHoldingOff) actions.push('observe');

  const role: CronRole = isHolding ? 'leader' : input.lastOutcome === 'error' ? 'no-quorum' : 'follower';
  const knowsLeader = isHolding || input.lastOutcome === 'held-by-other';
  const isNoLeader = !knowsLeader && (input.leaderSeenAtMs === null || nowMs - input.leaderSeenAtMs > 2 * timing.leaseMs);

  const isAttempting = actions.some((action) => action === 'renew' || action === 'try-acquire' || action === 'release' || action === 'observe');
  const attemptBase = isAttempting || input.lastAttemptAtMs === null ? nowMs : input.lastAttemptAtMs;
  // A due attempt held back (the hold-off) must not count, or the next decision would be now, again and again.
  const candidates = isAttemptDue && !isAttempting ? [] : [attemptBase + timing.renewEveryMs];
  if (isHolding && safeUntilMs !== null) candidates.push(safeUntilMs);
  if (isHolding && !mayRunCron && input.cronOnNotBeforeMs !== null) candidates.push(input.cronOnNotBeforeMs);
  if (isHoldingOff && input.holdOffUntilMs !== null) candidates.push(input.holdOffUntilMs);
  const nextDecisionAtMs = Math.max(nowMs, Math.min(...candidates));
  return { role, actions, isClockJumpBack, isNoLeader, nextDecisionAtMs };
}

/** A gateway clawsupd will not start by itself (diagnose, held, stopped) runs no cron: its lease goes to another node. */
export function isGatewayAway(mode: Mode): boolean {
  return mode === 'diagnose' || mode === 'held' || mode === 'stopping' || mode === 'stopped';
}

export interface GatewayReadiness {
  gatewayPid: number | null;
  /** The supervisor's startup probe saw the gateway started (true from the spawn when the probe is off). */
  isStarted: boolean;
  isHealthEnabled: boolean;
  /** The gateway that printed its ready line (or answered cron.list). */
  readyGatewayPid: number | null;
}

/**
 * The real gateway exits 78 when its config changes while it starts: cron goes on only once this gateway said ready
 * (or the startup probe saw it started), and only such a node bids for the lease.
 */
export function isGatewayReadyForCron(gateway: GatewayReadiness): boolean {
  if (gateway.gatewayPid === null) return false;
  // Without the startup probe, isStarted is true from the spawn: only the ready line counts then.
  return (gateway.isHealthEnabled && gateway.isStarted) || gateway.readyGatewayPid === gateway.gatewayPid;
}

/** What the cron part knows at a tick: its lease, its gateway, its fencer, and whether the operator asked for a step-down. */
export interface CronTickInput {
  nowMs: number;
  previousNowMs: number | null;
  lease: Pick<LeaseInput, 'heldUntilMs' | 'cronOnNotBeforeMs' | 'lastOutcome' | 'lastAttemptAtMs' | 'holdOffUntilMs' | 'leaderSeenAtMs'> & { isHeld: boolean };
  /** cron.enabled as read back (an unreadable file counts as on, so that it gets turned off). */
  isCronOn: boolean;
  /** The fencer runs and said it is ready. */
  isFencerAlive: boolean;
  isGatewayReady: boolean;
  gatewayMode: Mode;
  /** clawctl cron step-down is waiting for an answer. */
  isStepDownAsked: boolean;
  timing: LeaseTiming;
}

export interface CronTickPlan {
  /** No fence, no cron: cron off at once, before the decision (the fencer is not told: it cannot guard anything). */
  isUnfencedCronOff: boolean;
  decision: LeaseDecision;
  /** The deadline to keep: after a jump back no later than now, or it would look valid again at the next decision. */
  heldUntilMs: number | null;
  /** The decision's actions as carried out here: cron on only with a fence, a deadline and a ready gateway; no bid before the gateway is ready, only a read. */
  actions: LeaseAction[];
}

export function planCronTick(input: CronTickInput): CronTickPlan {
  const { nowMs, lease } = input;
  const decision = decideLease({
    nowMs,
    previousNowMs: input.previousNowMs,
    heldUntilMs: lease.heldUntilMs,
    cronOnNotBeforeMs: lease.cronOnNotBeforeMs,
    lastOutcome: lease.lastOutcome,
    lastAttemptAtMs: lease.lastAttemptAtMs,
    isCronOn: input.isCronOn && input.isFencerAlive,
    isStepDownRequested: input.isStepDownAsked || (isGatewayAway(input.gatewayMode) && lease.isHeld),
    holdOffUntilMs: lease.holdOffUntilMs,
    leaderSeenAtMs: lease.leaderSeenAtMs,
    timing: input.timing,
  });
  const heldUntilMs = decision.isClockJumpBack && lease.heldUntilMs !== null ? Math.min(lease.heldUntilMs, nowMs) : lease.heldUntilMs;
  const actions = decision.actions.flatMap((action): LeaseAction[] => {
    if (action === 'turn-cron-on') return input.isFencerAlive && heldUntilMs !== null && input.isGatewayReady ? [action] : [];
    if (action === 'try-acquire' && !input.isGatewayReady) return ['observe'];
    return [action];
  });
  return { isUnfencedCronOff: !input.isFencerAlive && input.isCronOn, decision, heldUntilMs, actions };
}

/** How long the fencer lets cron stay on from `nowMs`: up to the lease's safety margin. */
export function fenceGuardForMs(heldUntilMs: number, timing: LeaseTiming, nowMs: number): number {
  return heldUntilMs - timing.safetyMarginMs - nowMs;
}

/**
 * The term of a new lease: Redis's counter, unless it went back (Redis restarted empty or was flushed); then one past
 * the highest term this node has seen, so a term never repeats.
 */
export function chooseTerm(counterValue: number, highestSeenTerm: number): { term: number; isCounterReset: boolean } {
  if (counterValue > highestSeenTerm) return { term: counterValue, isCounterReset: false };
  return { term: highestSeenTerm + 1, isCounterReset: true };
}

/** The lease's timing from the config: a renewal every third of the lease, a margin of a quarter unless set. */
export function leaseTiming(leaseMs: number, safetyMarginMs: number | undefined): LeaseTiming {
  return { leaseMs, renewEveryMs: Math.floor(leaseMs / 3), safetyMarginMs: safetyMarginMs ?? Math.floor(leaseMs / 4) };
}
