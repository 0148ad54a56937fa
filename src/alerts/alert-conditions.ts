import type { StatusSnapshot } from '../status/status-schema.js';
import type { AlertRuleName } from './alert-rule-names.js';

export type AlertSeverity = 'critical' | 'warning';

/** What the daemon counted beside the snapshot (the snapshot keeps no history). */
export interface AlertFacts {
  /** When each gateway restart happened (ms since the epoch), newest last. */
  restartTimesMs: readonly number[];
  /** Set when this clawsupd found that the one before it did not stop cleanly. */
  daemonCrash: { detectedAtMs: number; detail: string } | null;
}

export interface AlertRuleSettings {
  restartsPerHour: number;
  daemonCrashActiveMs: number;
  disabled: readonly AlertRuleName[];
  resolveHoldMs: number;
}

/** A rule's finding now: one per rule and subject (a skill's name, a capability's id), or none. */
export interface AlertCondition {
  rule: AlertRuleName;
  subject: string | null;
  severity: AlertSeverity;
  /** What happened, in a line, naming the host. */
  summary: string;
  description: string;
  /** The one-line fix where clawsup knows it. */
  fix: string | null;
  /** When the condition began, when the snapshot says; otherwise now. */
  sinceMs: number | null;
}

const HOUR_MS = 3_600_000;

const SLACK_RULES: ReadonlyArray<{ rule: AlertRuleName; state: string; what: string; fix: string }> = [
  { rule: 'slack-duplicate', state: 'duplicate', what: 'has more than one Slack socket connection (events go to any one of them)', fix: 'stop the other gateway or host using this Slack app token (`clawctl doctor` lists duplicates)' },
  { rule: 'slack-blocked', state: 'blocked', what: 'has a Slack socket blocked by a non-recoverable error', fix: 'replace the Slack app or bot token in the OpenClaw config, then `clawctl restart`' },
  { rule: 'slack-flapping', state: 'flapping', what: 'has a flapping Slack socket (it keeps disconnecting)', fix: 'check the network to Slack and that no second gateway uses the same app token' },
  { rule: 'slack-stale', state: 'stale', what: 'has a Slack socket that is connected but silent', fix: '`clawctl restart` reconnects the socket' },
];

/** Every condition the rules find in a snapshot and the facts; disabled rules find nothing. */
export function findAlertConditions(snapshot: StatusSnapshot, facts: AlertFacts, nowMs: number, settings: AlertRuleSettings): AlertCondition[] {
  const host = snapshot.daemon.host;
  const found: AlertCondition[] = [];
  if (snapshot.mode === 'diagnose') {
    const diagnosis = snapshot.diagnosis;
    const reason = diagnosis?.reason ?? snapshot.reasons[0] ?? 'unknown';
    found.push({
      rule: 'diagnose',
      subject: null,
      severity: 'critical',
      summary: `clawsup on ${host} entered diagnose mode (${reason}): the gateway is down and not restarted`,
      description: diagnosis ? [`${diagnosis.failuresInWindow} failures, class ${diagnosis.class}`, ...diagnosis.evidence.slice(0, 3)].join('; ') : reason,
      fix: diagnosis?.hint ?? null,
      sinceMs: parseTime(diagnosis?.since ?? snapshot.since),
    });
  }
  const windowStartMs = nowMs - HOUR_MS;
  const restartsInHour = facts.restartTimesMs.filter((atMs) => atMs > windowStartMs).length;
  if (restartsInHour > settings.restartsPerHour) {
    found.push({
      rule: 'restart-storm',
      subject: null,
      severity: 'warning',
      summary: `clawsup on ${host} restarted the gateway ${restartsInHour} times in the last hour (limit ${settings.restartsPerHour})`,
      description: snapshot.gateway.lastExit ? `last exit: ${snapshot.gateway.lastExit.class} (${snapshot.gateway.lastExit.reason})` : 'no exit recorded',
      fix: '`clawctl status` shows the last exit; `clawctl logs` the gateway output before it',
      sinceMs: null,
    });
  }
  const slack = snapshot.probes?.slack;
  for (const { rule, state, what, fix } of SLACK_RULES) {
    if (slack?.state !== state) continue;
    found.push({ rule, subject: null, severity: 'warning', summary: `the gateway on ${host} ${what}`, description: slack.detail ?? state, fix, sinceMs: null });
  }
  for (const [name, skill] of Object.entries(snapshot.skills ?? {})) {
    if (skill.state !== 'stale' && skill.state !== 'failing') continue;
    const isStale = skill.state === 'stale';
    found.push({
      rule: isStale ? 'skill-stale' : 'skill-failing',
      subject: name,
      severity: 'warning',
      summary: isStale ? `skill ${name} on ${host} is stale: no success since ${skill.lastSuccessAt ?? 'ever'}` : `skill ${name} on ${host} is failing${skill.exitCode === null ? '' : ` (exit ${skill.exitCode})`}`,
      description: skill.message ?? skill.status ?? skill.state,
      fix: `\`clawctl skill ${name}\` shows its last run; \`clawctl skill run ${name}\` tries it now`,
      sinceMs: parseTime(isStale ? skill.staleAt : skill.finishedAt),
    });
  }
  for (const reason of snapshot.reasons) {
    const condition = conditionFromReason(reason, host);
    if (condition) found.push(condition);
  }
  const rollback = readRollback(snapshot);
  if (rollback) {
    const isFailed = rollback.outcome === 'rollback-failed';
    found.push({
      rule: 'config-rolled-back',
      subject: rollback.id,
      severity: isFailed ? 'critical' : 'warning',
      summary: isFailed ? `a gateway config apply on ${host} failed and so did its rollback` : `a gateway config apply on ${host} was rolled back`,
      description: rollback.reason ?? rollback.outcome,
      fix: '`clawctl gateway-config history` shows what was applied and why it failed; fix it and apply again',
      sinceMs: parseTime(rollback.at),
    });
  }
  const crash = facts.daemonCrash;
  if (crash && nowMs - crash.detectedAtMs < settings.daemonCrashActiveMs) {
    found.push({
      rule: 'daemon-crashed',
      subject: null,
      severity: 'warning',
      summary: `clawsupd on ${host} restarted after a crash of its own`,
      description: crash.detail,
      fix: 'the previous clawsupd log (journalctl -u clawsup, or log.file) says why it ended',
      sinceMs: crash.detectedAtMs,
    });
  }
  const disabled = new Set(settings.disabled);
  return dedupe(found.filter((condition) => !disabled.has(condition.rule)));
}

