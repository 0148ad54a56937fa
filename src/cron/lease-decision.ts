/**
 * The cron leader's lease, as a pure decision: given the clock, what this node last heard from Redis and whether its
 * gateway's cron is on, which role it has and what to do next. No clock, no timers, no I/O: the cron part carries it out.
 */

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
