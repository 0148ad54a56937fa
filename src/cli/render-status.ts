import { formatAge, formatDuration } from './format-duration.js';
import { toOneLine, toOneLineList } from './terminal-text.js';

// The object comes from a daemon or a file that may be older, newer or damaged: every field may be of any type, and
// every string in it may come from an agent (skill messages, gateway output), so each goes out through toOneLine.
type Loose = Record<string, unknown>;
const MAX_EVIDENCE_LINES = 5;

const asObject = (value: unknown): Loose => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : {});
const asNumber = (value: unknown): number => (typeof value === 'number' ? value : Number.NaN);
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The human view of a status.json object, one fact a line. Pure: the time comes in. */
export function renderStatus(status: Loose, nowMs: number): string {
  const lines: string[] = [];
  const daemon = asObject(status.daemon);
  lines.push(`mode: ${toOneLine(status.mode, 'unknown')} since ${toOneLine(status.since)} (${formatAge(status.since, nowMs)})`);
  if (asList(status.reasons).length > 0) lines.push(`reasons: ${toOneLineList(status.reasons)}`);
  lines.push(`clawsupd: pid ${toOneLine(daemon.pid)} on ${toOneLine(daemon.host)}, version ${toOneLine(daemon.version)}, up since ${toOneLine(daemon.startedAt)}`);
  lines.push(...renderGateway(asObject(status.gateway), nowMs));
  if (status.mode === 'backoff') lines.push(...renderBackoff(asObject(status.gateway), nowMs));
  lines.push(...renderProbes(status.probes));
  lines.push(...renderSkills(status.skills, nowMs));
  lines.push(...renderAudit(status.audit, nowMs));
  lines.push(...renderConfigReload(status.config, nowMs));
  lines.push(...renderDropped(status.log, status.events));
  lines.push(...renderAlerts(status.alerts, nowMs));
  lines.push(...renderCron(status.cron, nowMs));
  lines.push(...renderDiagnosis(status.diagnosis));
  return `${lines.join('\n')}\n`;
}

function renderGateway(gateway: Loose, nowMs: number): string[] {
  const lines: string[] = [];
  const startedMs = typeof gateway.startedAt === 'string' ? Date.parse(gateway.startedAt) : Number.NaN;
  const uptime = Number.isNaN(startedMs) ? 'not running' : `up ${formatDuration(nowMs - startedMs)}`;
  // restarts counts every start after the first, whatever ended the one before: a crash, a probe or clawctl restart.
  lines.push(`gateway: pid ${toOneLine(gateway.pid, 'none')}, ${uptime}, ${toOneLine(gateway.restarts, '0')} restart(s) since clawsupd started (any cause, clawctl restart included)`);
  if (typeof gateway.lastExit === 'object' && gateway.lastExit !== null) {
    const exit = asObject(gateway.lastExit);
    const how = exit.signal ? `signal ${toOneLine(exit.signal)}` : `code ${toOneLine(exit.code)}`;
    lines.push(`last exit: ${how}, ${toOneLine(exit.class)}: ${toOneLine(exit.reason)}, ${formatAge(exit.at, nowMs)} after ${formatDuration(asNumber(exit.uptimeMs))} up`);
    for (const line of asList(exit.evidence).slice(0, MAX_EVIDENCE_LINES)) lines.push(`  | ${toOneLine(line, '')}`);
  }
  return lines;
}

/** When the next attempt comes and how much of the way to diagnose is used up, from the fields a clawsupd that has them writes. */
function renderBackoff(gateway: Loose, nowMs: number): string[] {
  const facts: string[] = [];
  const nextMs = typeof gateway.nextAttemptAt === 'string' ? Date.parse(gateway.nextAttemptAt) : Number.NaN;
  if (!Number.isNaN(nextMs)) facts.push(`next attempt ${nextMs > nowMs ? `in ${formatDuration(nextMs - nowMs)}` : 'now'} (${toOneLine(gateway.nextAttemptAt)})`);
  if (typeof gateway.failuresInWindow === 'number' && typeof gateway.failureLimit === 'number') {
    facts.push(`${gateway.failuresInWindow} of ${gateway.failureLimit} failures in the window that lead to diagnose`);
  }
  return facts.length === 0 ? [] : [`backoff: ${facts.join(', ')}`];
}

function renderProbes(probes: unknown): string[] {
  const entries = Object.entries(asObject(probes));
  if (entries.length === 0) return [];
  return ['probes:', ...entries.map(([name, probe]) => renderProbe(name, typeof probe === 'object' && probe !== null ? asObject(probe) : { state: probe }))];
}

/** `  health     live           15 ms  HTTP 200`, with failures in a row when there are any. */
const UNCHECKED_PROBE_STATES = new Set(['down', 'pending', 'starting']);

