import { describe, expect, it } from 'vitest';
import { canonicalJobDefinitions, isNewJobsDifference, nextJobsCheckDelayMs, type JobsCheckFacts } from '../../src/cron/job-definitions.js';

const job = { id: 'j1', name: 'digest', enabled: true, schedule: { kind: 'cron', expr: '0 9 * * *', tz: 'UTC' }, payload: { kind: 'agentTurn', message: 'hi' } };

describe('canonicalJobDefinitions', () => {
  it('is the same whatever the order of jobs and keys, and whatever the run state', () => {
    const other = { payload: { message: 'hi', kind: 'agentTurn' }, schedule: { tz: 'UTC', expr: '0 9 * * *', kind: 'cron' }, enabled: true, name: 'digest', id: 'j1', state: { lastRunAtMs: 5, nextRunAtMs: 9 }, updatedAtMs: 7, effectiveAgentId: 'main' };
    const second = { ...job, id: 'j2', name: 'weekly' };
    expect(canonicalJobDefinitions([second, other])).toBe(canonicalJobDefinitions([job, second]));
  });

  it.each([
    ['another schedule', { ...job, schedule: { ...job.schedule, expr: '0 10 * * *' } }],
    ['disabled', { ...job, enabled: false }],
    ['another message', { ...job, payload: { ...job.payload, message: 'hello' } }],
  ])('differs for %s', (_name, changed) => {
    expect(canonicalJobDefinitions([changed])).not.toBe(canonicalJobDefinitions([job]));
  });

  it('counts no jobs as an empty list', () => {
    expect(canonicalJobDefinitions([])).toBe('[]');
  });
});

describe('nextJobsCheckDelayMs', () => {
  const settled: JobsCheckFacts = { isGatewayUp: true, isGatewayReady: true, isSameAsLeader: true, isAgainAsked: false };
  it.each<[string, Partial<JobsCheckFacts>, number]>([
    ['settled: the routine interval', {}, 60_000],
    ['settled, differing from the leader: the routine interval', { isSameAsLeader: false }, 60_000],
    ['never read yet (a gateway that answers): the routine interval', { isSameAsLeader: undefined }, 60_000],
    ['no gateway: soon', { isGatewayUp: false }, 2_000],
    ['a gateway not ready yet: soon', { isGatewayReady: false }, 2_000],
    ['the leader\'s jobs not known yet: soon', { isSameAsLeader: null }, 2_000],
    ['a new leader seen during the check: soon', { isAgainAsked: true }, 2_000],
  ])('%s', (_name, change, delayMs) => {
    expect(nextJobsCheckDelayMs({ ...settled, ...change }, { soonMs: 2_000, intervalMs: 60_000 })).toBe(delayMs);
  });
});

describe('isNewJobsDifference', () => {
  it.each<[string, string | null | undefined, { leaderDefinitionsHash: string | null; isSameAsLeader: boolean | null }, boolean]>([
    ['the same as the leader', 'h1', { leaderDefinitionsHash: 'h1', isSameAsLeader: true }, false],
    ['unknown', undefined, { leaderDefinitionsHash: null, isSameAsLeader: null }, false],
    ['differs for the first time', undefined, { leaderDefinitionsHash: 'h2', isSameAsLeader: false }, true],
    ['differs from a leader hash already warned about', 'h2', { leaderDefinitionsHash: 'h2', isSameAsLeader: false }, false],
    ['differs from a new leader hash', 'h2', { leaderDefinitionsHash: 'h3', isSameAsLeader: false }, true],
  ])('%s', (_name, previous, comparison, isNew) => {
    expect(isNewJobsDifference(previous, comparison)).toBe(isNew);
  });
});
