import type { CronStatus } from './cron-state-file.js';
import type { LeaseState } from './lease-state.js';

/** What the status needs besides the lease: this node, its gateway's cron and jobs, and the counters. */
export interface CronStatusFacts {
  role: CronStatus['role'];
  isCronOn: boolean;
  node: string;
  pid: number;
  jobs: CronStatus['jobs'];
  jobsError: string | null;
  leadershipChanges: number;
  nowMs: number;
}

/** cron.json and status.json's cron section, from the lease state: this node as holder while it holds the lease, else the one Redis named. */
export function makeCronStatus(lease: LeaseState, facts: CronStatusFacts): CronStatus {
  const isHeld = lease.heldValue !== null && lease.heldTerm !== null;
  const holder = isHeld ? { node: facts.node, pid: facts.pid, term: lease.heldTerm as number, acquiredAt: lease.heldAcquiredAt } : lease.otherHolder;
  const expiresAtMs = lease.heldValue !== null ? lease.heldUntilMs : lease.otherExpiresAtMs;
  return {
    role: facts.role,
    term: holder?.term ?? null,
    holder: holder === null ? null : { node: holder.node, pid: holder.pid, term: holder.term, acquiredAt: holder.acquiredAt },
    leaseExpiresAt: expiresAtMs === null ? null : new Date(expiresAtMs).toISOString(),
    lastError: lease.lastError,
    isCronOn: facts.isCronOn,
    highestTermSeen: lease.highestTermSeen,
    node: facts.node,
    jobs: facts.jobs,
    jobsError: facts.jobsError,
    leadershipChanges: facts.leadershipChanges,
    renewFailures: lease.renewFailures,
    updatedAt: new Date(facts.nowMs).toISOString(),
  };
}

/** The supervisor's degradation reasons from cron. */
export function cronDegradations(isNoLeader: boolean, jobs: CronStatus['jobs']): string[] {
  return [...(isNoLeader ? ['cron-no-leader'] : []), ...(jobs?.isSameAsLeader === false ? ['cron-jobs-differ'] : [])];
}

/**
 * Whether to write the status again: when it changed other than its updatedAt, or when asked to make it durable (a
 * new highest term). `isRoleChange`: a new role, written at once rather than with the routine write.
 */
export function decideStatusWrite(status: CronStatus, lastStatusJson: string, isDurable: boolean): { json: string; isWrite: boolean; isRoleChange: boolean } {
  const { updatedAt: _updatedAt, ...rest } = status;
  const json = JSON.stringify(rest);
  if (json === lastStatusJson && !isDurable) return { json, isWrite: false, isRoleChange: false };
  const isRoleChange = json !== lastStatusJson && rest.role !== (JSON.parse(lastStatusJson || '{}') as { role?: string }).role;
  return { json, isWrite: true, isRoleChange };
}
