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
  lines.push(...renderProbes(status.probes));
  lines.push(...renderSkills(status.skills, nowMs));
  lines.push(...renderDiagnosis(status.diagnosis));
  return `${lines.join('\n')}\n`;
}

function renderGateway(gateway: Loose, nowMs: number): string[] {
  const lines: string[] = [];
  const startedMs = typeof gateway.startedAt === 'string' ? Date.parse(gateway.startedAt) : Number.NaN;
  const uptime = Number.isNaN(startedMs) ? 'not running' : `up ${formatDuration(nowMs - startedMs)}`;
  lines.push(`gateway: pid ${toOneLine(gateway.pid, 'none')}, ${uptime}, ${toOneLine(gateway.restarts, '0')} restart(s)`);
  if (typeof gateway.lastExit === 'object' && gateway.lastExit !== null) {
    const exit = asObject(gateway.lastExit);
    const how = exit.signal ? `signal ${toOneLine(exit.signal)}` : `code ${toOneLine(exit.code)}`;
    lines.push(`last exit: ${how}, ${toOneLine(exit.class)}: ${toOneLine(exit.reason)}, ${formatAge(exit.at, nowMs)} after ${formatDuration(asNumber(exit.uptimeMs))} up`);
    for (const line of asList(exit.evidence).slice(0, MAX_EVIDENCE_LINES)) lines.push(`  | ${toOneLine(line, '')}`);
  }
  return lines;
}

function renderProbes(probes: unknown): string[] {
  const entries = Object.entries(asObject(probes));
  if (entries.length === 0) return [];
  return ['probes:', ...entries.map(([name, probe]) => renderProbe(name, typeof probe === 'object' && probe !== null ? asObject(probe) : { state: probe }))];
}

/** `  health     live           15 ms  HTTP 200`, with failures in a row when there are any. */
function renderProbe(name: string, probe: Loose): string {
  const latency = typeof probe.latencyMs === 'number' ? `${Math.round(probe.latencyMs)} ms` : '';
  const failures = typeof probe.consecutiveFailures === 'number' && probe.consecutiveFailures > 0 ? `${probe.consecutiveFailures} failure(s) in a row` : '';
  const detail = typeof probe.detail === 'string' ? toOneLine(probe.detail) : '';
  const known = new Set(['state', 'ok', 'latencyMs', 'checkedAt', 'consecutiveFailures', 'detail']);
  const others = Object.entries(probe)
    .filter(([key, field]) => !known.has(key) && (typeof field !== 'object' || field === null))
    .map(([key, field]) => `${toOneLine(key)}=${toOneLine(field, 'null')}`);
  const facts = [latency, failures, detail, ...others].filter((fact) => fact.length > 0).join('  ');
  return `  ${toOneLine(name).padEnd(10)} ${toOneLine(probe.state, '-').padEnd(14)} ${facts}`.trimEnd();
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
    `diagnosis: ${toOneLine(diagnosis.reason)} (${toOneLine(diagnosis.class)}, ${toOneLine(diagnosis.trigger)}) since ${toOneLine(diagnosis.since)}`,
    `  hint: ${toOneLine(diagnosis.hint)}`,
  ];
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