/** The rules the features beside the supervisor raise through `reasons[]` (capabilities, config apply, cron). */
function conditionFromReason(reason: string, host: string): AlertCondition | null {
  if (reason.startsWith('capability-lost:')) {
    const id = reason.slice('capability-lost:'.length);
    return { rule: 'capability-lost', subject: id, severity: 'warning', summary: `the gateway on ${host} lost capability ${id}`, description: reason, fix: '`clawctl audit` shows what failed and why', sinceMs: null };
  }
  if (reason === 'config-rolled-back' || reason.startsWith('config-rolled-back:') || reason === 'config-drift') {
    const isDrift = reason === 'config-drift';
    return {
      rule: 'config-rolled-back',
      subject: null,
      severity: 'warning',
      summary: isDrift ? `the gateway config on ${host} drifted from the last one applied` : `a gateway config on ${host} was rolled back`,
      description: reason,
      fix: '`clawctl gateway-config diff` shows what differs; `clawctl gateway-config history` what was applied',
      sinceMs: null,
    };
  }
  if (reason === 'cron-no-leader') {
    return { rule: 'cron-no-leader', subject: null, severity: 'critical', summary: `cron on ${host} has no leader: scheduled jobs are not running`, description: reason, fix: '`clawctl cron status` shows the lease and the store it needs', sinceMs: null };
  }
  if (reason === 'cron-jobs-differ') {
    return {
      rule: 'cron-jobs-differ',
      subject: null,
      severity: 'warning',
      summary: `the gateway on ${host} does not have the cron leader's jobs: after a failover to it, other jobs would run`,
      description: reason,
      fix: 'define the same cron jobs on every node; `clawctl cron status` on each shows the count and hash',
      sinceMs: null,
    };
  }
  return null;
}

/**
 * The last gateway-config apply when it ended rolled back (status.json's `gatewayConfig.lastApply`): active until the
 * next apply, keyed by the apply's id so a second rollback is a second alert. Read by shape: the section is optional.
 */
function readRollback(snapshot: StatusSnapshot): { id: string; at: string; outcome: string; reason: string | null } | null {
  const section = (snapshot as { gatewayConfig?: unknown }).gatewayConfig;
  if (typeof section !== 'object' || section === null) return null;
  const last = (section as { lastApply?: unknown }).lastApply;
  if (typeof last !== 'object' || last === null) return null;
  const { id, at, outcome, reason } = last as Record<string, unknown>;
  if (typeof id !== 'string' || typeof at !== 'string' || (outcome !== 'rolled-back' && outcome !== 'rollback-failed')) return null;
  return { id, at, outcome, reason: typeof reason === 'string' ? reason : null };
}

function dedupe(conditions: AlertCondition[]): AlertCondition[] {
  const seen = new Set<string>();
  return conditions.filter((condition) => {
    const key = alertKey(condition.rule, condition.subject);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One alert per rule and subject: the key that groups and deduplicates. */
export function alertKey(rule: string, subject: string | null): string {
  return subject === null ? rule : `${rule}:${subject}`;
}

function parseTime(text: string | null | undefined): number | null {
  if (text === null || text === undefined) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}
