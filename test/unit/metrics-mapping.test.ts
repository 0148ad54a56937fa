import { describe, expect, it } from 'vitest';
import { METRIC_DEFINITIONS } from '../../src/metrics/metric-definitions.js';
import { createMetricsCollector } from '../../src/metrics/metrics-collector.js';
import { deriveProbeObservations, type ProbesSeen } from '../../src/metrics/probe-observations.js';
import { deriveCounterIncrements } from '../../src/metrics/state-counters.js';
import { deriveGaugeSamples, SKILL_STATES, type GaugeSample } from '../../src/metrics/status-samples.js';
import { SLACK_STATES } from '../../src/probes/slack/slack-verdict.js';
import type { StatusSnapshot } from '../../src/status/status-schema.js';
import { MODES, type Diagnosis, type ExitRecord } from '../../src/supervisor/modes.js';
import { createInitialState, type SupervisorState } from '../../src/supervisor/supervisor-state.js';

const NOW_MS = Date.parse('2026-12-01T00:01:40.000Z');
const facts = { nowMs: NOW_MS, nodeVersion: '20.20.2' };

const report = { ok: true, latencyMs: 12, checkedAt: '2026-12-01T00:01:39.000Z', consecutiveFailures: 0, detail: null };
const baseStatus: StatusSnapshot = {
  schemaVersion: 1,
  mode: 'healthy',
  since: '2026-12-01T00:00:10.000Z',
  reasons: [],
  updatedAt: '2026-12-01T00:01:39.000Z',
  gateway: { pid: 42, startedAt: '2026-12-01T00:00:00.000Z', restarts: 0, lastExit: null, nextAttemptAt: null, failuresInWindow: 0, failureLimit: 3 },
  diagnosis: null,
  daemon: { pid: 7, version: '0.1.0', startedAt: '2026-11-30T23:59:59.000Z', host: 'node-1' },
};
const probes: NonNullable<StatusSnapshot['probes']> = {
  health: { ...report, state: 'live' },
  startup: { ...report, state: 'started' },
  ready: { ...report, state: 'ready' },
  slack: { ...report, state: 'connected' },
};

function valuesOf(samples: GaugeSample[], metric: GaugeSample['metric']): Array<[Record<string, string>, number]> {
  return samples.filter((sample) => sample.metric === metric).map((sample) => [{ ...sample.labels }, sample.value]);
}

describe('the metric names follow Prometheus conventions', () => {
  const definitions = Object.values(METRIC_DEFINITIONS);

  it.each(definitions.map((definition) => [definition.name, definition] as const))('%s', (name, definition) => {
    expect(name).toMatch(/^clawsup_[a-z][a-z0-9_]*$/);
    expect(name).not.toBe('up');
    expect(name.endsWith('_total')).toBe(definition.type === 'counter');
    // Base units only: seconds, never milliseconds.
    expect(name).not.toMatch(/_(ms|milliseconds|minutes|hours)(_|$)/);
    expect(definition.help.length).toBeGreaterThan(10);
  });

  it('has no two metrics of one name', () => {
    expect(new Set(definitions.map((definition) => definition.name)).size).toBe(definitions.length);
  });
});

