// The global `performance` loads Node's whole perf_hooks family on first use (0.3 MiB for the daemon's life);
// a latency needs only a clock that never jumps.
/** Milliseconds on a monotonic clock (process.hrtime): for measuring durations, never for telling the time. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Starts timing now: each call of the returned function gives the whole milliseconds since. */
export function startStopwatch(): () => number {
  const startedMs = monotonicMs();
  return () => Math.round(monotonicMs() - startedMs);
}
