import type { CheckResult } from './check-result.js';
import type { DoctorFacts } from './doctor-facts.js';

/** A health.url on a port the gateway does not listen on makes every probe a refusal: the probes can tell nothing. */
export function checkHealthPort(facts: DoctorFacts): CheckResult {
  const name = 'health probe port';
  const probe = facts.healthProbe;
  if (probe === null) return { name, verdict: 'unknown', detail: 'no clawsupd config: health.url unknown', fix: null };
  if (!probe.isEnabled) return { name, verdict: 'ok', detail: 'health probes are off (health.enabled false)', fix: null };
  if (probe.listenPorts === null) {
    return { name, verdict: 'unknown', detail: `cannot see the supervised gateway's ports (none running, not Linux, or not this user's to read): health.url ${probe.url} not compared`, fix: null };
  }
  const url = new URL(probe.url);
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (probe.listenPorts.length === 0) {
    return { name, verdict: 'warn', detail: `the gateway listens on no TCP port (still starting?); health.url is ${probe.url}`, fix: 'run `clawctl doctor` again once it has started; `clawctl logs` shows what it is doing' };
  }
  const listed = probe.listenPorts.length === 1 ? `port ${probe.listenPorts[0]}` : `ports ${probe.listenPorts.join(', ')}`;
  if (probe.listenPorts.includes(port)) return { name, verdict: 'ok', detail: `health.url ${probe.url}: the gateway listens on ${listed}`, fix: null };
  const suggested = new URL(url.href);
  suggested.port = String(probe.listenPorts[0]);
  return {
    name,
    verdict: 'fail',
    detail: `health.url ${probe.url} names port ${port}, where the gateway does not listen: it listens on ${listed}`,
    fix: `set health.url to ${suggested.href} (or move the gateway's --port), then reload clawsupd (SIGHUP)`,
  };
}
