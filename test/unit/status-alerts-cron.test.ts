import { describe, expect, it } from 'vitest';
import { buildAlertsStatus, redactUrls } from '../../src/alerts/alerts-status.js';
import type { ActiveAlert } from '../../src/alerts/evaluate-alerts.js';
import { renderStatus } from '../../src/cli/render-status.js';
import { statusSectionSchemas } from '../../src/status/status-schema.js';

const T0 = Date.parse('2026-12-01T08:00:00.000Z');

function alert(key: string, rule: ActiveAlert['rule'], subject: string | null, clearedAtMs: number | null = null): ActiveAlert {
  return { key, rule, subject, severity: 'critical', host: 'node-1', summary: 's', description: 'd', fix: null, startsAtMs: T0, clearedAtMs };
}

describe('status.json alerts section', () => {
  it('lists what fires, each configured target in config order with its pending count and last error, and the dropped count', () => {
    const section = buildAlertsStatus({
      active: [alert('diagnose', 'diagnose', null), alert('skill-stale:backup', 'skill-stale', 'backup', T0 + 5_000)],
      configuredTargetIds: ['webhook:0:slack', 'webhook:1:json', 'alertmanager'],
      pendingTargetIds: ['webhook:1:json', 'webhook:1:json', 'alertmanager'],
      droppedMessages: 4,
      deliveryStates: [
        { targetId: 'alertmanager', lastDeliveredAtMs: T0 + 1_000, lastError: null, lastErrorAtMs: null },
        { targetId: 'webhook:1:json', lastDeliveredAtMs: null, lastError: 'answered HTTP 500', lastErrorAtMs: T0 + 2_000 },
      ],
    });
    expect(statusSectionSchemas.alerts.parse(section)).toEqual(section);
    expect(section).toEqual({
      firing: [
        { key: 'diagnose', rule: 'diagnose', subject: null, severity: 'critical', since: '2026-12-01T08:00:00.000Z', clearedAt: null },
        { key: 'skill-stale:backup', rule: 'skill-stale', subject: 'backup', severity: 'critical', since: '2026-12-01T08:00:00.000Z', clearedAt: '2026-12-01T08:00:05.000Z' },
      ],
      outboxDepth: 3,
      droppedMessages: 4,
      targets: [
        { target: 'webhook #1', pending: 0, lastDeliveredAt: null, lastError: null, lastErrorAt: null },
        { target: 'webhook #2', pending: 2, lastDeliveredAt: null, lastError: 'answered HTTP 500', lastErrorAt: '2026-12-01T08:00:02.000Z' },
        { target: 'Alertmanager', pending: 1, lastDeliveredAt: '2026-12-01T08:00:01.000Z', lastError: null, lastErrorAt: null },
      ],
    });
  });

  it.each([
    ['connect ECONNREFUSED https://hooks.slack.com/services/T0/B0/secret', 'connect ECONNREFUSED <url>'],
    ['redirected to "http://10.0.0.1:8080/hook?key=abc" twice', 'redirected to "<url>" twice'],
    ['answered HTTP 500', 'answered HTTP 500'],
  ])('redacts every URL in an error: %s', (error, shown) => {
    expect(redactUrls(error)).toBe(shown);
    const section = buildAlertsStatus({
      active: [],
      configuredTargetIds: ['webhook:0:slack'],
      pendingTargetIds: [],
      droppedMessages: 0,
      deliveryStates: [{ targetId: 'webhook:0:slack', lastDeliveredAtMs: null, lastError: error, lastErrorAtMs: T0 }],
    });
    expect(section.targets[0]?.lastError).toBe(shown);
  });
});

