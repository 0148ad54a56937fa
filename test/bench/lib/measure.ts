import type { ContenderName } from './contenders.js';
import type { Summary } from './stats.js';

export interface BenchOptions {
  contenders: ContenderName[];
  /** Scales the number of samples (1 = the default counts). */
  runsScale: number;
  soakMinutes: number;
  /** Minutes of idle sampling when no soak is asked for. */
  idleSampleSeconds: number;
}

/** One row of the table: one measure for one contender. */
export interface BenchRow {
  measure: string;
  contender: string;
  unit: string;
  summary: Summary;
  /** Human text of the target (clawsup rows only), and whether the median/p99 met it. */
  target?: string;
  isMet?: boolean;
  note?: string;
  loadAvg: number[];
}

export interface Measure {
  id: string;
  title: string;
  /** Left out unless asked for (--only, or the measure's own switch): the real-gateway measure. */
  isOptIn?: boolean;
  run(options: BenchOptions, report: (row: Omit<BenchRow, 'loadAvg'>) => void): Promise<void>;
}
