export type Verdict = 'ok' | 'warn' | 'fail' | 'unknown';

/** One doctor finding: what was checked, the verdict, what was seen, and what to do about it. */
export interface CheckResult {
  name: string;
  verdict: Verdict;
  detail: string;
  fix: string | null;
}

/** The monitoring-plugin convention: 2 when anything failed, else 1 for a warning, else 3 when a check could not tell. */
export function toExitCode(results: readonly CheckResult[]): number {
  const verdicts = new Set(results.map((result) => result.verdict));
  if (verdicts.has('fail')) return 2;
  if (verdicts.has('warn')) return 1;
  if (verdicts.has('unknown')) return 3;
  return 0;
}
