import { MODES } from '../supervisor/modes.js';
import { SLACK_STATES } from '../probes/slack/slack-verdict.js';
import type { StatusSnapshot } from '../status/status-schema.js';
import { METRIC_DEFINITIONS, type MetricKey } from './metric-definitions.js';

/** One gauge value: what the status snapshot says now, with the labels that pick its series. */
export interface GaugeSample {
  metric: MetricKey;
  labels: Readonly<Record<string, string>>;
  value: number;
}

export const SKILL_STATES = ['ok', 'running', 'failing', 'stale', 'unknown'] as const;
export const CRON_ROLES = ['leader', 'follower', 'no-quorum'] as const;

/** Counters the status keeps as totals (the cron part counts): the collector adds what each grew by since it last looked. */
export interface StatusTotals {
  cronLeadershipChanges: number;
  cronRenewFailures: number;
}

export function readStatusTotals(status: StatusSnapshot): StatusTotals {
  return { cronLeadershipChanges: status.cron?.leadershipChanges ?? 0, cronRenewFailures: status.cron?.renewFailures ?? 0 };
}

/** What each total grew by; a total that went down (a new count from 0) counts from there. */
export function deriveTotalIncrements(before: StatusTotals, now: StatusTotals): Array<{ metric: keyof StatusTotals; by: number }> {
  return (Object.keys(now) as Array<keyof StatusTotals>).map((metric) => ({ metric, by: now[metric] >= before[metric] ? now[metric] - before[metric] : now[metric] })).filter((increment) => increment.by > 0);
}

export interface SampleFacts {
  nowMs: number;
  nodeVersion: string;
}

/** The gauges for one status snapshot. A state set is one series per state, exactly one of them 1 (as node_systemd_unit_state). */
export function deriveGaugeSamples(status: StatusSnapshot, facts: SampleFacts): GaugeSample[] {
  const samples: GaugeSample[] = [];
  const add = (metric: MetricKey, labels: Record<string, string>, value: number): void => void samples.push({ metric, labels, value });
  for (const mode of MODES) add('mode', { mode }, mode === status.mode ? 1 : 0);
  addTimestamp(add, 'modeSince', status.since);
  for (const reason of new Set(status.reasons)) add('reason', { reason }, 1);
  const { pid, startedAt } = status.gateway;
  const startedAtMs = startedAt === null ? Number.NaN : Date.parse(startedAt);
  const isRunning = pid !== null && Number.isFinite(startedAtMs);
  add('gatewayUp', {}, pid !== null ? 1 : 0);
  add('gatewayUptime', {}, isRunning ? Math.max(0, (facts.nowMs - startedAtMs) / 1000) : 0);
  add('gatewayStartTime', {}, isRunning ? startedAtMs / 1000 : 0);
  add('gatewayFailuresInWindow', {}, status.gateway.failuresInWindow);
  add('gatewayFailureLimit', {}, status.gateway.failureLimit);
  const slack = status.probes?.slack.state;
  if (slack !== undefined) for (const state of SLACK_STATES) add('slackState', { state }, state === slack ? 1 : 0);
  for (const [skill, view] of Object.entries(status.skills ?? {})) {
    for (const state of SKILL_STATES) add('skillState', { skill, state }, state === view.state ? 1 : 0);
    if (view.lastSuccessAt !== null) addTimestamp(add, 'skillLastSuccess', view.lastSuccessAt, { skill });
  }
  const cron = status.cron;
  if (cron !== undefined) {
    for (const role of CRON_ROLES) add('cronRole', { role }, role === cron.role ? 1 : 0);
    if (cron.term !== null) add('cronTerm', {}, cron.term);
    if (cron.leaseExpiresAt !== null) addTimestamp(add, 'cronLeaseExpiry', cron.leaseExpiresAt);
    add('cronGatewayCronOn', {}, cron.isCronOn ? 1 : 0);
    if (cron.jobs !== null) add('cronJobs', { definitions_hash: cron.jobs.definitionsHash }, cron.jobs.count);
  }
  addTimestamp(add, 'daemonStartTime', status.daemon.startedAt);
  add('buildInfo', { version: status.daemon.version, node_version: facts.nodeVersion }, 1);
  return samples;
}

function addTimestamp(add: (metric: MetricKey, labels: Record<string, string>, value: number) => void, metric: MetricKey, iso: string, labels: Record<string, string> = {}): void {
  const ms = Date.parse(iso);
  if (Number.isFinite(ms)) add(metric, labels, ms / 1000);
}

/** The gauge metrics these samples fill (each is reset before a fill, so a series no longer sampled disappears). */
export const GAUGE_METRICS: readonly MetricKey[] = (Object.keys(METRIC_DEFINITIONS) as MetricKey[]).filter((key) => METRIC_DEFINITIONS[key].type === 'gauge');