function renderProbe(name: string, probe: Loose): string {
  // A probe reset for a gateway that is down or not yet checked keeps its last check's timing and detail: not news.
  const isStale = typeof probe.state === 'string' && UNCHECKED_PROBE_STATES.has(probe.state);
  const latency = typeof probe.latencyMs === 'number' && !isStale ? `${Math.round(probe.latencyMs)} ms` : '';
  const failures = typeof probe.consecutiveFailures === 'number' && probe.consecutiveFailures > 0 ? `${probe.consecutiveFailures} failure(s) in a row` : '';
  const detail = typeof probe.detail === 'string' && !isStale ? toOneLine(probe.detail) : '';
  const known = new Set(['state', 'ok', 'latencyMs', 'checkedAt', 'consecutiveFailures', 'detail']);
  const others = Object.entries(probe)
    .filter(([key, field]) => !known.has(key) && (typeof field !== 'object' || field === null))
    .map(([key, field]) => `${toOneLine(key)}=${toOneLine(field, 'null')}`);
  const facts = [latency, failures, detail, ...others].filter((fact) => fact.length > 0).join('  ');
  return `  ${toOneLine(name).padEnd(10)} ${toOneLine(probe.state, '-').padEnd(14)} ${facts}`.trimEnd();
}

function renderAudit(value: unknown, nowMs: number): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const audit = asObject(value);
  const counts = asObject(audit.counts);
  const lost = asList(audit.lost);
  const baseline = audit.baselineAt ? `baseline ${formatAge(audit.baselineAt, nowMs)}` : 'no baseline';
  const lostText = lost.length > 0 ? `; lost ${toOneLineList(lost)}` : '';
  return [
    `audit: ${toOneLine(counts.ok, '0')} ok, ${toOneLine(counts.failed, '0')} failed, ${toOneLine(counts.unverified, '0')} unverified, ${toOneLine(counts.timeout, '0')} timeout${lostText} (ran ${formatAge(audit.lastRunAt, nowMs)}, ${baseline})`,
  ];
}

/** A refused reload and what an accepted one left for a restart: otherwise only the log says so. */
function renderConfigReload(value: unknown, nowMs: number): string[] {
  const config = asObject(value);
  const lines: string[] = [];
  if (typeof config.lastReloadError === 'string') {
    lines.push(`config: reload refused ${formatAge(config.lastReloadAt, nowMs)}, the running config kept: ${toOneLine(config.lastReloadError.split('\n')[0])}`);
  }
  if (asList(config.pendingGatewayRestart).length > 0) {
    lines.push(`config: ${toOneLineList(config.pendingGatewayRestart)} take effect at the next gateway start (clawctl restart)`);
  }
  if (asList(config.pendingDaemonRestart).length > 0) {
    lines.push(`config: ${toOneLineList(config.pendingDaemonRestart)} take effect when clawsupd restarts`);
  }
  return lines;
}

function renderDropped(log: unknown, events: unknown): string[] {
  const lines: string[] = [];
  for (const [what, value, key] of [['log lines', log, 'droppedLines'], ['journal events', events, 'droppedEvents']] as const) {
    const section = asObject(value);
    const dropped = asNumber(section[key]);
    if (!(dropped > 0) && section.isFailing !== true) continue;
    const state = section.isFailing === true ? 'still failing' : 'writing again';
    lines.push(`${what} dropped: ${Number.isNaN(dropped) ? '?' : dropped} (${state}; last error ${toOneLine(section.lastError, 'none')})`);
  }
  return lines;
}

/** One line, only when an alert fires or a target fails to take one: `alerts: 1 firing (diagnose, 5m ago); webhook #1 failing: ...`. */
function renderAlerts(value: unknown, nowMs: number): string[] {
  const alerts = asObject(value);
  const firing = asList(alerts.firing).map(asObject);
  const failing = asList(alerts.targets).map(asObject).filter((target) => typeof target.lastError === 'string');
  const dropped = asNumber(alerts.droppedMessages);
  if (firing.length === 0 && failing.length === 0) return [];
  const parts: string[] = [];
  if (firing.length > 0) {
    const each = firing.map((alert) => `${toOneLine(alert.key)} since ${formatAge(alert.since, nowMs)}${typeof alert.clearedAt === 'string' ? ', clearing' : ''}`);
    parts.push(`${firing.length} firing (${each.join('; ')})`);
  }
  for (const target of failing) {
    parts.push(`${toOneLine(target.target)} failing ${formatAge(target.lastErrorAt, nowMs)}: ${toOneLine(target.lastError)} (${toOneLine(target.pending, '0')} pending)`);
  }
  if (dropped > 0) parts.push(`${dropped} dropped (outbox full)`);
  return [`alerts: ${parts.join('; ')}`];
}

