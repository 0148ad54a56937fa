import { formatDuration } from '../cli/format-duration.js';
import type { ActiveAlert, ResolvedAlert } from './evaluate-alerts.js';

export type AlertStatus = 'firing' | 'resolved';

/** What a Slack incoming webhook takes: `text` is the message (and the notification's fallback). */
export interface SlackMessage {
  text: string;
}

/** The body a `json` webhook receives, one alert per request; `version` changes only with an incompatible change. */
export interface JsonAlertMessage {
  version: 1;
  source: 'clawsup';
  status: AlertStatus;
  alert: string;
  key: string;
  subject: string | null;
  severity: string;
  host: string;
  summary: string;
  description: string;
  fix: string | null;
  startsAt: string;
  endsAt: string | null;
  /** The firing and resolved messages in words, as the Slack format has them. */
  text: string;
}

/** Alertmanager's API v2 `postableAlert`. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The message in words: what happened, on which host, since when, and the fix where clawsup knows it. */
export function describeAlert(alert: ActiveAlert | ResolvedAlert, status: AlertStatus): string {
  if (status === 'resolved' && 'endsAtMs' in alert) {
    return `[RESOLVED] ${alert.summary}: over after ${formatDuration(alert.endsAtMs - alert.startsAtMs)} (since ${iso(alert.startsAtMs)}, cleared ${iso(alert.endsAtMs)})`;
  }
  const lines = [`[FIRING] ${alert.summary} (since ${iso(alert.startsAtMs)})`, alert.description];
  if (alert.fix !== null) lines.push(`Fix: ${alert.fix}`);
  return lines.join('\n');
}

export function formatSlackMessage(alert: ActiveAlert | ResolvedAlert, status: AlertStatus): SlackMessage {
  const icon = status === 'resolved' ? ':white_check_mark:' : alert.severity === 'critical' ? ':red_circle:' : ':warning:';
  return { text: `${icon} ${describeAlert(alert, status)}` };
}

export function formatJsonMessage(alert: ActiveAlert | ResolvedAlert, status: AlertStatus): JsonAlertMessage {
  return {
    version: 1,
    source: 'clawsup',
    status,
    alert: alert.rule,
    key: alert.key,
    subject: alert.subject,
    severity: alert.severity,
    host: alert.host,
    summary: alert.summary,
    description: alert.description,
    fix: alert.fix,
    startsAt: iso(alert.startsAtMs),
    endsAt: 'endsAtMs' in alert ? iso(alert.endsAtMs) : null,
    text: describeAlert(alert, status),
  };
}

/** `ClawsupDiagnose`, `ClawsupSlackFlapping`: Alertmanager's convention for alert names. */
export function alertmanagerName(rule: string): string {
  return `Clawsup${rule.split('-').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('')}`;
}

/** One alert for Alertmanager; a resolved one carries its `endsAt`, an active one none (Alertmanager then times it out itself). */
export function formatPostableAlert(alert: ActiveAlert | ResolvedAlert): PostableAlert {
  const labels: Record<string, string> = { alertname: alertmanagerName(alert.rule), host: alert.host, severity: alert.severity, service: 'clawsup', rule: alert.rule };
  if (alert.subject !== null) labels.subject = alert.subject;
  const annotations: Record<string, string> = { summary: alert.summary, description: alert.description };
  if (alert.fix !== null) annotations.fix = alert.fix;
  const postable: PostableAlert = { labels, annotations, startsAt: iso(alert.startsAtMs) };
  if ('endsAtMs' in alert) postable.endsAt = iso(alert.endsAtMs);
  return postable;
}
