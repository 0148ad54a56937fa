import type { StatusSnapshot } from '../status/status-schema.js';
import { alertKey, findAlertConditions, type AlertCondition, type AlertFacts, type AlertRuleSettings, type AlertSeverity } from './alert-conditions.js';
import type { AlertRuleName } from './alert-rule-names.js';

/** An alert that has fired and not yet been resolved. */
export interface ActiveAlert {
  key: string;
  rule: AlertRuleName;
  subject: string | null;
  severity: AlertSeverity;
  host: string;
  summary: string;
  description: string;
  fix: string | null;
  startsAtMs: number;
  /** When its condition last cleared; null while it holds. Resolved once clear for `resolveHoldMs`. */
  clearedAtMs: number | null;
}

export interface ResolvedAlert extends ActiveAlert {
  /** When the condition cleared (not when the hold ended): what the resolved message reports. */
  endsAtMs: number;
}

export interface AlertEvaluation {
  active: ActiveAlert[];
  /** Alerts new this time: each told once. */
  firing: ActiveAlert[];
  /** Alerts clear for the hold time: each told once, then forgotten. */
  resolved: ResolvedAlert[];
}

/**
 * The alerts now, from the ones active before: a condition already active is the same alert (grouped, not re-sent); a
 * cleared one is resolved only once clear for `resolveHoldMs`, and a condition back within the hold continues it.
 */
export function evaluateAlerts(
  previous: readonly ActiveAlert[],
  snapshot: StatusSnapshot,
  facts: AlertFacts,
  nowMs: number,
  settings: AlertRuleSettings,
): AlertEvaluation {
  const conditions = new Map(findAlertConditions(snapshot, facts, nowMs, settings).map((condition) => [alertKey(condition.rule, condition.subject), condition]));
  const active: ActiveAlert[] = [];
  const firing: ActiveAlert[] = [];
  const resolved: ResolvedAlert[] = [];
  const disabled = new Set(settings.disabled);
  for (const alert of previous) {
    const condition = conditions.get(alert.key);
    conditions.delete(alert.key);
    if (condition) {
      active.push({ ...alert, ...describe(condition), clearedAtMs: null });
      continue;
    }
    const clearedAtMs = alert.clearedAtMs ?? nowMs;
    // A rule turned off by a reload resolves its alerts at once: nobody wants the hold on a rule they switched off.
    if (nowMs - clearedAtMs >= settings.resolveHoldMs || disabled.has(alert.rule)) resolved.push({ ...alert, clearedAtMs, endsAtMs: clearedAtMs });
    else active.push({ ...alert, clearedAtMs });
  }
  for (const [key, condition] of conditions) {
    const alert: ActiveAlert = {
      key,
      rule: condition.rule,
      subject: condition.subject,
      host: snapshot.daemon.host,
      ...describe(condition),
      startsAtMs: condition.sinceMs !== null && condition.sinceMs <= nowMs ? condition.sinceMs : nowMs,
      clearedAtMs: null,
    };
    active.push(alert);
    firing.push(alert);
  }
  return { active, firing, resolved };
}

function describe(condition: AlertCondition): Pick<ActiveAlert, 'severity' | 'summary' | 'description' | 'fix'> {
  return { severity: condition.severity, summary: condition.summary, description: condition.description, fix: condition.fix };
}
