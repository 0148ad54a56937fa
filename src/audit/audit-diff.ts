import type { AuditSnapshot, CapabilityVerdict, CheckResult } from './capability.js';

// How good a result is, for classifying a change: a timeout says less than a failure, unverified says nothing bad.
const RANK: Readonly<Record<CheckResult, number>> = { failed: 0, timeout: 1, unverified: 2, ok: 3 };

/**
 * The capabilities lost against the baseline: `ok` there, and now failed or absent; a timeout counts only when the
 * audit before this one timed out on it too (one slow answer must not degrade the node).
 */
export function findLost(baseline: AuditSnapshot | null, previous: AuditSnapshot | null, latest: readonly CapabilityVerdict[]): string[] {
  if (baseline === null) return [];
  const now = new Map(latest.map((capability) => [capability.id, capability.result]));
  const before = new Map((previous?.capabilities ?? []).map((capability) => [capability.id, capability.result]));
  return baseline.capabilities
    .filter((capability) => capability.result === 'ok')
    .map((capability) => capability.id)
    .filter((id) => {
      const result = now.get(id);
      if (result === undefined || result === 'failed') return true;
      return result === 'timeout' && before.get(id) === 'timeout';
    });
}

export interface CapabilityChange {
  id: string;
  from: CheckResult | 'absent';
  to: CheckResult | 'absent';
  isImprovement: boolean;
}

export interface AuditDiff {
  from: string;
  to: string;
  lost: string[];
  gained: string[];
  changed: CapabilityChange[];
}

/** What changed from snapshot A to snapshot B: lost (ok, then failed or gone), gained (new), each other change classified. */
export function diffSnapshots(a: AuditSnapshot, b: AuditSnapshot): AuditDiff {
  const before = new Map(a.capabilities.map((capability) => [capability.id, capability.result]));
  const after = new Map(b.capabilities.map((capability) => [capability.id, capability.result]));
  const lost: string[] = [];
  const gained: string[] = [];
  const changed: CapabilityChange[] = [];
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const from = before.get(id);
    const to = after.get(id);
    if (from === 'ok' && (to === undefined || to === 'failed')) lost.push(id);
    else if (from === undefined) gained.push(id);
    else if (from !== to) changed.push({ id, from, to: to ?? 'absent', isImprovement: to !== undefined && RANK[to] > RANK[from] });
  }
  return { from: a.at, to: b.at, lost, gained, changed };
}
