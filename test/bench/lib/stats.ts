/** A figure as reported in the table: median and p99 over `runs` samples, in the measure's unit. */
export interface Summary {
  runs: number;
  median: number;
  p99: number;
  min: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { runs: 0, median: Number.NaN, p99: Number.NaN, min: Number.NaN, max: Number.NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    runs: sorted.length,
    median: pickPercentile(sorted, 50),
    p99: pickPercentile(sorted, 99),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Nearest-rank percentile of an already sorted list. */
export function pickPercentile(sorted: readonly number[], percent: number): number {
  const rank = Math.max(1, Math.ceil((percent / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? Number.NaN;
}
