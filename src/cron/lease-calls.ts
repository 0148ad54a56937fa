import { randomBytes } from 'node:crypto';
import type { Logger } from '../daemon/logger.js';
import { describeError } from '../describe-error.js';
import type { LeaseBackend } from './lease-backend.js';
import type { LeaseAction, LeaseOutcome } from './lease-decision.js';
import { afterAcquire, afterObserve, afterRedisFailure, afterRelease, afterRenew, dropLease, noteAttempt, type LeaseState } from './lease-state.js';

export type RedisAction = Exclude<LeaseAction, 'turn-cron-off' | 'turn-cron-on'>;

export interface LeaseCallsOptions {
  backend: LeaseBackend;
  clock: () => number;
  node: string;
  leaseMs: number;
  /** cron.leader.onRedisUnreachable is keep-last-role. */
  isKeepLastRole: boolean;
  log: Logger;
}

/** After a call: the lease, and how to write the status now (`durable`: a new term, which must survive a crash). */
export interface LeaseCallResult {
  lease: LeaseState;
  statusWrite: 'none' | 'routine' | 'durable';
}

/** Carries out one call to Redis and folds its answer (or its failure) into the lease state; logs what changed. */
export interface LeaseCalls {
  /** `current` reads the part's lease state at the moment. */
  run(action: RedisAction, current: () => LeaseState): Promise<LeaseCallResult>;
  /** At shutdown: drops the lease (a failed release expires by itself). */
  releaseAtExit(lease: LeaseState): Promise<LeaseState>;
}

export function createLeaseCalls(options: LeaseCallsOptions): LeaseCalls {
  const { backend, clock, node, leaseMs, log } = options;
  let isKeepingRoleSaid = false;

  function loseLease(before: LeaseState, outcome: LeaseOutcome, next: LeaseState): LeaseState {
    if (before.heldTerm !== null) log.warn({ term: before.heldTerm, outcome }, 'cron leadership lost');
    return next;
  }

  // Each call reads the lease again after its await: a failed cron switch may have set lastError meanwhile.
  async function tryAcquire(current: () => LeaseState, sentAtMs: number): Promise<LeaseCallResult> {
    const token = randomBytes(12).toString('hex');
    const previousTerm = current().otherHolder?.term ?? null;
    const result = await backend.acquire({ node, pid: process.pid, token, acquiredAt: new Date(sentAtMs).toISOString() }, leaseMs, current().highestTermSeen);
    const before = noteAttempt(current(), sentAtMs);
    const { state, isNewTerm } = afterAcquire(before, result, sentAtMs, leaseMs);
    if (result.kind === 'acquired') {
      log.info({ term: state.heldTerm, previousTerm, isCounterReset: result.isCounterReset }, 'cron leadership taken');
      return { lease: state, statusWrite: isNewTerm ? 'durable' : 'routine' };
    }
    if (result.holder !== null && result.holder.term !== before.otherHolder?.term) log.info({ holder: result.holder.node, term: result.holder.term, previousTerm }, 'cron leader seen');
    return { lease: state, statusWrite: isNewTerm ? 'durable' : 'none' };
  }

  async function observe(current: () => LeaseState, sentAtMs: number): Promise<LeaseCallResult> {
    const seen = await backend.observe();
    const { state, isNewTerm } = afterObserve(noteAttempt(current(), sentAtMs), seen, sentAtMs);
    return { lease: state, statusWrite: isNewTerm ? 'durable' : 'none' };
  }

  async function renew(current: () => LeaseState, sentAtMs: number): Promise<LeaseCallResult> {
    const isHeld = await backend.renew(current().heldValue as string, leaseMs);
    const before = noteAttempt(current(), sentAtMs);
    const next = afterRenew(before, isHeld, sentAtMs, leaseMs);
    return { lease: isHeld ? next : loseLease(before, 'lost', next), statusWrite: 'none' };
  }

  async function release(current: () => LeaseState, sentAtMs: number): Promise<LeaseCallResult> {
    const heldValue = current().heldValue;
    try {
      if (heldValue !== null) await backend.release(heldValue);
    } catch (error) {
      log.warn({ err: describeError(error) }, 'cron lease release failed: it expires by itself');
    }
    const before = noteAttempt(current(), sentAtMs);
    return { lease: loseLease(before, 'released', afterRelease(before, clock(), leaseMs)), statusWrite: 'none' };
  }

  const calls: Record<RedisAction, (current: () => LeaseState, sentAtMs: number) => Promise<LeaseCallResult>> = { 'try-acquire': tryAcquire, observe, renew, release };

  return {
    async run(action, current) {
      const sentAtMs = clock();
      try {
        const result = await calls[action](current, sentAtMs);
        if (isKeepingRoleSaid && result.lease.lastOutcome !== 'error') log.info({ term: result.lease.heldTerm }, 'Redis answers again: the lease is held through it again');
        isKeepingRoleSaid = false;
        return result;
      } catch (error) {
        const failure = afterRedisFailure(noteAttempt(current(), sentAtMs), { errorText: errorText(error), isRenewal: action === 'renew', isKeepLastRole: options.isKeepLastRole, leaseMs });
        if (failure.isKeepingRole && !isKeepingRoleSaid) {
          log.warn({ term: failure.state.heldTerm, err: describeError(error) }, 'Redis unreachable: keeping the leader role and cron on (keep-last-role); two nodes may run cron once Redis comes back to another first');
        }
        if (failure.isKeepingRole) isKeepingRoleSaid = true;
        return { lease: failure.state, statusWrite: 'none' };
      }
    },
    async releaseAtExit(lease) {
      if (lease.heldValue === null) return lease;
      try {
        await backend.release(lease.heldValue);
      } catch (error) {
        log.warn({ err: describeError(error) }, 'cron lease release failed: it expires by itself');
      }
      return loseLease(lease, 'released', dropLease(lease, 'released'));
    },
  };
}

/** For status.json and clawctl: the error's message, with its code when it has one. */
export function errorText(error: unknown): string {
  const { code, message } = describeError(error);
  return code === undefined || message.includes(code) ? message : `${code}: ${message}`;
}
