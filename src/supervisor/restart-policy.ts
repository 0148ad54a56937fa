export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  failureLimit: number;
  failureWindowMs: number;
  stableAfterMs: number;
  minUptimeMs: number;
}

/** A gateway failing again before it was stable waits at least this long: never more than 10 spawns a second. */
export const MIN_REPEAT_DELAY_MS = 100;

/** Exponential backoff: the first failure waits initialDelayMs (0: at once), each further one `multiplier` times longer. */
export function computeRestartDelayMs(consecutiveFailures: number, policy: RestartPolicy): number {
  const exponent = Math.max(0, consecutiveFailures - 1);
  const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** exponent);
  return Math.round(exponent === 0 ? delayMs : Math.max(MIN_REPEAT_DELAY_MS, delayMs));
}

/** The failure times still inside the window that ends at nowMs. */
export function pruneFailureTimes(failureTimesMs: readonly number[], nowMs: number, windowMs: number): number[] {
  return failureTimesMs.filter((atMs) => nowMs - atMs < windowMs);
}
