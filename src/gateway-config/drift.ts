/** Whether the live gateway config is still the one the gate last applied (owned keys stripped before hashing). Pure. */
export interface DriftFacts {
  /** The live file's hash, or null when it cannot be read or parsed (then `liveError` says why). */
  liveHash: string | null;
  liveError: string | null;
  /** The live file does not exist (as opposed to unreadable or not JSON5). */
  isLiveMissing: boolean;
  /** The hash the gate recorded for the config it last applied (or adopted); null when nothing was recorded yet. */
  appliedHash: string | null;
  /**
   * The gateway's own config writes (migrations, plugin installs, its config tool) first copy the file to
   * `openclaw.json.bak`: that copy's hash, and whether it was written within a few seconds of the live file.
   */
  gatewayBackup: { hash: string | null; isWrittenWithLive: boolean } | null;
}

// Who changed the live file, as far as the gateway's own traces tell.
export type DriftWriter = 'gateway' | 'outside';

export type DriftVerdict =
  | { action: 'adopt' }
  | { action: 'report'; isDrifted: false; detail: null }
  | { action: 'report'; isDrifted: true; detail: string; writer: DriftWriter };

export function judgeDrift(facts: DriftFacts): DriftVerdict {
  // No file and nothing applied: there is no config to drift from yet.
  if (facts.liveHash === null && facts.isLiveMissing && facts.appliedHash === null) return { action: 'report', isDrifted: false, detail: null };
  if (facts.liveHash === null) return { action: 'report', isDrifted: true, detail: `the live config cannot be read: ${facts.liveError ?? 'unknown'}`, writer: 'outside' };
  // The first look (no apply yet) takes the live config as the baseline: nothing to compare it with.
  if (facts.appliedHash === null) return { action: 'adopt' };
  if (facts.liveHash === facts.appliedHash) return { action: 'report', isDrifted: false, detail: null };
  const backup = facts.gatewayBackup;
  if (backup !== null && backup.isWrittenWithLive && backup.hash === facts.appliedHash) {
    return { action: 'report', isDrifted: true, detail: 'the gateway rewrote its config itself (its .bak holds the config last applied): a migration, a plugin install or its config tool', writer: 'gateway' };
  }
  return { action: 'report', isDrifted: true, detail: 'the live config was changed outside clawctl gateway-config apply', writer: 'outside' };
}
