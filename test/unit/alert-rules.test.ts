import { describe, expect, it } from 'vitest';
import { findAlertConditions, type AlertFacts, type AlertRuleSettings } from '../../src/alerts/alert-conditions.js';
import { evaluateAlerts, type ActiveAlert } from '../../src/alerts/evaluate-alerts.js';
import type { StatusSnapshot } from '../../src/status/status-schema.js';

const T0 = Date.parse('2026-12-01T06:00:00.000Z');
const SETTINGS: AlertRuleSettings = { restartsPerHour: 5, daemonCrashActiveMs: 600_000, disabled: [], resolveHoldMs: 60_000 };
const NO_FACTS: AlertFacts = { restartTimesMs: [], daemonCrash: null };

function probe(state: string): StatusSnapshot['probes'] extends infer P ? P : never {
  const report = { ok: true, latencyMs: null, checkedAt: null, consecutiveFailures: 0, detail: null };
  return {
    health: { ...report, state: 'live' },
    startup: { ...report, state: 'started' },
    ready: { ...report, state: 'ready' },
    slack: { ...report, ok: state === 'connected', state: state as never, detail: `slack ${state}` },
  } as never;
}

function snapshot(overrides: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    schemaVersion: 1,
    mode: 'healthy',
    since: '2026-12-01T05:00:00.000Z',
    reasons: [],
    updatedAt: '2026-12-01T06:00:00.000Z',
    gateway: { pid: 42, startedAt: '2026-12-01T05:00:00.000Z', restarts: 0, lastExit: null, nextAttemptAt: null, failuresInWindow: 0, failureLimit: 3 },
    diagnosis: null,
    daemon: { pid: 7, version: '0.0.0', startedAt: '2026-12-01T05:00:00.000Z', host: 'node-a' },
    ...overrides,
  };
}

const DIAGNOSE = snapshot({
  mode: 'diagnose',
  reasons: ['crash-loop'],
  diagnosis: {
    reason: 'module-not-found',
    class: 'structural',
    trigger: 'structural-exit',
    since: '2026-12-01T05:59:00.000Z',
    evidence: ["Error: Cannot find module 'x'"],
    hint: 'reinstall the gateway: npm i -g openclaw',
    failuresInWindow: 1,
    lastExit: null,
  },
});

const skill = (state: 'ok' | 'stale' | 'failing') => ({
  state,
  status: state === 'failing' ? 'error' : 'ok',
  startedAt: null,
  finishedAt: '2026-12-01T05:30:00.000Z',
  lastSuccessAt: '2026-11-30T05:00:00.000Z',
  maxAgeMs: 86_400_000,
  staleAt: '2026-12-01T05:00:00.000Z',
  exitCode: state === 'failing' ? 3 : 0,
  message: null,
  host: null,
});

function withLastApply(outcome: string): StatusSnapshot {
  const lastApply = { id: 'a7', at: '2026-12-01T05:58:00.000Z', kind: 'apply', outcome, reason: 'gateway-exited: code 78' };
  return { ...snapshot(), gatewayConfig: { liveConfigPath: null, isApplying: false, lastApply, drift: { isDrifted: false } } } as StatusSnapshot;
}

