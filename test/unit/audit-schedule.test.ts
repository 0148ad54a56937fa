import { describe, expect, it } from 'vitest';
import { decideNextAuditAtMs, type AuditClock } from '../../src/audit/audit-schedule.js';

const DAY_MS = 86_400_000;
const timing = { intervalMs: DAY_MS, settleMs: 10_000 };
const clock = (fields: Partial<AuditClock>): AuditClock => ({ upSinceMs: null, gatewayPid: null, lastAuditAtMs: null, auditedPid: null, ...fields });

describe('decideNextAuditAtMs', () => {
  it.each<[string, Partial<AuditClock>, number | null]>([
    ['no audit while the gateway is down', { lastAuditAtMs: 1_000 }, null],
    ['at start-up, once the gateway has settled', { upSinceMs: 5_000, gatewayPid: 10 }, 15_000],
    ['then every interval', { upSinceMs: 5_000, gatewayPid: 10, lastAuditAtMs: 15_000, auditedPid: 10 }, 15_000 + DAY_MS],
    ['after a restart, once settled, when the last audit is long past', { upSinceMs: 1_000_000, gatewayPid: 11, lastAuditAtMs: 15_000, auditedPid: 10 }, 1_010_000],
    ['after restarts in a row, five minutes after the audit before', { upSinceMs: 20_000, gatewayPid: 12, lastAuditAtMs: 15_000, auditedPid: 10 }, 315_000],
    ['a gateway up again after a break waits to settle again', { upSinceMs: DAY_MS * 3, gatewayPid: 10, lastAuditAtMs: 15_000, auditedPid: 10 }, DAY_MS * 3 + 10_000],
  ])('%s', (_name, fields, due) => {
    expect(decideNextAuditAtMs(clock(fields), timing)).toBe(due);
  });

  it('audits a restart no sooner than a short interval allows', () => {
    expect(decideNextAuditAtMs(clock({ upSinceMs: 20_000, gatewayPid: 12, lastAuditAtMs: 15_000, auditedPid: 10 }), { intervalMs: 2_000, settleMs: 0 })).toBe(20_000);
  });

  // A crash loop: each gateway lives 3 s, never the 10 s the audit waits for; the timer is re-decided at each change.
  it('never audits a gateway that dies before it settles', () => {
    for (let life = 0; life < 5; life += 1) {
      const startedMs = life * 3_000;
      const dueAtMs = decideNextAuditAtMs(clock({ upSinceMs: startedMs, gatewayPid: 100 + life }), timing);
      expect(dueAtMs).toBeGreaterThan(startedMs + 3_000);
    }
  });
});
