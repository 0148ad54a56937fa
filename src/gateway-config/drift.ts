/** Whether the live gateway config is still the one the gate last applied (owned keys stripped before hashing). Pure. */
export interface DriftFacts {
  /** The live file's hash, or null when it cannot be read or parsed (then `liveError` says why). */
  liveHash: string | null;
  liveError: string | null;
  /** The live file does not exist (as opposed to unreadable or not JSON5). */
  isLiveMissing: boolean;
  /** The hash the gate recorded for the config it last applied (or adopted); null when nothing was recorded yet. */
  appliedHash: string | null;
}

export type DriftVerdict =
  | { action: 'adopt' }
  | { action: 'report'; isDrifted: false; detail: null }
  | { action: 'report'; isDrifted: true; detail: string };

export function judgeDrift(facts: DriftFacts): DriftVerdict {
  // No file and nothing applied: there is no config to drift from yet.
  if (facts.liveHash === null && facts.isLiveMissing && facts.appliedHash === null) return { action: 'report', isDrifted: false, detail: null };
  if (facts.liveHash === null) return { action: 'report', isDrifted: true, detail: `the live config cannot be read: ${facts.liveError ?? 'unknown'}` };
  // The first look (no apply yet) takes the live config as the baseline: nothing to compare it with.
  if (facts.appliedHash === null) return { action: 'adopt' };
  if (facts.liveHash === facts.appliedHash) return { action: 'report', isDrifted: false, detail: null };
  return { action: 'report', isDrifted: true, detail: 'the live config was changed outside clawctl gateway-config apply' };
}
