/**
 * A gateway's cron jobs as their definitions only, in a canonical order, so two gateways with the same jobs give the
 * same text (and hash) whatever their run state. Pure.
 */
// Run state and bookkeeping, which differ between gateways with the same jobs.
const NOT_DEFINITION = new Set(['state', 'effectiveAgentId', 'createdAt', 'updatedAt', 'createdAtMs', 'updatedAtMs', 'revision', 'deliveryPreview']);

export function canonicalJobDefinitions(jobs: readonly unknown[]): string {
  const definitions = jobs.map((job) => canonical(stripState(job))).sort();
  return `[${definitions.join(',')}]`;
}

function stripState(job: unknown): unknown {
  if (typeof job !== 'object' || job === null || Array.isArray(job)) return job;
  return Object.fromEntries(Object.entries(job).filter(([key]) => !NOT_DEFINITION.has(key) && !key.startsWith('last') && !key.startsWith('next')));
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, inner]) => inner !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** How this gateway's jobs compare with the leader's: `isSameAsLeader` null while that cannot be known. */
export interface JobsComparison {
  leaderDefinitionsHash: string | null;
  isSameAsLeader: boolean | null;
}

/**
 * A follower's jobs against those the current leader published. Jobs published under an older term are the last
 * leader's, not this one's: unknown until the new leader publishes. The leader itself is the reference.
 */
export function compareWithLeaderJobs(ownHash: string, isLeader: boolean, holderTerm: number | null, published: { term: number; definitionsHash: string } | null): JobsComparison {
  if (isLeader) return { leaderDefinitionsHash: ownHash, isSameAsLeader: true };
  if (published === null || holderTerm === null || published.term !== holderTerm) return { leaderDefinitionsHash: null, isSameAsLeader: null };
  return { leaderDefinitionsHash: published.definitionsHash, isSameAsLeader: published.definitionsHash === ownHash };
}

/** What decides when to read the gateway's jobs again. */
export interface JobsCheckFacts {
  isGatewayUp: boolean;
  isGatewayReady: boolean;
  /** The last comparison with the leader's jobs; null before the first read. */
  isSameAsLeader: boolean | null | undefined;
  /** A new leader was seen while a check ran. */
  isAgainAsked: boolean;
}

/** Jobs change rarely: a check every `intervalMs`, but soon (`soonMs`) while the gateway or the leader's jobs are not known yet. */
export function nextJobsCheckDelayMs(facts: JobsCheckFacts, timing: { soonMs: number; intervalMs: number }): number {
  const isUnsettled = !facts.isGatewayUp || !facts.isGatewayReady || facts.isSameAsLeader === null || facts.isAgainAsked;
  return isUnsettled ? timing.soonMs : timing.intervalMs;
}

/** Warn once per leader's hash: this gateway's jobs differ from it and did not before (or from another hash). */
export function isNewJobsDifference(previousLeaderHash: string | null | undefined, comparison: JobsComparison): boolean {
  return comparison.isSameAsLeader === false && previousLeaderHash !== comparison.leaderDefinitionsHash;
}
