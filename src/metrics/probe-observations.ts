import type { StatusSnapshot } from '../status/status-schema.js';

export const PROBE_NAMES = ['health', 'startup', 'ready', 'slack'] as const;
export type ProbeName = (typeof PROBE_NAMES)[number];

/** What a probe's report looked like at the last look. */
export interface ProbeSeen {
  checkedAt: string | null;
  consecutiveFailures: number;
}

export type ProbesSeen = Readonly<Partial<Record<ProbeName, ProbeSeen>>>;

export interface ProbeObservations {
  /** One per new answer that had a round trip. */
  latencies: Array<{ probe: ProbeName; seconds: number }>;
  failures: Array<{ probe: ProbeName; count: number }>;
  seen: ProbesSeen;
}

/**
 * The probe answers that are new since the last look. Failures come from `consecutiveFailures`, so two failures
 * between looks count twice; a run that ended and began again between looks counts its new failures.
 */
export function deriveProbeObservations(seen: ProbesSeen, probes: StatusSnapshot['probes']): ProbeObservations {
  const result: ProbeObservations = { latencies: [], failures: [], seen: {} };
  if (probes === undefined) return result;
  const next: Partial<Record<ProbeName, ProbeSeen>> = {};
  for (const probe of PROBE_NAMES) {
    const report = probes[probe];
    next[probe] = { checkedAt: report.checkedAt, consecutiveFailures: report.consecutiveFailures };
    const before = seen[probe];
    if (report.checkedAt === null || report.checkedAt === before?.checkedAt) continue;
    if (report.latencyMs !== null) result.latencies.push({ probe, seconds: report.latencyMs / 1000 });
    const previousFailures = before?.consecutiveFailures ?? 0;
    const count = report.consecutiveFailures > previousFailures ? report.consecutiveFailures - previousFailures : report.ok ? 0 : report.consecutiveFailures;
    if (count > 0) result.failures.push({ probe, count });
  }
  result.seen = next;
  return result;
}
