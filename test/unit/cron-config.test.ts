import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';

const gateway = { command: ['openclaw', 'gateway', 'run'] };

function issuesOf(leader: Record<string, unknown>): string[] {
  const parsed = configSchema.safeParse({ gateway, cron: { leader } });
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('cron.leader config', () => {
  it('is off by default, with a 15 s lease', () => {
    const config = configSchema.parse({ gateway });
    expect(config.cron.leader).toMatchObject({ enabled: false, key: 'clawsup:cron:leader', leaseMs: 15_000, connectTimeoutMs: 2_000, onRedisUnreachable: 'cron-off', skipMissedJobs: true });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['enabled without a URL', { enabled: true }, 'cron.leader.redisUrl: required when cron.leader.enabled is true'],
    ['an http URL', { enabled: true, redisUrl: 'http://127.0.0.1:6379' }, 'cron.leader.redisUrl: expected a redis:// or rediss:// URL'],
    ['not a URL', { enabled: true, redisUrl: 'localhost:6379' }, 'cron.leader.redisUrl: expected a redis:// or rediss:// URL'],
    ['a lease under 300 ms', { leaseMs: 100 }, 'cron.leader.leaseMs: at least 300 ms'],
    ['a margin that leaves no room for a failed renewal', { leaseMs: 3_000, safetyMarginMs: 2_000 }, 'cron.leader.safetyMarginMs: must be under two thirds of leaseMs (2000 ms), so that a renewal can fail once before cron goes off'],
    ['a typo', { enabeld: true }, 'cron.leader: Unrecognized key: "enabeld"'],
  ])('refuses %s, naming the field', (_name, leader, issue) => {
    expect(issuesOf(leader)).toContain(issue);
  });

  it('takes rediss:// with a password', () => {
    expect(issuesOf({ enabled: true, redisUrl: 'rediss://user:secret@redis.example:6380/2' })).toEqual([]);
  });
});