describe('findAlertConditions: one rule per kind of trouble', () => {
  it.each<[string, StatusSnapshot, AlertFacts, string[]]>([
    ['healthy: nothing', snapshot(), NO_FACTS, []],
    ['diagnose mode', DIAGNOSE, NO_FACTS, ['diagnose']],
    ['5 restarts in the hour is at the limit', snapshot(), { restartTimesMs: [1, 2, 3, 4, 5].map((i) => T0 - i * 1_000), daemonCrash: null }, []],
    ['6 restarts in the hour is over it', snapshot(), { restartTimesMs: [1, 2, 3, 4, 5, 6].map((i) => T0 - i * 1_000), daemonCrash: null }, ['restart-storm']],
    ['restarts older than an hour do not count', snapshot(), { restartTimesMs: [1, 2, 3, 4, 5, 6].map((i) => T0 - 3_600_000 - i), daemonCrash: null }, []],
    ['Slack duplicate', snapshot({ probes: probe('duplicate') }), NO_FACTS, ['slack-duplicate']],
    ['Slack blocked', snapshot({ probes: probe('blocked') }), NO_FACTS, ['slack-blocked']],
    ['Slack flapping', snapshot({ probes: probe('flapping') }), NO_FACTS, ['slack-flapping']],
    ['Slack stale', snapshot({ probes: probe('stale') }), NO_FACTS, ['slack-stale']],
    ['Slack merely disconnected is the probes\' business, not an alert', snapshot({ probes: probe('disconnected') }), NO_FACTS, []],
    ['a stale and a failing skill', snapshot({ skills: { memory: skill('stale'), digest: skill('failing'), fine: skill('ok') } }), NO_FACTS, ['skill-stale:memory', 'skill-failing:digest']],
    ['capabilities lost, one alert each', snapshot({ reasons: ['capability-lost:model:anthropic/claude-opus-4-6', 'capability-lost:tool:exec'] }), NO_FACTS, ['capability-lost:model:anthropic/claude-opus-4-6', 'capability-lost:tool:exec']],
    ['a config rolled back', snapshot({ reasons: ['config-rolled-back'] }), NO_FACTS, ['config-rolled-back']],
    ['config drift', snapshot({ reasons: ['config-drift'] }), NO_FACTS, ['config-rolled-back']],
    ['cron without a leader', snapshot({ reasons: ['cron-no-leader'] }), NO_FACTS, ['cron-no-leader']],
    ['a follower without the leader\'s cron jobs', snapshot({ reasons: ['cron-jobs-differ'] }), NO_FACTS, ['cron-jobs-differ']],
    ['a gateway config apply rolled back (status.json gatewayConfig.lastApply)', withLastApply('rolled-back'), NO_FACTS, ['config-rolled-back:a7']],
    ['an apply whose rollback failed too', withLastApply('rollback-failed'), NO_FACTS, ['config-rolled-back:a7']],
    ['an apply that went through', withLastApply('applied'), NO_FACTS, []],
    ['clawsupd back from a crash of its own', snapshot(), { restartTimesMs: [], daemonCrash: { detectedAtMs: T0 - 1_000, detail: 'pid 6 ended without stopping cleanly' } }, ['daemon-crashed']],
    ['a crash long enough ago is over', snapshot(), { restartTimesMs: [], daemonCrash: { detectedAtMs: T0 - 600_000, detail: 'x' } }, []],
  ])('%s', (_name, status, facts, keys) => {
    const found = findAlertConditions(status, facts, T0, SETTINGS).map((c) => (c.subject === null ? c.rule : `${c.rule}:${c.subject}`));
    expect(found).toEqual(keys);
  });

  it('says what, where, since when and the fix (the diagnosis hint) for diagnose mode', () => {
    const [condition] = findAlertConditions(DIAGNOSE, NO_FACTS, T0, SETTINGS);
    expect(condition).toMatchObject({ severity: 'critical', fix: 'reinstall the gateway: npm i -g openclaw', sinceMs: Date.parse('2026-12-01T05:59:00.000Z') });
    expect(condition?.summary).toContain('node-a');
    expect(condition?.summary).toContain('module-not-found');
  });

  it('raises nothing for a disabled rule, and the restart limit is tunable', () => {
    expect(findAlertConditions(DIAGNOSE, NO_FACTS, T0, { ...SETTINGS, disabled: ['diagnose'] })).toEqual([]);
    const facts = { restartTimesMs: [T0 - 1, T0 - 2], daemonCrash: null };
    expect(findAlertConditions(snapshot(), facts, T0, { ...SETTINGS, restartsPerHour: 1 }).map((c) => c.rule)).toEqual(['restart-storm']);
  });
});