/** One line for the cron leader: this node's role, the leader it knows, its cron, and why when Redis is out of reach. */
function renderCron(value: unknown, nowMs: number): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const cron = asObject(value);
  const holder = asObject(cron.holder);
  const cronHere = `cron ${cron.isCronOn === true ? 'on' : 'off'} here`;
  const expiresMs = typeof cron.leaseExpiresAt === 'string' ? Date.parse(cron.leaseExpiresAt) : Number.NaN;
  const lease = Number.isNaN(expiresMs) ? '' : `, lease ${expiresMs > nowMs ? `expires in ${formatDuration(expiresMs - nowMs)}` : 'expired'}`;
  const jobs = asObject(cron.jobs);
  const jobsNote = jobs.isSameAsLeader === false ? `; jobs DIFFER from the leader's (${toOneLine(jobs.definitionsHash)} here, ${toOneLine(jobs.leaderDefinitionsHash)} there)` : '';
  const error = typeof cron.lastError === 'string' ? `; ${toOneLine(cron.lastError)}` : '';
  if (cron.role === 'leader') return [`cron: leader, term ${toOneLine(cron.term)}, ${cronHere}${lease}${error}`];
  if (cron.role === 'follower') {
    const leader = typeof holder.node === 'string' ? `follower of ${toOneLine(holder.node)} (term ${toOneLine(holder.term)})` : 'follower, no leader known';
    return [`cron: ${leader}, ${cronHere}${jobsNote}${error}`];
  }
  return [`cron: ${toOneLine(cron.role)} (Redis unreachable: nobody can know who leads), ${cronHere}${jobsNote}${error}`];
}

function renderSkills(skills: unknown, nowMs: number): string[] {
  if (typeof skills !== 'object' || skills === null) return [];
  const entries = Object.entries(asObject(skills));
  if (entries.length === 0) return ['skills: none'];
  return [
    'skills:',
    ...entries.map(([name, value]) => {
      const skill = asObject(value);
      const parts = [`last success ${skill.lastSuccessAt ? formatAge(skill.lastSuccessAt, nowMs) : 'never'}`];
      if (typeof skill.maxAgeMs === 'number' && skill.maxAgeMs > 0) parts.push(`max age ${formatDuration(skill.maxAgeMs)}`);
      if (skill.status && skill.status !== 'success') parts.push(`last run ${toOneLine(skill.status)} ${formatAge(skill.finishedAt ?? skill.startedAt, nowMs)}`);
      if (skill.message) parts.push(toOneLine(skill.message));
      return `  ${toOneLine(name).padEnd(20)} ${toOneLine(skill.state).padEnd(8)} ${parts.join(', ')}`;
    }),
  ];
}

function renderDiagnosis(value: unknown): string[] {
  if (!value) return [];
  const diagnosis = asObject(value);
  return [
    `diagnosis: ${toOneLine(diagnosis.reason)} (${toOneLine(diagnosis.class)}), ${describeTrigger(diagnosis)}, since ${toOneLine(diagnosis.since)}`,
    `  hint: ${toOneLine(diagnosis.hint)}`,
  ];
}

/** Why the gateway went to diagnose, in words (the class already says `structural`; the trigger says when). */
function describeTrigger(diagnosis: Loose): string {
  switch (diagnosis.trigger) {
    case 'structural':
      return 'at the first failure (retrying cannot fix it)';
    case 'failure-limit':
      return `after ${toOneLine(diagnosis.failuresInWindow)} failures in the window`;
    case 'fresh-attempt-failed':
      return 'the fresh attempt after resume failed';
    default:
      return `trigger ${toOneLine(diagnosis.trigger)}`;
  }
}

/** `clawctl diagnose`: the whole diagnosis, evidence included. */
export function renderDiagnosisDetail(diagnosis: Loose, isCurrent: boolean): string {
  const lines = [
    `${isCurrent ? 'current' : 'last'} diagnosis: ${toOneLine(diagnosis.reason)} (${toOneLine(diagnosis.class)})`,
    `trigger: ${toOneLine(diagnosis.trigger)}, ${toOneLine(diagnosis.failuresInWindow)} failure(s) in the window, since ${toOneLine(diagnosis.since)}`,
    `hint: ${toOneLine(diagnosis.hint)}`,
  ];
  if (diagnosis.command) {
    const command = asObject(diagnosis.command);
    const resolved = command.exists ? toOneLine(command.resolvedPath) : 'NOT FOUND';
    lines.push(`command: ${asList(command.argv).map((arg) => toOneLine(arg, '')).join(' ')} -> ${resolved}`);
  }
  if (diagnosis.configCheck) {
    const configCheck = asObject(diagnosis.configCheck);
    lines.push(configCheck.ok ? 'config: valid' : 'config: INVALID');
    for (const error of asList(configCheck.errors)) lines.push(`  ${toOneLine(error, '')}`);
  }
  lines.push('evidence:', ...asList(diagnosis.evidence).map((line) => `  | ${toOneLine(line, '')}`));
  return `${lines.join('\n')}\n`;
}
