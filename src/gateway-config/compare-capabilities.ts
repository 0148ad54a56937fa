import { findLost } from '../audit/audit-diff.js';
import { CHECK_RESULTS, type AuditSnapshot, type CheckResult } from '../audit/capability.js';

/** The gate's two audits side by side: counts by result, what was lost, and the evidence for each loss. Pure. */
export interface CapabilityComparison {
  before: Record<CheckResult, number>;
  /** Null when the after audit did not run (the gateway failed first, or the apply was not verified). */
  after: Record<CheckResult, number> | null;
  /**
   * `ok` before the swap, and after the restart failed, gone, or left with nothing to check it by (unverified without a
   * check: the candidate moved its key where clawsup does not read it); a timeout is not a loss on one audit.
   */
  lost: string[];
  /** One line per lost capability: its results and the provider's own words after. */
  evidence: string[];
}

function countResults(snapshot: AuditSnapshot): Record<CheckResult, number> {
  const counts = Object.fromEntries(CHECK_RESULTS.map((result) => [result, 0])) as Record<CheckResult, number>;
  for (const capability of snapshot.capabilities) counts[capability.result] += 1;
  return counts;
}

export function compareCapabilities(before: AuditSnapshot | null, after: AuditSnapshot | null): CapabilityComparison {
  const empty = Object.fromEntries(CHECK_RESULTS.map((result) => [result, 0])) as Record<CheckResult, number>;
  if (before === null) return { before: empty, after: after === null ? null : countResults(after), lost: [], evidence: [] };
  if (after === null) return { before: countResults(before), after: null, lost: [], evidence: [] };
  const byId = new Map(after.capabilities.map((capability) => [capability.id, capability]));
  const lostByResult = findLost(before, null, after.capabilities);
  // No check ran (latency null), while one passed before: the candidate is the only change, and the gate cannot vouch for it.
  const uncheckable = before.capabilities.filter(({ id, result }) => result === 'ok' && byId.get(id)?.result === 'unverified' && byId.get(id)?.latencyMs === null).map(({ id }) => id);
  const lost = before.capabilities.map(({ id }) => id).filter((id) => lostByResult.includes(id) || uncheckable.includes(id));
  const evidence = lost.map((id) => {
    const now = byId.get(id);
    if (now === undefined) return `${id}: ok before, absent after (the candidate no longer claims it)`;
    if (now.result === 'unverified') return `${id}: ok before, unverified after (nothing left to check it by): ${now.detail}`;
    return `${id}: ok before, ${now.result} after: ${now.detail}`;
  });
  return { before: countResults(before), after: countResults(after), lost, evidence };
}
