import { describe, expect, it } from 'vitest';
import { deriveCronEvents, type CronEventsSeen, type CronView } from '../../src/cron/cron-events.js';
import { compareWithLeaderJobs } from '../../src/cron/job-definitions.js';
import { createMetricsCollector } from '../../src/metrics/metrics-collector.js';
import { CRON_ROLES, deriveGaugeSamples, deriveTotalIncrements, type GaugeSample } from '../../src/metrics/status-samples.js';
import type { StatusSnapshot } from '../../src/status/status-schema.js';

const NOW_MS = Date.parse('2026-12-01T00:01:40.000Z');
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
const cron: NonNullable<StatusSnapshot['cron']> = {
  role: 'leader',
  term: 7,
  holder: { node: 'node-1', pid: 7, term: 7, acquiredAt: '2026-12-01T00:00:30.000Z' },
  leaseExpiresAt: '2026-12-01T00:01:55.000Z',
  lastError: null,
  isCronOn: true,
  highestTermSeen: 7,
  node: 'node-1',
  jobs: { count: 3, definitionsHash: '3f2a9c0d11e0b7aa', checkedAt: '2026-12-01T00:01:00.000Z', leaderDefinitionsHash: '3f2a9c0d11e0b7aa', isSameAsLeader: true },
  jobsError: null,
  leadershipChanges: 2,
  renewFailures: 1,
  updatedAt: '2026-12-01T00:01:39.000Z',
};

function valuesOf(samples: GaugeSample[], metric: GaugeSample['metric']): Array<[Record<string, string>, number]> {
  return samples.filter((sample) => sample.metric === metric).map((sample) => [{ ...sample.labels }, sample.value]);
}

describe('clawsup_cron_* gauges', () => {
  it.each(CRON_ROLES.map((role) => [role]))('role %s: one series per role, exactly that one at 1', (role) => {
    const series = valuesOf(deriveGaugeSamples({ ...baseStatus, cron: { ...cron, role } }, { nowMs: NOW_MS, nodeVersion: '20' }), 'cronRole');
    expect(series).toEqual(CRON_ROLES.map((each) => [{ role: each }, each === role ? 1 : 0]));
  });

  it('gives the term, the lease expiry in Unix seconds, whether cron is on, and the jobs by their definitions hash', () => {
    const samples = deriveGaugeSamples({ ...baseStatus, cron }, { nowMs: NOW_MS, nodeVersion: '20' });
    expect(valuesOf(samples, 'cronTerm')).toEqual([[{}, 7]]);
    expect(valuesOf(samples, 'cronLeaseExpiry')).toEqual([[{}, Date.parse('2026-12-01T00:01:55.000Z') / 1000]]);
    expect(valuesOf(samples, 'cronGatewayCronOn')).toEqual([[{}, 1]]);
    expect(valuesOf(samples, 'cronJobs')).toEqual([[{ definitions_hash: '3f2a9c0d11e0b7aa' }, 3]]);
  });

  it('has no term, expiry or jobs series when none is known, and no cron series without the cron leader', () => {
    const unknown = deriveGaugeSamples({ ...baseStatus, cron: { ...cron, role: 'no-quorum', term: null, holder: null, leaseExpiresAt: null, isCronOn: false, jobs: null } }, { nowMs: NOW_MS, nodeVersion: '20' });
    expect(valuesOf(unknown, 'cronTerm')).toEqual([]);
    expect(valuesOf(unknown, 'cronLeaseExpiry')).toEqual([]);
    expect(valuesOf(unknown, 'cronJobs')).toEqual([]);
    expect(valuesOf(unknown, 'cronGatewayCronOn')).toEqual([[{}, 0]]);
    const off = deriveGaugeSamples(baseStatus, { nowMs: NOW_MS, nodeVersion: '20' });
    expect(off.filter((sample) => sample.metric.startsWith('cron'))).toEqual([]);
  });

  it.each([
    ['nothing new', { cronLeadershipChanges: 2, cronRenewFailures: 1 }, { cronLeadershipChanges: 2, cronRenewFailures: 1 }, []],
    ['each total by what it grew', { cronLeadershipChanges: 2, cronRenewFailures: 1 }, { cronLeadershipChanges: 5, cronRenewFailures: 2 }, [{ metric: 'cronLeadershipChanges', by: 3 }, { metric: 'cronRenewFailures', by: 1 }]],
    ['a total counted again from 0 counts from there', { cronLeadershipChanges: 9, cronRenewFailures: 0 }, { cronLeadershipChanges: 1, cronRenewFailures: 0 }, [{ metric: 'cronLeadershipChanges', by: 1 }]],
  ] as const)('totals: %s', (_name, before, now, expected) => {
    expect(deriveTotalIncrements(before, now)).toEqual(expected);
  });

  it('the collector renders the cron series, and the counters from 0 before the first change', async () => {
    let status: StatusSnapshot = { ...baseStatus, cron: { ...cron, leadershipChanges: 0, renewFailures: 0 } };
    const collector = createMetricsCollector({ getStatus: () => status, onStateChange: () => undefined }, { nodeVersion: '20', nowMs: () => NOW_MS, isCronLeaderEnabled: true });
    const first = await collector.render();
    expect(first).toContain('clawsup_cron_role{role="leader"} 1');
    expect(first).toContain('clawsup_cron_role{role="no-quorum"} 0');
    expect(first).toContain('clawsup_cron_leadership_changes_total 0');
    expect(first).toContain('clawsup_cron_renew_failures_total 0');
    expect(first).toContain('clawsup_cron_jobs{definitions_hash="3f2a9c0d11e0b7aa"} 3');
    status = { ...status, cron: { ...cron, role: 'follower', leadershipChanges: 2, renewFailures: 1 } };
    const second = await collector.render();
    expect(second).toContain('clawsup_cron_role{role="follower"} 1');
    expect(second).toContain('clawsup_cron_leadership_changes_total 2');
    expect(second).toContain('clawsup_cron_renew_failures_total 1');
    collector.stop();
  });
});