describe('deriveGaugeSamples', () => {
  it.each(MODES.map((mode) => [mode]))('mode %s: one series per mode, exactly that one at 1', (mode) => {
    const series = valuesOf(deriveGaugeSamples({ ...baseStatus, mode }, facts), 'mode');
    expect(series.map(([labels]) => labels.mode)).toEqual([...MODES]);
    expect(series.filter(([, value]) => value === 1)).toEqual([[{ mode }, 1]]);
    expect(series.every(([, value]) => value === 0 || value === 1)).toBe(true);
  });

  it.each([
    ['a running gateway', baseStatus.gateway, { up: 1, uptime: 100, start: Date.parse('2026-12-01T00:00:00.000Z') / 1000 }],
    ['no gateway', { ...baseStatus.gateway, pid: null, startedAt: null }, { up: 0, uptime: 0, start: 0 }],
  ] as const)('%s: up, uptime and start time', (_name, gateway, expected) => {
    const samples = deriveGaugeSamples({ ...baseStatus, gateway }, facts);
    expect(valuesOf(samples, 'gatewayUp')).toEqual([[{}, expected.up]]);
    expect(valuesOf(samples, 'gatewayUptime')).toEqual([[{}, expected.uptime]]);
    expect(valuesOf(samples, 'gatewayStartTime')).toEqual([[{}, expected.start]]);
  });

  it('gives the failures in the window and the limit that ends in diagnose mode', () => {
    const samples = deriveGaugeSamples({ ...baseStatus, gateway: { ...baseStatus.gateway, failuresInWindow: 2 } }, facts);
    expect(valuesOf(samples, 'gatewayFailuresInWindow')).toEqual([[{}, 2]]);
    expect(valuesOf(samples, 'gatewayFailureLimit')).toEqual([[{}, 3]]);
  });

  it.each(SLACK_STATES.map((state) => [state]))('Slack %s: one series per state, exactly that one at 1', (state) => {
    const series = valuesOf(deriveGaugeSamples({ ...baseStatus, probes: { ...probes, slack: { ...probes.slack, state } } }, facts), 'slackState');
    expect(series.map(([labels]) => labels.state)).toEqual([...SLACK_STATES]);
    expect(series.filter(([, value]) => value === 1)).toEqual([[{ state }, 1]]);
  });

  it('has no Slack series without the probes section (health probes off)', () => {
    expect(valuesOf(deriveGaugeSamples(baseStatus, facts), 'slackState')).toEqual([]);
  });

  it('gives each skill one series per state and its last success in seconds', () => {
    const skill = { state: 'stale', status: 'ok', startedAt: null, finishedAt: null, lastSuccessAt: '2026-12-01T00:00:00.500Z', maxAgeMs: 1000, staleAt: null, exitCode: 0, message: null, host: null } as const;
    const samples = deriveGaugeSamples({ ...baseStatus, skills: { 'daily-memory': skill, never: { ...skill, state: 'unknown', lastSuccessAt: null } } }, facts);
    const states = valuesOf(samples, 'skillState');
    expect(states).toHaveLength(2 * SKILL_STATES.length);
    expect(states.filter(([, value]) => value === 1)).toEqual([[{ skill: 'daily-memory', state: 'stale' }, 1], [{ skill: 'never', state: 'unknown' }, 1]]);
    expect(valuesOf(samples, 'skillLastSuccess')).toEqual([[{ skill: 'daily-memory' }, Date.parse('2026-12-01T00:00:00.500Z') / 1000]]);
  });

  it('gives each reason once, the build info and the daemon start', () => {
    const samples = deriveGaugeSamples({ ...baseStatus, mode: 'degraded', reasons: ['slack-flapping', 'skill-stale:daily-memory', 'slack-flapping'] }, facts);
    expect(valuesOf(samples, 'reason')).toEqual([[{ reason: 'slack-flapping' }, 1], [{ reason: 'skill-stale:daily-memory' }, 1]]);
    expect(valuesOf(samples, 'buildInfo')).toEqual([[{ version: '0.1.0', node_version: '20.20.2' }, 1]]);
    expect(valuesOf(samples, 'daemonStartTime')).toEqual([[{}, Date.parse('2026-11-30T23:59:59.000Z') / 1000]]);
  });
});

const base = createInitialState(0);
const crash: ExitRecord = { code: 1, signal: null, uptimeMs: 300, class: 'transient', reason: 'crash', evidence: [], at: '2026-12-01T00:00:01.000Z' };
const moved: ExitRecord = { ...crash, class: 'structural', reason: 'module-not-found' };
const diagnosis: Diagnosis = { reason: 'module-not-found', class: 'structural', trigger: 'structural', failuresInWindow: 1, since: crash.at, evidence: [], hint: 'reinstall', lastExit: moved };

function with_(patch: Partial<SupervisorState>, gateway: Partial<SupervisorState['gateway']> = {}): SupervisorState {
  return { ...base, ...patch, gateway: { ...base.gateway, ...gateway } };
}

describe('deriveCounterIncrements', () => {
  const running = with_({ mode: 'healthy' }, { pid: 10 });
  const backoff = with_({ mode: 'backoff' }, { pid: null, lastExit: crash });
  it.each([
    ['nothing changed', running, running, []],
    ['an exit into backoff', running, backoff, [{ metric: 'gatewayExits', labels: { class: 'transient', reason: 'crash' }, by: 1 }]],
    ['the restart after it, labelled by that exit', backoff, with_({ mode: 'starting' }, { pid: 11, restarts: 1, lastExit: crash }), [
      { metric: 'gatewayRestarts', labels: { class: 'transient', reason: 'crash' }, by: 1 },
    ]],
    ['an operator restart before any exit', running, with_({ mode: 'starting' }, { pid: 11, restarts: 1 }), [
      { metric: 'gatewayRestarts', labels: { class: 'requested', reason: 'operator' }, by: 1 },
    ]],
    ['a structural exit into diagnose: the exit and the entry by reason', running, with_({ mode: 'diagnose', reasons: ['module-not-found'], diagnosis }, { pid: null, lastExit: moved }), [
      { metric: 'gatewayExits', labels: { class: 'structural', reason: 'module-not-found' }, by: 1 },
      { metric: 'diagnoseEntries', labels: { reason: 'module-not-found' }, by: 1 },
    ]],
    ['staying in diagnose is not a second entry', with_({ mode: 'diagnose', diagnosis }), with_({ mode: 'diagnose', diagnosis, reasons: ['x'] }), []],
    ['diagnose with no diagnosis yet takes the first reason', running, with_({ mode: 'diagnose', reasons: ['crash'] }), [{ metric: 'diagnoseEntries', labels: { reason: 'crash' }, by: 1 }]],
  ] as const)('%s', (_name, previous, state, expected) => {
    expect(deriveCounterIncrements(previous, state)).toEqual(expected);
  });
});