describe('clawctl status: the alerts line', () => {
  const base = {
    mode: 'diagnose',
    since: '2026-12-01T08:00:00.000Z',
    reasons: [],
    daemon: { pid: 1, host: 'node-1', version: '0.1.0', startedAt: '2026-12-01T07:00:00.000Z' },
    gateway: { pid: null, startedAt: null, restarts: 0, lastExit: null },
  };
  const quiet = { firing: [], outboxDepth: 0, droppedMessages: 0, targets: [{ target: 'webhook #1', pending: 0, lastDeliveredAt: '2026-12-01T08:00:01.000Z', lastError: null, lastErrorAt: null }] };

  it('says nothing when nothing fires and every target takes its messages', () => {
    expect(renderStatus({ ...base, alerts: quiet }, T0 + 60_000)).not.toMatch(/^alerts:/m);
    expect(renderStatus(base, T0 + 60_000)).not.toMatch(/^alerts:/m);
  });

  it('is one line with what fires since when, each failing target with its error and pending count, and the dropped count', () => {
    const alerts = {
      firing: [{ key: 'diagnose', rule: 'diagnose', subject: null, severity: 'critical', since: '2026-12-01T08:00:00.000Z', clearedAt: null }],
      outboxDepth: 2,
      droppedMessages: 3,
      targets: [...quiet.targets, { target: 'webhook #2', pending: 2, lastDeliveredAt: null, lastError: 'answered HTTP 500', lastErrorAt: '2026-12-01T08:00:30.000Z' }],
    };
    const lines = renderStatus({ ...base, alerts }, T0 + 60_000).split('\n').filter((line) => line.startsWith('alerts:'));
    expect(lines).toEqual(['alerts: 1 firing (diagnose since 1m ago); webhook #2 failing 30s ago: answered HTTP 500 (2 pending); 3 dropped (outbox full)']);
  });

  it('shows a target failing with nothing firing (a resolved message not yet delivered)', () => {
    const alerts = { ...quiet, outboxDepth: 1, targets: [{ target: 'Alertmanager', pending: 1, lastDeliveredAt: null, lastError: 'ECONNREFUSED', lastErrorAt: '2026-12-01T08:00:50.000Z' }] };
    expect(renderStatus({ ...base, alerts }, T0 + 60_000)).toContain('alerts: Alertmanager failing 10s ago: ECONNREFUSED (1 pending)\n');
  });
});

describe('clawctl status: the cron line', () => {
  const base = {
    mode: 'healthy',
    since: '2026-12-01T08:00:00.000Z',
    reasons: [],
    daemon: { pid: 1, host: 'node-1', version: '0.1.0', startedAt: '2026-12-01T07:00:00.000Z' },
    gateway: { pid: 5, startedAt: '2026-12-01T08:00:00.000Z', restarts: 0, lastExit: null },
  };
  const cron = {
    role: 'leader', term: 7, node: 'node-1', holder: { node: 'node-1', pid: 1, term: 7, acquiredAt: '2026-12-01T08:00:00.000Z' },
    leaseExpiresAt: '2026-12-01T08:01:10.000Z', lastError: null, isCronOn: true, highestTermSeen: 7,
    jobs: { count: 2, definitionsHash: 'aaaa', checkedAt: '2026-12-01T08:00:30.000Z', leaderDefinitionsHash: 'aaaa', isSameAsLeader: true }, jobsError: null,
    leadershipChanges: 1, renewFailures: 0, updatedAt: '2026-12-01T08:01:00.000Z',
  };
  const cronLine = (value: unknown): string[] => renderStatus({ ...base, cron: value }, T0 + 60_000).split('\n').filter((line) => line.startsWith('cron:'));

  it.each([
    ['the leader', cron, 'cron: leader, term 7, cron on here, lease expires in 10s'],
    ['a follower', { ...cron, role: 'follower', isCronOn: false, holder: { ...cron.holder, node: 'node-2' } }, 'cron: follower of node-2 (term 7), cron off here'],
    ['a follower with other jobs', { ...cron, role: 'follower', isCronOn: false, holder: { ...cron.holder, node: 'node-2' }, jobs: { ...cron.jobs, definitionsHash: 'bbbb', isSameAsLeader: false } }, "cron: follower of node-2 (term 7), cron off here; jobs DIFFER from the leader's (bbbb here, aaaa there)"],
    ['no quorum', { ...cron, role: 'no-quorum', isCronOn: false, lastError: 'redis: ECONNREFUSED' }, 'cron: no-quorum (Redis unreachable: nobody can know who leads), cron off here; redis: ECONNREFUSED'],
    ['a follower that knows no leader', { ...cron, role: 'follower', isCronOn: false, holder: null, leaseExpiresAt: null }, 'cron: follower, no leader known, cron off here'],
  ])('%s', (_name, value, line) => {
    expect(cronLine(value)).toEqual([line]);
  });

  it('has no cron line without the cron leader', () => {
    expect(renderStatus(base, T0)).not.toMatch(/^cron:/m);
  });
});
