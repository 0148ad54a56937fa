import { describe, expect, it } from 'vitest';
import { canonicalJobDefinitions } from '../../src/cron/job-definitions.js';

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