describe('deriveProbeObservations', () => {
  const at = (second: number): string => `2026-12-01T00:00:${String(second).padStart(2, '0')}.000Z`;
  const withHealth = (patch: Partial<typeof probes.health>): typeof probes => ({ ...probes, health: { ...probes.health, ...patch } });
  const seenAll = (checkedAt: string, failures = 0): ProbesSeen => ({
    health: { checkedAt, consecutiveFailures: failures },
    startup: { checkedAt: probes.startup.checkedAt, consecutiveFailures: 0 },
    ready: { checkedAt: probes.ready.checkedAt, consecutiveFailures: 0 },
    slack: { checkedAt: probes.slack.checkedAt, consecutiveFailures: 0 },
  });
  it.each([
    ['the same answer looked at twice counts nothing', seenAll(at(5)), withHealth({ checkedAt: at(5) }), [], []],
    ['a new answer gives its latency in seconds', seenAll(at(5)), withHealth({ checkedAt: at(7), latencyMs: 250 }), [{ probe: 'health', seconds: 0.25 }], []],
    ['a failure without a round trip counts, with no latency', seenAll(at(5)), withHealth({ checkedAt: at(7), ok: false, latencyMs: null, consecutiveFailures: 1 }), [], [{ probe: 'health', count: 1 }]],
    ['two failures between looks count twice', seenAll(at(5), 1), withHealth({ checkedAt: at(9), ok: false, latencyMs: null, consecutiveFailures: 3 }), [], [{ probe: 'health', count: 2 }]],
    ['a run that ended and began again between looks counts its new failures', seenAll(at(5), 3), withHealth({ checkedAt: at(9), ok: false, latencyMs: null, consecutiveFailures: 1 }), [], [{ probe: 'health', count: 1 }]],
  ] as const)('%s', (_name, seen, current, latencies, failures) => {
    const result = deriveProbeObservations(seen, current);
    expect(result.latencies).toEqual(latencies);
    expect(result.failures).toEqual(failures);
    expect(result.seen.health).toEqual({ checkedAt: current.health.checkedAt, consecutiveFailures: current.health.consecutiveFailures });
  });

  it('sees nothing without the probes section', () => {
    expect(deriveProbeObservations({}, undefined)).toEqual({ latencies: [], failures: [], seen: {} });
  });
});

describe('the collector renders the text format with prom-client', () => {
  it('shows the mode, counts a diagnose entry, observes probe latency, and never writes a metric named up', async () => {
    let status: StatusSnapshot = { ...baseStatus, probes };
    const listeners: Array<(state: SupervisorState, previous: SupervisorState) => void> = [];
    const collector = createMetricsCollector(
      { getStatus: () => status, onStateChange: (listener) => void listeners.push(listener) },
      { nodeVersion: '20.20.2', nowMs: () => NOW_MS },
    );
    const before = await collector.render();
    expect(before).toContain('clawsup_mode{mode="healthy"} 1');
    expect(before).toContain('clawsup_probe_latency_seconds_bucket{le="0.025",probe="health"} 1');
    status = { ...status, mode: 'diagnose', reasons: ['module-not-found'], gateway: { ...status.gateway, pid: null, startedAt: null } };
    for (const listener of listeners) listener(with_({ mode: 'diagnose', diagnosis }, { lastExit: moved }), with_({ mode: 'healthy' }, { pid: 10 }));
    const after = await collector.render();
    expect(after).toContain('clawsup_mode{mode="diagnose"} 1');
    expect(after).toContain('clawsup_mode{mode="healthy"} 0');
    expect(after).toContain('clawsup_diagnose_entries_total{reason="module-not-found"} 1');
    expect(after).toContain('clawsup_gateway_exits_total{class="structural",reason="module-not-found"} 1');
    expect(after).toContain('clawsup_reason{reason="module-not-found"} 1');
    expect(after).toContain('clawsup_gateway_up 0');
    const names = after.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => line.split(/[{ ]/)[0]);
    expect(names.every((name) => name?.startsWith('clawsup_'))).toBe(true);
    expect(names).not.toContain('up');
    collector.stop();
  });
});
