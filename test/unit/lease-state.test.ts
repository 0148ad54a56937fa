import { describe, expect, it } from 'vitest';
import type { LeaseHolder } from '../../src/cron/lease-backend.js';
import { afterAcquire, afterObserve, afterRedisFailure, afterRelease, afterRenew, dropLease, initialLeaseState, noteAttempt, type LeaseState } from '../../src/cron/lease-state.js';

const LEASE_MS = 15_000;
const other: LeaseHolder = { node: 'b', pid: 42, term: 7, token: 't', acquiredAt: '2026-01-01T00:00:00.000Z' };
const follower: LeaseState = { ...initialLeaseState(5), lastAttemptAtMs: 100_000 };
/** This node holds term 6, renewed at 100000. */
const held: LeaseState = { ...follower, heldValue: 'v', heldTerm: 6, heldAcquiredAt: 'at', heldUntilMs: 115_000, lastOutcome: 'renewed', leaderSeenAtMs: 100_000 };

describe('initialLeaseState', () => {
  it('holds nothing, has asked nothing, and keeps the highest term seen (from cron.json)', () => {
    expect(initialLeaseState(9)).toMatchObject({ heldValue: null, heldTerm: null, heldUntilMs: null, lastOutcome: 'none', lastAttemptAtMs: null, highestTermSeen: 9, renewFailures: 0, lastError: null });
  });
});

describe('noteAttempt', () => {
  it('counts the send time, whatever the answer', () => {
    expect(noteAttempt(follower, 123).lastAttemptAtMs).toBe(123);
  });
});

describe('afterAcquire', () => {
  it.each<[string, LeaseState, Parameters<typeof afterAcquire>[1], Partial<LeaseState>, boolean]>([
    [
      'taken: held until the send time + the lease, cron at once, the error cleared',
      { ...follower, otherHolder: other, otherExpiresAtMs: 1, lastError: 'redis: down' },
      { kind: 'acquired', holder: { ...other, node: 'a', term: 8 }, value: 'v8', isCounterReset: false },
      { heldValue: 'v8', heldTerm: 8, heldUntilMs: 215_000, cronOnNotBeforeMs: null, otherHolder: null, otherExpiresAtMs: null, lastOutcome: 'acquired', leaderSeenAtMs: 200_000, lastError: null, highestTermSeen: 8 },
      true,
    ],
    [
      'taken after Redis lost its state: cron waits out an old leader\'s lease',
      follower,
      { kind: 'acquired', holder: { ...other, node: 'a', term: 6 }, value: 'v6', isCounterReset: true },
      { heldTerm: 6, heldUntilMs: 215_000, cronOnNotBeforeMs: 215_000, highestTermSeen: 6 },
      true,
    ],
    [
      'held by another with a new term: remembered, to be written durably',
      follower,
      { kind: 'held-by-other', holder: other, remainingMs: 9_000 },
      { heldValue: null, otherHolder: other, otherExpiresAtMs: 209_000, lastOutcome: 'held-by-other', leaderSeenAtMs: 200_000, highestTermSeen: 7 },
      true,
    ],
    [
      'held by another with a term already seen',
      { ...follower, highestTermSeen: 7 },
      { kind: 'held-by-other', holder: other, remainingMs: null },
      { otherHolder: other, otherExpiresAtMs: null, highestTermSeen: 7 },
      false,
    ],
    [
      'held by a value that is not a holder: a leader is still there',
      follower,
      { kind: 'held-by-other', holder: null, remainingMs: 3_000 },
      { otherHolder: null, otherExpiresAtMs: 203_000, lastOutcome: 'held-by-other', leaderSeenAtMs: 200_000, highestTermSeen: 5 },
      false,
    ],
  ])('%s', (_name, state, result, expected, isNewTerm) => {
    const answer = afterAcquire(state, result, 200_000, LEASE_MS);
    expect(answer.state).toMatchObject(expected);
    expect(answer.isNewTerm).toBe(isNewTerm);
  });
});

