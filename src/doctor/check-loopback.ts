import type { CheckResult } from './check-result.js';
import type { DoctorFacts } from './doctor-facts.js';

/**
 * A gateway bound to loopback is unreachable from another network namespace (a container or sandbox a skill runs
 * in). Seen only while such a process runs below the gateway, on Linux: see the README for the limits.
 */
export function checkLoopbackReach(facts: DoctorFacts): CheckResult {
  const name = 'gateway reachable from skills';
  const bind = facts.gatewayBind ?? 'loopback';
  if (bind !== 'loopback') return { name, verdict: 'ok', detail: `the gateway binds ${bind}`, fix: null };
  if (facts.foreignNetnsDescendants === null) {
    return { name, verdict: 'unknown', detail: 'no supervised gateway to inspect (or not Linux): cannot see where its skills run', fix: null };
  }
  if (facts.foreignNetnsDescendants.length === 0) {
    return { name, verdict: 'ok', detail: 'the gateway binds loopback and everything it started shares its network namespace', fix: null };
  }
  const seen = facts.foreignNetnsDescendants.map((process) => `${process.pid} (${process.command})`).join(', ');
  return {
    name,
    verdict: 'warn',
    detail: `the gateway binds loopback, but ${seen} run in another network namespace and cannot reach 127.0.0.1 of the gateway`,
    fix: 'bind the gateway where they can reach it (--bind lan with auth, or tailnet), or run those skills in the host network',
  };
}
