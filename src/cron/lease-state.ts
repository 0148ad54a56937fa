import type { AcquireResult, LeaseHolder } from './lease-backend.js';
import type { LeaseOutcome } from './lease-decision.js';

/**
 * What this node knows of the cron lease, and how each answer from Redis changes it. Pure: the send time of each
 * call comes in as a number, and every function returns a new state.
 */
export interface LeaseState {
  /** The value this node stored under the lease key; null when it does not hold the lease. */
  heldValue: string | null;
  heldTerm: number | null;
  heldAcquiredAt: string;
  /** Send time of the last acquire or renewal that Redis confirmed + leaseMs. */
  heldUntilMs: number | null;
  cronOnNotBeforeMs: number | null;
  lastOutcome: LeaseOutcome;
  lastAttemptAtMs: number | null;
  holdOffUntilMs: number | null;
  leaderSeenAtMs: number | null;
  otherHolder: LeaseHolder | null;
  otherExpiresAtMs: number | null;
  lastError: string | null;
  highestTermSeen: number;
  renewFailures: number;
}

/** After one call: the new state, and whether it saw a term past the highest seen (to be written durably). */
export interface LeaseAnswer {
  state: LeaseState;
  isNewTerm: boolean;
}

export function initialLeaseState(highestTermSeen: number): LeaseState {
  return {
    heldValue: null,
    heldTerm: null,
    heldAcquiredAt: '',
    heldUntilMs: null,
    cronOnNotBeforeMs: null,
    lastOutcome: 'none',
    lastAttemptAtMs: null,
    holdOffUntilMs: null,
    leaderSeenAtMs: null,
    otherHolder: null,
    otherExpiresAtMs: null,
    lastError: null,
    highestTermSeen,
    renewFailures: 0,
  };
}

/** A call to Redis leaves at `sentAtMs`: counted even if it then fails. */
export function noteAttempt(state: LeaseState, sentAtMs: number): LeaseState {
  return { ...state, lastAttemptAtMs: sentAtMs };
}

export function dropLease(state: LeaseState, outcome: LeaseOutcome): LeaseState {
  return { ...state, heldValue: null, heldTerm: null, heldUntilMs: null, cronOnNotBeforeMs: null, lastOutcome: outcome };
}

export function afterAcquire(state: LeaseState, result: AcquireResult, sentAtMs: number, leaseMs: number): LeaseAnswer {
  if (result.kind === 'acquired') {
    const term = result.holder.term;
    return {
      state: {
        ...state,
        heldValue: result.value,
        heldTerm: term,
        heldAcquiredAt: result.holder.acquiredAt,
        heldUntilMs: sentAtMs + leaseMs,
        // Redis lost its state: an old leader may still be inside its lease, so cron waits until that lease has run out.
        cronOnNotBeforeMs: result.isCounterReset ? sentAtMs + leaseMs : null,
        otherHolder: null,
        otherExpiresAtMs: null,
        lastOutcome: 'acquired',
        leaderSeenAtMs: sentAtMs,
        lastError: null,
        highestTermSeen: Math.max(state.highestTermSeen, term),
      },
      isNewTerm: term > state.highestTermSeen,
    };
  }
  return seeHolder({ ...state, lastOutcome: 'held-by-other', leaderSeenAtMs: sentAtMs, lastError: null }, result.holder, result.remainingMs, sentAtMs);
}

export function afterObserve(state: LeaseState, seen: { holder: LeaseHolder | null; remainingMs: number | null }, sentAtMs: number): LeaseAnswer {
  const lastOutcome: LeaseOutcome = seen.holder === null ? 'released' : 'held-by-other';
  const leaderSeenAtMs = seen.holder === null ? state.leaderSeenAtMs : sentAtMs;
  return seeHolder({ ...state, lastOutcome, leaderSeenAtMs, lastError: null }, seen.holder, seen.remainingMs, sentAtMs);
}

function seeHolder(state: LeaseState, holder: LeaseHolder | null, remainingMs: number | null, sentAtMs: number): LeaseAnswer {
  const isNewTerm = holder !== null && holder.term > state.highestTermSeen;
  return {
    state: {
      ...state,
      otherHolder: holder,
      otherExpiresAtMs: remainingMs === null ? null : sentAtMs + remainingMs,
      highestTermSeen: isNewTerm ? holder.term : state.highestTermSeen,
    },
    isNewTerm,
  };
}

export function afterRenew(state: LeaseState, isHeld: boolean, sentAtMs: number, leaseMs: number): LeaseState {
  if (!isHeld) {
    const lastError = 'the lease key no longer holds this node\'s token (expired, overwritten or flushed)';
    return dropLease({ ...state, renewFailures: state.renewFailures + 1, lastError }, 'lost');
  }
  return { ...state, heldUntilMs: sentAtMs + leaseMs, lastOutcome: 'renewed', leaderSeenAtMs: sentAtMs, lastError: null };
}

/** Released (or its release failed: the key then expires by itself): no bid for the lease again for one lease, so another node gets it. */
export function afterRelease(state: LeaseState, nowMs: number, leaseMs: number): LeaseState {
  return { ...dropLease(state, 'released'), holdOffUntilMs: nowMs + leaseMs };
}

export interface RedisFailure {
  errorText: string;
  isRenewal: boolean;
  /** cron.leader.onRedisUnreachable is keep-last-role. */
  isKeepLastRole: boolean;
  leaseMs: number;
}

/** Redis did not answer. With keep-last-role a leader counts its lease as renewed at the failed call's send time. */
export function afterRedisFailure(state: LeaseState, failure: RedisFailure): { state: LeaseState; isKeepingRole: boolean } {
  const lastError = `redis: ${failure.errorText}`;
  const renewFailures = state.renewFailures + (failure.isRenewal ? 1 : 0);
  if (failure.isKeepLastRole && state.heldValue !== null && state.lastAttemptAtMs !== null) {
    return {
      state: {
        ...state,
        renewFailures,
        heldUntilMs: state.lastAttemptAtMs + failure.leaseMs,
        lastOutcome: 'renewed',
        lastError: `${lastError}; keeping the leader role (cron.leader.onRedisUnreachable keep-last-role): another node may lead too once Redis is back to it first`,
      },
      isKeepingRole: true,
    };
  }
  return { state: { ...state, renewFailures, lastError, lastOutcome: 'error' }, isKeepingRole: false };
}
