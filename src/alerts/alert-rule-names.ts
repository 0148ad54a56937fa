/** The alert rules clawsup ships; `alerts.rules.disabled` names the ones an operator turns off. */
export const ALERT_RULE_NAMES = [
  'diagnose',
  'restart-storm',
  'slack-duplicate',
  'slack-blocked',
  'slack-flapping',
  'slack-stale',
  'skill-stale',
  'skill-failing',
  'capability-lost',
  'config-rolled-back',
  'cron-no-leader',
  'cron-jobs-differ',
  'daemon-crashed',
] as const;

export type AlertRuleName = (typeof ALERT_RULE_NAMES)[number];
