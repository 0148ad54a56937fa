import { checkDuplicateProcesses, checkDuplicateServices } from './check-duplicates.js';
import { checkHealthPort } from './check-health-port.js';
import { checkLoopbackReach } from './check-loopback.js';
import { checkModelFallback } from './check-model-fallback.js';
import { checkNodeEngines } from './check-node-engines.js';
import type { CheckResult } from './check-result.js';
import { checkServicePaths } from './check-service-paths.js';
import { checkSleep } from './check-sleep.js';
import type { DoctorFacts } from './doctor-facts.js';

export function runChecks(facts: DoctorFacts, uid: number): CheckResult[] {
  return [
    checkDuplicateServices(facts, uid),
    checkDuplicateProcesses(facts),
    checkServicePaths(facts),
    checkNodeEngines(facts),
    checkModelFallback(facts),
    checkLoopbackReach(facts),
    checkHealthPort(facts),
    checkSleep(facts),
  ];
}