describe('afterObserve', () => {
  it.each<[string, Parameters<typeof afterObserve>[1], Partial<LeaseState>, boolean]>([
    ['a holder: a leader seen now', { holder: other, remainingMs: 4_000 }, { lastOutcome: 'held-by-other', leaderSeenAtMs: 200_000, otherHolder: other, otherExpiresAtMs: 204_000, highestTermSeen: 7 }, true],
    ['nobody: released, the last leader seen kept', { holder: null, remainingMs: null }, { lastOutcome: 'released', leaderSeenAtMs: 90_000, otherHolder: null, otherExpiresAtMs: null, highestTermSeen: 5 }, false],
  ])('%s', (_name, seen, expected, isNewTerm) => {
    const answer = afterObserve({ ...follower, leaderSeenAtMs: 90_000, lastError: 'x' }, seen, 200_000);
    expect(answer.state).toMatchObject({ ...expected, lastError: null });
    expect(answer.isNewTerm).toBe(isNewTerm);
  });
});

describe('afterRenew', () => {
  it.each<[string, boolean, Partial<LeaseState>]>([
    ['confirmed: held a lease from the send time', true, { heldValue: 'v', heldUntilMs: 120_000, lastOutcome: 'renewed', leaderSeenAtMs: 105_000, lastError: null, renewFailures: 0 }],
    [
      'the key is no longer this node\'s: lost, counted, said why',
      false,
      { heldValue: null, heldTerm: null, heldUntilMs: null, cronOnNotBeforeMs: null, lastOutcome: 'lost', renewFailures: 1, lastError: 'the lease key no longer holds this node\'s token (expired, overwritten or flushed)' },
    ],
  ])('%s', (_name, isHeld, expected) => {
    expect(afterRenew({ ...held, lastError: 'redis: down' }, isHeld, 105_000, LEASE_MS)).toMatchObject(expected);
  });
});

describe('afterRelease and dropLease', () => {
  it('a release holds off for one lease from when it ended', () => {
    expect(afterRelease(held, 101_000, LEASE_MS)).toMatchObject({ heldValue: null, heldTerm: null, heldUntilMs: null, lastOutcome: 'released', holdOffUntilMs: 116_000 });
  });

  it('dropping keeps what was heard of others and the counters', () => {
    const dropped = dropLease({ ...held, cronOnNotBeforeMs: 1, renewFailures: 2, highestTermSeen: 6 }, 'lost');
    expect(dropped).toMatchObject({ heldValue: null, heldTerm: null, heldUntilMs: null, cronOnNotBeforeMs: null, lastOutcome: 'lost', renewFailures: 2, highestTermSeen: 6 });
  });
});

describe('afterRedisFailure', () => {
  it.each<[string, LeaseState, { isRenewal: boolean; isKeepLastRole: boolean }, Partial<LeaseState>, boolean]>([
    ['a follower: no-quorum', follower, { isRenewal: false, isKeepLastRole: false }, { lastOutcome: 'error', lastError: 'redis: ECONNREFUSED', renewFailures: 0, heldUntilMs: null }, false],
    ['a leader\'s renewal: counted, the deadline kept as it was', held, { isRenewal: true, isKeepLastRole: false }, { lastOutcome: 'error', renewFailures: 1, heldUntilMs: 115_000 }, false],
    ['a follower with keep-last-role: no role to keep', follower, { isRenewal: false, isKeepLastRole: true }, { lastOutcome: 'error', lastError: 'redis: ECONNREFUSED' }, false],
  ])('%s', (_name, state, options, expected, isKeepingRole) => {
    const failure = afterRedisFailure(state, { errorText: 'ECONNREFUSED', leaseMs: LEASE_MS, ...options });
    expect(failure.state).toMatchObject(expected);
    expect(failure.isKeepingRole).toBe(isKeepingRole);
  });

  it('a leader with keep-last-role counts the failed call as a renewal at its send time, and says so', () => {
    const failure = afterRedisFailure({ ...held, lastAttemptAtMs: 105_000 }, { errorText: 'timeout', isRenewal: true, isKeepLastRole: true, leaseMs: LEASE_MS });
    expect(failure.isKeepingRole).toBe(true);
    expect(failure.state).toMatchObject({ heldValue: 'v', heldUntilMs: 120_000, lastOutcome: 'renewed', renewFailures: 1 });
    expect(failure.state.lastError).toMatch(/^redis: timeout; keeping the leader role \(cron\.leader\.onRedisUnreachable keep-last-role\)/);
  });
});
