import type { CheckResult } from './check-result.js';
import type { DoctorFacts } from './doctor-facts.js';

/** A Mac that sleeps takes the gateway and its Slack socket with it. */
export function checkSleep(facts: DoctorFacts): CheckResult {
  const name = 'system sleep';
  if (facts.platform !== 'darwin') return { name, verdict: 'ok', detail: 'not macOS: not applicable', fix: null };
  if (facts.pmsetOutput === null) return { name, verdict: 'unknown', detail: '`pmset -g` could not be run', fix: null };
  const match = /^\s*sleep\s+(\d+)/m.exec(facts.pmsetOutput);
  if (match === null) return { name, verdict: 'unknown', detail: '`pmset -g` shows no sleep setting', fix: null };
  const minutes = Number(match[1]);
  if (minutes === 0) return { name, verdict: 'ok', detail: 'system sleep is off (sleep 0)', fix: null };
  return { name, verdict: 'warn', detail: `the system sleeps after ${minutes} idle minutes`, fix: 'sudo pmset -a sleep 0 (and keep the Mac on power)' };
}
