import { formatAge, formatDuration } from './format-duration.js';

// The object comes from a daemon or a file that may be older or newer than this clawctl: read it defensively.
type Loose = Record<string, any>;
const MAX_EVIDENCE_LINES = 5;

/** The human view of a status.json object, one fact a line. Pure: the time comes in. */
export function renderStatus(status: Loose, nowMs: number): string {
  const lines: string[] = [];
  const daemon: Loose = status.daemon ?? {};
  lines.push(`mode: ${status.mode ?? 'unknown'} since ${status.since ?? '?'} (${formatAge(status.since, nowMs)})`);
  if (Array.isArray(status.reasons) && status.reasons.length > 0) lines.push(`reasons: ${status.reasons.join(', ')}`);
  lines.push(`clawsupd: pid ${daemon.pid ?? '?'} on ${daemon.host ?? '?'}, version ${daemon.version ?? '?'}, up since ${daemon.startedAt ?? '?'}`);
  lines.push(...renderGateway(status.gateway ?? {}, nowMs));
  lines.push(...renderProbes(status.probes));
  lines.push(...renderSkills(status.skills, nowMs));
  lines.push(...renderDiagnosis(status.diagnosis));
  return `${lines.join('\n')}\n`;
}

function renderGateway(gateway: Loose, nowMs: number): string[] {
  const lines: string[] = [];
  const startedMs = gateway.startedAt ? Date.parse(gateway.startedAt) : Number.NaN;
  const uptime = Number.isNaN(startedMs) ? 'not running' : `up ${formatDuration(nowMs - startedMs)}`;
  lines.push(`gateway: pid ${gateway.pid ?? 'none'}, ${uptime}, ${gateway.restarts ?? 0} restart(s)`);
  const exit: Loose | null = gateway.lastExit ?? null;
  if (exit) {
    const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
    lines.push(`last exit: ${how}, ${exit.class}: ${exit.reason}, ${formatAge(exit.at, nowMs)} after ${formatDuration(exit.uptimeMs)} up`);
    for (const line of (exit.evidence ?? []).slice(0, MAX_EVIDENCE_LINES)) lines.push(`  | ${line}`);
  }
  return lines;
}

function renderProbes(probes: unknown): string[] {
  if (typeof probes !== 'object' || probes === null) return [];
  const entries = Object.entries(probes as Loose);
  if (entries.length === 0) return [];
  return ['probes:', ...entries.map(([name, probe]) => renderProbe(name, typeof probe === 'object' && probe !== null ? probe : { state: probe }))];
}

/** `  health     live           15 ms  HTTP 200`, with failures in a row when there are any. */
function renderProbe(name: string, probe: Loose): string {
  const latency = typeof probe.latencyMs === 'number' ? `${Math.round(probe.latencyMs)} ms` : '';
  const failures = typeof probe.consecutiveFailures === 'number' && probe.consecutiveFailures > 0 ? `${probe.consecutiveFailures} failure(s) in a row` : '';
  const detail = typeof probe.detail === 'string' ? probe.detail : '';
  const known = new Set(['state', 'ok', 'latencyMs', 'checkedAt', 'consecutiveFailures', 'detail']);
  const others = Object.entries(probe)
    .filter(([key, field]) => !known.has(key) && (typeof field !== 'object' || field === null))
    .map(([key, field]) => `${key}=${String(field)}`);
  const facts = [latency, failures, detail, ...others].filter((fact) => fact.length > 0).join('  ');
  return `  ${name.padEnd(10)} ${String(probe.state ?? '-').padEnd(14)} ${facts}`.trimEnd();
}

function renderSkills(skills: unknown, nowMs: number): string[] {
  if (typeof skills !== 'object' || skills === null) return [];
  const entries = Object.entries(skills as Loose);
  if (entries.length === 0) return ['skills: none'];
  return [
    'skills:',
    ...entries.map(([name, skill]: [string, Loose]) => {
      const parts = [`last success ${skill.lastSuccessAt ? formatAge(skill.lastSuccessAt, nowMs) : 'never'}`];
      if (skill.maxAgeMs) parts.push(`max age ${formatDuration(skill.maxAgeMs)}`);
      if (skill.status && skill.status !== 'success') parts.push(`last run ${skill.status} ${formatAge(skill.finishedAt ?? skill.startedAt, nowMs)}`);
      if (skill.message) parts.push(String(skill.message));
      return `  ${name.padEnd(20)} ${String(skill.state ?? '?').padEnd(8)} ${parts.join(', ')}`;
    }),
  ];
}

function renderDiagnosis(diagnosis: Loose | null | undefined): string[] {
  if (!diagnosis) return [];
  return [`diagnosis: ${diagnosis.reason} (${diagnosis.class}, ${diagnosis.trigger ?? '?'}) since ${diagnosis.since}`, `  hint: ${diagnosis.hint}`];
}

/** `clawctl diagnose`: the whole diagnosis, evidence included. */
export function renderDiagnosisDetail(diagnosis: Loose, isCurrent: boolean): string {
  const lines = [
    `${isCurrent ? 'current' : 'last'} diagnosis: ${diagnosis.reason} (${diagnosis.class})`,
    `trigger: ${diagnosis.trigger ?? '?'}, ${diagnosis.failuresInWindow ?? '?'} failure(s) in the window, since ${diagnosis.since}`,
    `hint: ${diagnosis.hint}`,
  ];
  if (diagnosis.command) {
    const command: Loose = diagnosis.command;
    lines.push(`command: ${(command.argv ?? []).join(' ')} -> ${command.exists ? command.resolvedPath : 'NOT FOUND'}`);
  }
  if (diagnosis.configCheck) {
    lines.push(diagnosis.configCheck.ok ? 'config: valid' : 'config: INVALID');
    for (const error of diagnosis.configCheck.errors ?? []) lines.push(`  ${error}`);
  }
  lines.push('evidence:', ...(diagnosis.evidence ?? []).map((line: string) => `  | ${line}`));
  return `${lines.join('\n')}\n`;
}
