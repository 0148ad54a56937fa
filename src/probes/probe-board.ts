import { createPendingReport, type ProbeReport } from './probe-report.js';
import { createRecoveryState, formatRecovery, noteDown, noteHealthy, type RecoveryState } from './recovery.js';
import type { Supervisor } from '../daemon/supervisor.js';
import type { StatusSections } from '../status/status-schema.js';

/** The reports as status.json declares them: each probe with its own closed set of states. */
type ProbeReports = StatusSections['probes'];
export type ProbeName = keyof ProbeReports;

/** The probes' view in status.json: `probes { health, startup, ready, slack }` and `recovery`. */
export interface ProbeBoard {
  get<Name extends ProbeName>(name: Name): ProbeReports[Name];
  set<Name extends ProbeName>(name: Name, report: ProbeReports[Name]): void;
  /** Marks every probe with `state` (the gateway is down, or a new one was spawned). */
  resetAll(state: 'starting' | 'down'): void;
  noteDown(atMs: number): void;
  noteHealthy(atMs: number): void;
}

export function createProbeBoard(supervisor: Supervisor): ProbeBoard {
  const reports: ProbeReports = {
    health: createPendingReport('pending'),
    startup: createPendingReport('pending'),
    ready: createPendingReport('pending'),
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
      // A new or stopped gateway: the last answer's latency and detail were the previous gateway's.
      const reset = { ok: false, consecutiveFailures: 0, latencyMs: null, detail: null } as const;
      reports.health = { ...reports.health, ...reset, state };
      reports.startup = { ...reports.startup, ...reset, state };
      reports.ready = { ...reports.ready, ...reset, state };
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