describe('cron journal events', () => {
  const view = (role: CronView['role'], term: number | null, holderNode: string | null): CronView => ({ role, term, holderNode });
  function run(views: CronView[]): Array<{ type: string; fields: Record<string, unknown> }> {
    let seen: CronEventsSeen | null = null;
    const all: Array<{ type: string; fields: Record<string, unknown> }> = [];
    for (const each of views) {
      const result = deriveCronEvents(seen, each, each.role === 'no-quorum' ? 'redis: ECONNREFUSED' : null);
      seen = result.seen;
      all.push(...result.events);
    }
    return all;
  }

  it('a follower that starts knowing no leader says nothing; the leader it sees is a change, with both terms', () => {
    expect(run([view('follower', null, null)])).toEqual([]);
    expect(run([view('follower', null, null), view('follower', 4, 'b'), view('follower', 4, 'b')])).toEqual([
      { type: 'cron-leadership-changed', fields: { role: 'follower', previousRole: 'follower', term: 4, previousTerm: null, holder: 'b', previousHolder: null } },
    ]);
  });

  it('taking the lease, and losing it to another node, each with the term before', () => {
    expect(run([view('follower', 4, 'b'), view('leader', 5, 'a'), view('follower', null, null), view('follower', 6, 'c')]).map((event) => [event.type, event.fields.role, event.fields.previousTerm, event.fields.term])).toEqual([
      ['cron-leadership-changed', 'follower', null, 4],
      ['cron-leadership-changed', 'leader', 4, 5],
      ['cron-leadership-changed', 'follower', 5, null],
      ['cron-leadership-changed', 'follower', 5, 6],
    ]);
  });

  it('no-quorum entered with the error and left with the role; the terms go across the spell', () => {
    expect(run([view('leader', 5, 'a'), view('no-quorum', 5, 'a'), view('no-quorum', 5, 'a'), view('leader', 6, 'a')])).toEqual([
      { type: 'cron-leadership-changed', fields: { role: 'leader', previousRole: 'follower', term: 5, previousTerm: null, holder: 'a', previousHolder: null } },
      { type: 'cron-no-quorum-entered', fields: { previousRole: 'leader', term: 5, lastError: 'redis: ECONNREFUSED' } },
      { type: 'cron-no-quorum-left', fields: { role: 'leader', term: 6 } },
      { type: 'cron-leadership-changed', fields: { role: 'leader', previousRole: 'no-quorum', term: 6, previousTerm: 5, holder: 'a', previousHolder: 'a' } },
    ]);
  });
});

describe('a node\'s cron jobs against the leader\'s', () => {
  it.each([
    ['the leader is its own reference', 'aaaa', true, 5, null, { leaderDefinitionsHash: 'aaaa', isSameAsLeader: true }],
    ['a follower with the leader\'s jobs', 'aaaa', false, 5, { term: 5, definitionsHash: 'aaaa' }, { leaderDefinitionsHash: 'aaaa', isSameAsLeader: true }],
    ['a follower with other jobs', 'bbbb', false, 5, { term: 5, definitionsHash: 'aaaa' }, { leaderDefinitionsHash: 'aaaa', isSameAsLeader: false }],
    ['jobs the last leader published, not this one: unknown', 'bbbb', false, 6, { term: 5, definitionsHash: 'aaaa' }, { leaderDefinitionsHash: null, isSameAsLeader: null }],
    ['nothing published yet', 'bbbb', false, 6, null, { leaderDefinitionsHash: null, isSameAsLeader: null }],
    ['no leader known', 'bbbb', false, null, { term: 5, definitionsHash: 'aaaa' }, { leaderDefinitionsHash: null, isSameAsLeader: null }],
  ] as const)('%s', (_name, own, isLeader, holderTerm, published, expected) => {
    expect(compareWithLeaderJobs(own, isLeader, holderTerm, published)).toEqual(expected);
  });
});
