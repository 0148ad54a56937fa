/** What the daemon's audit timer is decided from: times enter as numbers, so the table tests need no clock. */
export interface AuditClock {
  /** Since when the gateway has been up (healthy or degraded) without a break; null while it is not. */
  upSinceMs: number | null;
  gatewayPid: number | null;
  lastAuditAtMs: number | null;
  /** The gateway the last audit looked at: another pid now means a restart happened since. */
  auditedPid: number | null;
}

export interface AuditTiming {
  intervalMs: number;
  /** The gateway must stay up this long first: a crash loop's short lives are never audited. */
  settleMs: number;
}

// An audit after a restart waits until this long after the one before, so restarts in a row cost one audit.
const RESTART_AUDIT_GAP_MS = 300_000;

/**
 * When the next audit is due, or null while the gateway is not up: at start-up and after a restart once the gateway
 * has settled (restarts no more often than every five minutes, or the interval when shorter), else every interval.
 */
export function decideNextAuditAtMs(clock: AuditClock, timing: AuditTiming): number | null {
  if (clock.upSinceMs === null) return null;
  const settledAtMs = clock.upSinceMs + timing.settleMs;
  if (clock.lastAuditAtMs === null) return settledAtMs;
  const isNewGateway = clock.gatewayPid !== clock.auditedPid;
  const gapMs = isNewGateway ? Math.min(RESTART_AUDIT_GAP_MS, timing.intervalMs) : timing.intervalMs;
  return Math.max(settledAtMs, clock.lastAuditAtMs + gapMs);
}