describe('evaluateAlerts: grouped, deduplicated, resolved after the hold', () => {
  const flapping = snapshot({ probes: probe('flapping'), mode: 'degraded', reasons: ['slack-flapping'] });
  const connected = snapshot({ probes: probe('connected') });

  it('fires once for a condition that holds, however many times it is looked at', () => {
    let active: ActiveAlert[] = [];
    const fired: string[] = [];
    for (let i = 0; i < 60; i += 1) {
      const result = evaluateAlerts(active, flapping, NO_FACTS, T0 + i * 1_000, SETTINGS);
      fired.push(...result.firing.map((a) => a.key));
      expect(result.resolved).toEqual([]);
      active = result.active;
    }
    expect(fired).toEqual(['slack-flapping']);
    expect(active).toHaveLength(1);
    expect(active[0]?.startsAtMs).toBe(T0);
  });

  it('a flapping socket that comes and goes within the hold is one alert, resolved once at the end', () => {
    let active: ActiveAlert[] = [];
    const told: string[] = [];
    // Sixty flaps: 5 s flapping, 5 s connected, each back within the 60 s hold.
    for (let i = 0; i < 119; i += 1) {
      const result = evaluateAlerts(active, i % 2 === 0 ? flapping : connected, NO_FACTS, T0 + i * 5_000, SETTINGS);
      told.push(...result.firing.map((a) => `firing ${a.key}`), ...result.resolved.map((a) => `resolved ${a.key}`));
      active = result.active;
    }
    expect(told).toEqual(['firing slack-flapping']);
    const clearedAtMs = T0 + 119 * 5_000;
    let result = evaluateAlerts(active, connected, NO_FACTS, clearedAtMs, SETTINGS);
    expect(result.resolved).toEqual([]);
    result = evaluateAlerts(result.active, connected, NO_FACTS, clearedAtMs + 59_999, SETTINGS);
    expect(result.resolved).toEqual([]);
    result = evaluateAlerts(result.active, connected, NO_FACTS, clearedAtMs + 60_000, SETTINGS);
    expect(result.resolved.map((a) => a.key)).toEqual(['slack-flapping']);
    // The resolution reports when the condition cleared, not when the hold ended.
    expect(result.resolved[0]?.endsAtMs).toBe(clearedAtMs);
    expect(result.active).toEqual([]);
  });

  it('with no hold, resolves at the first clear look', () => {
    const fired = evaluateAlerts([], DIAGNOSE, NO_FACTS, T0, { ...SETTINGS, resolveHoldMs: 0 });
    expect(fired.firing.map((a) => a.key)).toEqual(['diagnose']);
    expect(fired.firing[0]?.startsAtMs).toBe(Date.parse('2026-12-01T05:59:00.000Z'));
    const resolved = evaluateAlerts(fired.active, snapshot(), NO_FACTS, T0 + 5_000, { ...SETTINGS, resolveHoldMs: 0 });
    expect(resolved.resolved.map((a) => [a.key, a.endsAtMs])).toEqual([['diagnose', T0 + 5_000]]);
  });

  it('keeps one alert per subject: two stale skills are two alerts, one of them resolving alone', () => {
    const both = snapshot({ skills: { a: skill('stale'), b: skill('stale') } });
    const first = evaluateAlerts([], both, NO_FACTS, T0, { ...SETTINGS, resolveHoldMs: 0 });
    expect(first.firing.map((a) => a.key)).toEqual(['skill-stale:a', 'skill-stale:b']);
    const second = evaluateAlerts(first.active, snapshot({ skills: { a: skill('ok'), b: skill('stale') } }), NO_FACTS, T0 + 1, { ...SETTINGS, resolveHoldMs: 0 });
    expect(second.resolved.map((a) => a.key)).toEqual(['skill-stale:a']);
    expect(second.active.map((a) => a.key)).toEqual(['skill-stale:b']);
    expect(second.firing).toEqual([]);
  });

  it('resolves at once an alert whose rule was switched off', () => {
    const fired = evaluateAlerts([], DIAGNOSE, NO_FACTS, T0, SETTINGS);
    const off = evaluateAlerts(fired.active, DIAGNOSE, NO_FACTS, T0 + 1, { ...SETTINGS, disabled: ['diagnose'] });
    expect(off.resolved.map((a) => a.key)).toEqual(['diagnose']);
  });
});
