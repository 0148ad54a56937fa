import type { CheckResult } from './check-result.js';
import type { DoctorFacts } from './doctor-facts.js';
import { satisfiesRange } from './version-range.js';

/** The gateway refuses to start (exit 1, "requires Node") on a node outside its package's engines range. */
export function checkNodeEngines(facts: DoctorFacts): CheckResult {
  const name = 'node version for the gateway';
  const node = facts.gatewayNode;
  if (node === null || node.packageJson === null) return { name, verdict: 'unknown', detail: 'the openclaw install was not found on the gateway PATH', fix: null };
  if (node.engines === null) return { name, verdict: 'ok', detail: `${node.packageJson} declares no engines.node`, fix: null };
  if (node.nodeVersion === null) return { name, verdict: 'fail', detail: 'no node on the gateway PATH', fix: `install a node that satisfies ${node.engines}` };
  const satisfies = satisfiesRange(node.nodeVersion, node.engines);
  if (satisfies === null) return { name, verdict: 'unknown', detail: `cannot read the range "${node.engines}" of ${node.packageJson}`, fix: null };
  if (satisfies) return { name, verdict: 'ok', detail: `node ${node.nodeVersion} satisfies ${node.engines}`, fix: null };
  return {
    name,
    verdict: 'fail',
    detail: `node ${node.nodeVersion} does not satisfy openclaw's engines ${node.engines}`,
    fix: `put a node satisfying ${node.engines} first on the gateway's PATH (the service's environment file or plist)`,
  };
}
