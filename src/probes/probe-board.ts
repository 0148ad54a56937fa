import { createPendingReport, type ProbeReport } from './probe-report.js';
import { createRecoveryState, formatRecovery, noteDown, noteHealthy, type RecoveryState } from './recovery.js';
import type { Supervisor } from '../daemon/supervisor.js';

export type ProbeName = 'health' | 'startup' | 'ready' | 'slack';

/** The probes' view in status.json: `probes { health, startup, ready, slack }` and `recovery`. */
export interface ProbeBoard {
  get(name: ProbeName): ProbeReport;
  set(name: ProbeName, report: ProbeReport): void;
  /** Marks every probe with `state` (the gateway is down, or a new one was spawned). */
  resetAll(state: string): void;
  noteDown(atMs: number): void;
  noteHealthy(atMs: number): void;
}

export function createProbeBoard(supervisor: Supervisor): ProbeBoard {
  const reports: Record<ProbeName, ProbeReport> = {
    health: createPendingReport(),
    startup: createPendingReport(),
    ready: createPendingReport(),
    slack: createPendingReport('unknown'),
  };
  let recovery: RecoveryState = createRecoveryState();
  const publish = (isRoutine = false): void => supervisor.setStatusSection('probes', { ...reports }, isRoutine);
  const publishRecovery = (): void => supervisor.setStatusSection('recovery', formatRecovery(recovery));
  publish();
  publishRecovery();
  return {
    get: (name) => reports[name],
    set(name, report) {
      const isRoutine = isSameVerdict(reports[name], report);
      reports[name] = report;
      publish(isRoutine);
    },
    resetAll(state) {
      for (const name of ['health', 'startup', 'ready'] as const) reports[name] = { ...reports[name], ok: false, state, consecutiveFailures: 0 };
      reports.slack = { ...reports.slack, ok: false, state: 'unknown', consecutiveFailures: 0, detail: `gateway ${state}` };
      publish();
    },
    noteDown(atMs) {
      const next = noteDown(recovery, atMs);
      if (next === recovery) return;
      recovery = next;
      publishRecovery();
    },
    noteHealthy(atMs) {
      recovery = noteHealthy(recovery, atMs);
      publishRecovery();
    },
  };
}

/** Two reports that differ only in when they were taken and how long the answer took. */
function isSameVerdict(a: ProbeReport, b: ProbeReport): boolean {
  return a.ok === b.ok && a.state === b.state && a.consecutiveFailures === b.consecutiveFailures && a.detail === b.detail;
}
