import { CHECK_RESULTS, type AuditSnapshot, type CheckResult } from './capability.js';

/** The `audit` section of status.json (the schema the lead adds mirrors this). */
export interface AuditStatusSection {
  lastRunAt: string;
  durationMs: number;
  counts: Record<CheckResult, number>;
  lost: string[];
  /** When the baseline was taken (saved, or the first healthy audit); null with none yet. */
  baselineAt: string | null;
  isBaselineSaved: boolean;
}

export function summariseAudit(snapshot: AuditSnapshot, baseline: { at: string; isSaved: boolean } | null): AuditStatusSection {
  const counts = Object.fromEntries(CHECK_RESULTS.map((result) => [result, 0])) as Record<CheckResult, number>;
  for (const capability of snapshot.capabilities) counts[capability.result] += 1;
  return {
    lastRunAt: snapshot.at,
    durationMs: snapshot.durationMs,
    counts,
    lost: [...snapshot.lost],
    baselineAt: baseline?.at ?? null,
    isBaselineSaved: baseline?.isSaved ?? false,
  };
}

/** The node's degradation reasons for the lost capabilities. */
export function lostReasons(lost: readonly string[]): string[] {
  return lost.map((id) => `capability-lost:${id}`);
}

/** Snapshot files to delete: all but the newest `keep` (names are timestamps, so they sort by time). */
export function chooseSnapshotsToDelete(names: readonly string[], keep: number): string[] {
  const snapshots = names.filter((name) => SNAPSHOT_NAME.test(name)).sort();
  return snapshots.slice(0, Math.max(0, snapshots.length - keep));
}

export const SNAPSHOT_NAME = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.json$/;

/** A snapshot's file name for its time: an ISO time with the colons and dot a file name should not hold replaced. */
export function snapshotNameOf(at: string): string {
  return `${at.replace(/[:.]/g, '-')}.json`;
}
