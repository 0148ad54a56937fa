import type { DoctorFacts } from './doctor-facts.js';
import type { CheckResult } from './check-result.js';
import { describeDuplicateFix } from '../install/openclaw-services.js';

/** An OpenClaw service beside clawsup's starts a second gateway on the same Slack token. */
export function checkDuplicateServices(facts: DoctorFacts, uid: number): CheckResult {
  const name = 'duplicate gateway services';
  if (facts.openclawServices.length === 0) return { name, verdict: 'ok', detail: 'no OpenClaw gateway service installed', fix: null };
  const fix = facts.openclawServices.map((service) => describeDuplicateFix(service, uid)).join('; ');
  const files = facts.openclawServices.map((service) => service.path).join(', ');
  if (facts.clawsupServiceFile === null) {
    return { name, verdict: 'warn', detail: `OpenClaw's own service runs the gateway (${files}); clawsup is not installed`, fix: 'clawctl install --replace-existing' };
  }
  return { name, verdict: 'fail', detail: `clawsup and an OpenClaw gateway service are both installed: ${files}`, fix };
}

/** More than one process titled openclaw-gateway, or one clawsupd does not supervise, splits Slack events between them. */
export function checkDuplicateProcesses(facts: DoctorFacts): CheckResult {
  const name = 'duplicate gateway processes';
  if (facts.gatewayProcesses === null) return { name, verdict: 'unknown', detail: 'the process list could not be read', fix: null };
  const pids = facts.gatewayProcesses.map((process) => process.pid);
  const strays = pids.filter((pid) => pid !== facts.supervisedGatewayPid);
  if (pids.length > 1) {
    return { name, verdict: 'fail', detail: `${pids.length} openclaw-gateway processes: ${pids.join(', ')}`, fix: `stop the ones clawsupd does not supervise (${strays.join(', ')}); \`clawctl doctor\` lists the services that start them` };
  }
  if (strays.length === 1 && facts.supervisedGatewayPid === null) {
    return { name, verdict: 'warn', detail: `openclaw-gateway ${strays[0]} runs, but not under clawsupd`, fix: 'stop it and let clawsupd start the gateway' };
  }
  if (strays.length === 1) {
    return { name, verdict: 'fail', detail: `openclaw-gateway ${strays[0]} runs beside clawsupd's gateway ${facts.supervisedGatewayPid}`, fix: `stop ${strays[0]} and what started it` };
  }
  return { name, verdict: 'ok', detail: pids.length === 0 ? 'no gateway process running' : `one gateway (${pids[0]}), supervised by clawsupd`, fix: null };
}
