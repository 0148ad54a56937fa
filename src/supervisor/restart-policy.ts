export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  failureLimit: number;
  failureWindowMs: number;
  stableAfterMs: number;
  minUptimeMs: number;
}

/** Exponential backoff: the first failure waits initialDelayMs, each further one `multiplier` times longer. */
export function computeRestartDelayMs(consecutiveFailures: number, policy: RestartPolicy): number {
  const exponent = Math.max(0, consecutiveFailures - 1);
  const delayMs = policy.initialDelayMs * policy.multiplier ** exponent;
  return Math.round(Math.min(policy.maxDelayMs, delayMs));
}

/** The failure times still inside the window that ends at nowMs. */
export function pruneFailureTimes(failureTimesMs: readonly number[], nowMs: number, windowMs: number): number[] {
  return failureTimesMs.filter((atMs) => nowMs - atMs < windowMs);
}
