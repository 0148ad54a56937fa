import type { CheckResult } from './check-result.js';
import type { DoctorFacts } from './doctor-facts.js';

/** A unit or plist that starts through a path that is gone crash-loops at boot (an upgrade moved node or clawsup). */
export function checkServicePaths(facts: DoctorFacts): CheckResult {
  const name = 'service start paths';
  if (facts.clawsupServiceFile === null) return { name, verdict: 'ok', detail: 'clawsup is not installed as a service', fix: null };
  if (facts.servicePaths === null) return { name, verdict: 'unknown', detail: `${facts.clawsupServiceFile} could not be read`, fix: null };
  const missing = facts.servicePaths.filter((path) => !path.exists).map((path) => path.path);
  if (missing.length === 0) return { name, verdict: 'ok', detail: `${facts.clawsupServiceFile} starts through existing paths`, fix: null };
  return {
    name,
    verdict: 'fail',
    detail: `${facts.clawsupServiceFile} starts through paths that no longer exist: ${missing.join(', ')}`,
    fix: 'rerun `clawctl install` with the node and clawsup you use now: it rewrites the stable links',
  };
}
