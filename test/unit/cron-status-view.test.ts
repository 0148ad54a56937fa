import { describe, expect, it } from 'vitest';
import type { CronStatus } from '../../src/cron/cron-state-file.js';
import { cronDegradations, decideStatusWrite, makeCronStatus, type CronStatusFacts } from '../../src/cron/cron-status-view.js';
import { initialLeaseState, type LeaseState } from '../../src/cron/lease-state.js';

const facts: CronStatusFacts = { role: 'follower', isCronOn: false, node: 'a', pid: 100, jobs: null, jobsError: null, leadershipChanges: 2, nowMs: Date.UTC(2026, 0, 1) };
const other = { node: 'b', pid: 42, term: 7, token: 't', acquiredAt: 'then' };

describe('makeCronStatus', () => {
  it.each<[string, LeaseState, Partial<CronStatus>]>([
    ['nothing known', initialLeaseState(3), { term: null, holder: null, leaseExpiresAt: null, highestTermSeen: 3 }],
    [
      'another node holds it: its term and expiry as Redis said',
      { ...initialLeaseState(7), otherHolder: other, otherExpiresAtMs: Date.UTC(2026, 0, 1, 0, 0, 9) },
      { term: 7, holder: { node: 'b', pid: 42, term: 7, acquiredAt: 'then' }, leaseExpiresAt: '2026-01-01T00:00:09.000Z' },
    ],
    [
      'this node holds it: itself as holder, its own deadline',
      { ...initialLeaseState(8), heldValue: 'v', heldTerm: 8, heldAcquiredAt: 'now', heldUntilMs: Date.UTC(2026, 0, 1, 0, 0, 15), otherHolder: other, renewFailures: 1, lastError: 'x' },
      { term: 8, holder: { node: 'a', pid: 100, term: 8, acquiredAt: 'now' }, leaseExpiresAt: '2026-01-01T00:00:15.000Z', renewFailures: 1, lastError: 'x' },
    ],
  ])('%s', (_name, lease, expected) => {
    expect(makeCronStatus(lease, facts)).toMatchObject({ ...expected, role: 'follower', node: 'a', leadershipChanges: 2, updatedAt: '2026-01-01T00:00:00.000Z' });
  });
});

describe('cronDegradations', () => {
  const jobs = (isSameAsLeader: boolean | null): CronStatus['jobs'] => ({ count: 1, definitionsHash: 'h', checkedAt: 'c', leaderDefinitionsHash: null, isSameAsLeader });
  it.each<[boolean, CronStatus['jobs'], string[]]>([
    [false, null, []],
    [true, null, ['cron-no-leader']],
    [false, jobs(false), ['cron-jobs-differ']],
    [false, jobs(null), []],
    [true, jobs(false), ['cron-no-leader', 'cron-jobs-differ']],
  ])('no leader %s, jobs %j: %j', (isNoLeader, jobsSeen, reasons) => {
    expect(cronDegradations(isNoLeader, jobsSeen)).toEqual(reasons);
  });
});

describe('decideStatusWrite', () => {
  const status = makeCronStatus(initialLeaseState(1), facts);
  const { updatedAt: _updatedAt, ...rest } = status;
  const written = JSON.stringify(rest);
  it.each<[string, CronStatus, string, boolean, { isWrite: boolean; isRoleChange: boolean }]>([
    ['the first write is a role change', status, '', false, { isWrite: true, isRoleChange: true }],
    ['only updatedAt moved: no write', { ...status, updatedAt: 'later' }, written, false, { isWrite: false, isRoleChange: false }],
    ['unchanged but a new term must be durable: written', status, written, true, { isWrite: true, isRoleChange: false }],
    ['the lease expiry moved: written, not a role change', { ...status, leaseExpiresAt: 'x' }, written, false, { isWrite: true, isRoleChange: false }],
    ['a new role', { ...status, role: 'leader' }, written, false, { isWrite: true, isRoleChange: true }],
  ])('%s', (_name, next, last, isDurable, expected) => {
    const decision = decideStatusWrite(next, last, isDurable);
    expect({ isWrite: decision.isWrite, isRoleChange: decision.isRoleChange }).toEqual(expected);
  });

  it('leaves updatedAt out of the comparison', () => {
    expect(decideStatusWrite(status, '', false).json).toBe(written);
  });
});
