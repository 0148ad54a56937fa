import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../status/atomic-file.js';
import type { CronRole } from './lease-decision.js';

/** status.dir/cron.json: this node's view of the cron lease, rewritten when it changes. */
export const CRON_STATE_FILE = 'cron.json';

export interface CronStatus {
  role: CronRole;
  /** The current leader's term, as this node knows it; null when no leader is known. */
  term: number | null;
  /** Who holds the lease (node name and pid), as this node last heard; null when none is known. */
  holder: { node: string; pid: number; term: number; acquiredAt: string } | null;
  /** This node's lease deadline when it leads, else the holder's as Redis reported it; ISO. */
  leaseExpiresAt: string | null;
  lastError: string | null;
  /** Whether this node's gateway has cron on (its config's cron.enabled). */
  isCronOn: boolean;
  /** The highest term this node has ever seen; a term it takes is always past it. Kept across restarts. */
  highestTermSeen: number;
  node: string;
  /** This gateway's cron jobs (its RPC's cron.list): compare definitionsHash across nodes; a follower without the leader's jobs runs nothing after a failover. */
  jobs: { count: number; definitionsHash: string; checkedAt: string; leaderDefinitionsHash: string | null; isSameAsLeader: boolean | null } | null;
  /** Why the jobs could not be read, when they could not. */
  jobsError: string | null;
  /** New leaders this node has seen or been since clawsupd started (clawsup_cron_leadership_changes_total). */
  leadershipChanges: number;
  /** Renewals of this node's lease that failed (Redis unreachable, or the key no longer this node's). */
  renewFailures: number;
  updatedAt: string;
}

export function cronStatePath(statusDir: string): string {
  return join(statusDir, CRON_STATE_FILE);
}

export function readCronStatus(statusDir: string): CronStatus | null {
  try {
    return JSON.parse(readFileSync(cronStatePath(statusDir), 'utf8')) as CronStatus;
  } catch {
    return null;
  }
}

/** The highest term kept from before; 0 when the file is missing or unreadable. */
export function readHighestTermSeen(statusDir: string): number {
  const status = readCronStatus(statusDir);
  return typeof status?.highestTermSeen === 'number' && Number.isSafeInteger(status.highestTermSeen) ? status.highestTermSeen : 0;
}

/** `isDurable` when the highest term grew: that number must survive a power loss, or a term could repeat. */
export function writeCronStatus(statusDir: string, status: CronStatus, isDurable: boolean): void {
  writeFileAtomic(cronStatePath(statusDir), `${JSON.stringify(status, null, 2)}\n`, { mode: 0o644, isDurable });
}
