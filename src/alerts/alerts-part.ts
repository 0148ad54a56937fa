import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ClawsupConfig } from '../config/schema.js';
import type { DaemonContext, DaemonPart, Detach } from '../daemon/daemon-part.js';
import { describeError } from '../describe-error.js';
import { writeFileAtomic } from '../status/atomic-file.js';
import { createAlertDelivery } from './alert-delivery.js';
import { formatJsonMessage, formatPostableAlert, formatSlackMessage, type AlertStatus } from './alert-messages.js';
import { targetId } from './alert-outbox.js';
import { postJson } from './alert-post.js';
import { evaluateAlerts, type ActiveAlert, type ResolvedAlert } from './evaluate-alerts.js';
import type { AlertFacts } from './alert-conditions.js';
import { buildAlertsStatus, type AlertsStatusSection } from './alerts-status.js';
import { runAfterBurst } from '../run-after-burst.js';

export const OUTBOX_FILE = 'alerts-outbox.json';
/** Present while a clawsupd with alerts runs; one left behind means the one before did not stop cleanly. */
export const RUNNING_MARK_FILE = 'alerts-running.json';
// Hold times, resends and the restarts' hour move with the clock, not only with changes: looked at this often then.
const EVALUATE_INTERVAL_MS = 1_000;
const HOUR_MS = 3_600_000;

export const alertsPart: DaemonPart = {
  name: 'alerts',
  attach: (context) => attachAlerts(context),
};

export function hasAlertTargets(config: ClawsupConfig): boolean {
  return config.alerts.webhooks.length > 0 || config.alerts.alertmanager !== undefined;
}

function attachAlerts(context: DaemonContext): Detach {
  const { supervisor } = context;
  if (!hasAlertTargets(context.config)) return { detach: () => undefined };
  const log = context.log.child({ component: 'alerts' });
  const statusDir = context.config.status.dir;
  const alertsConfig = (): ClawsupConfig['alerts'] => supervisor.getConfig().alerts;
  const delivery = createAlertDelivery({
    outboxPath: join(statusDir, OUTBOX_FILE),
    log,
    settings: () => alertsConfig(),
    resolveUrl: (id) => resolveTargetUrl(alertsConfig(), id),
    post: postJson,
  });
  const facts: { restartTimesMs: number[]; daemonCrash: AlertFacts['daemonCrash'] } = { restartTimesMs: [], daemonCrash: readCrashMark(statusDir, log) };
  writeRunningMark(statusDir, log);
  let active: ActiveAlert[] = [...delivery.restoredActive];
  let lastRefreshAtMs = 0;
  let published: AlertsStatusSection | null = null;

  // status.json's `alerts`: a new firing alert or a target starting or stopping to fail is written at once, the rest routinely.
  const publish = (): void => {
    const config = alertsConfig();
    const configuredTargetIds = [
      ...config.webhooks.map((webhook, index) => targetId({ kind: 'webhook', index, format: webhook.format })),
      ...(config.alertmanager ? ['alertmanager'] : []),
    ];
    const state = delivery.readState();
    const section = buildAlertsStatus({ active, configuredTargetIds, pendingTargetIds: state.pendingTargetIds, droppedMessages: state.dropped, deliveryStates: state.targets });
    if (published !== null && JSON.stringify(section) === JSON.stringify(published)) return;
    const keysOf = (value: AlertsStatusSection | null): string => JSON.stringify(value?.firing.map((alert) => alert.key) ?? null);
    const failingOf = (value: AlertsStatusSection | null): string => JSON.stringify(value?.targets.map((target) => target.lastError !== null) ?? null);
    const isRoutine = keysOf(section) === keysOf(published) && failingOf(section) === failingOf(published);
    published = section;
    supervisor.setStatusSection('alerts', section, isRoutine);
  };
  delivery.onChange(publish);

  const tell = (alert: ActiveAlert | ResolvedAlert, status: AlertStatus): void => {
    const config = alertsConfig();
    const label = `${alert.key} ${status}`;
    config.webhooks.forEach((webhook, index) => {
      const body = webhook.format === 'slack' ? formatSlackMessage(alert, status) : formatJsonMessage(alert, status);
      delivery.enqueue(targetId({ kind: 'webhook', index, format: webhook.format }), JSON.stringify(body), label);
    });
    if (config.alertmanager) delivery.enqueue('alertmanager', JSON.stringify([formatPostableAlert(alert)]), label);
  };

  const evaluate = (): void => {
    const nowMs = Date.now();
    facts.restartTimesMs = facts.restartTimesMs.filter((atMs) => atMs > nowMs - HOUR_MS);
    const config = alertsConfig();
    const result = evaluateAlerts(active, supervisor.getStatus(), facts, nowMs, { ...config.rules, resolveHoldMs: config.resolveHoldMs });
    const isChanged = result.firing.length > 0 || result.resolved.length > 0 || result.active.some((alert, i) => alert.clearedAtMs !== active[i]?.clearedAtMs);
    active = result.active;
    for (const alert of result.firing) {
      log.warn({ alert: alert.key, rule: alert.rule, severity: alert.severity, summary: alert.summary }, 'alert firing');
      context.events.append('alert-firing', { alert: alert.key, rule: alert.rule, severity: alert.severity, summary: alert.summary });
      tell(alert, 'firing');
    }
    for (const alert of result.resolved) {
      log.info({ alert: alert.key, rule: alert.rule, firingMs: alert.endsAtMs - alert.startsAtMs }, 'alert resolved');
      context.events.append('alert-resolved', { alert: alert.key, rule: alert.rule, firingMs: alert.endsAtMs - alert.startsAtMs });
      tell(alert, 'resolved');
    }
    if (isChanged) delivery.setActive(active);
    publish();
    // Alertmanager forgets an alert not re-sent within its resolve_timeout: the active ones are sent again, in one request.
    if (config.alertmanager && active.length > 0 && result.firing.length === 0 && nowMs - lastRefreshAtMs >= config.alertmanager.resendIntervalMs) {
      delivery.enqueue('alertmanager', JSON.stringify(active.map(formatPostableAlert)), `${active.length} active (refresh)`, true);
    }
    if (result.firing.length > 0 || lastRefreshAtMs === 0) lastRefreshAtMs = nowMs;
  };

  // Never inside the supervisor's own step: the evaluation runs after it, and delivery never makes it wait.
  const evaluateSoon = runAfterBurst(() => {
    try {
      evaluate();
    } catch (error) {
      log.error({ err: describeError(error) }, 'alert evaluation failed');
    }
  });
  supervisor.onStateChange((state, previous) => {
    if (state.gateway.restarts > previous.gateway.restarts) facts.restartTimesMs.push(Date.now());
    evaluateSoon();
  });
  // A routine write (a probe's new timing, a lease's new expiry) changes no verdict the rules look at.
  supervisor.onSectionChange((name, isRoutine) => {
    if (!isRoutine && name !== 'alerts') evaluateSoon();
  });
  // The clock alone matters only while something can expire: a hold, a resend, the restarts' hour, a crash mark.
  const isClockDue = (): boolean =>
    active.length > 0 ||
    facts.restartTimesMs.length > 0 ||
    (facts.daemonCrash !== null && Date.now() - facts.daemonCrash.detectedAtMs < alertsConfig().rules.daemonCrashActiveMs);
  const timer = setInterval(() => isClockDue() && evaluateSoon(), EVALUATE_INTERVAL_MS);
  timer.unref();
  evaluateSoon();
  log.info({ webhooks: context.config.alerts.webhooks.length, hasAlertmanager: context.config.alerts.alertmanager !== undefined, restoredActive: active.length, pending: delivery.pendingCount() }, 'alerts on');

  return {
    async detach() {
      clearInterval(timer);
      delivery.setActive(active);
      await delivery.close();
      rmSync(join(statusDir, RUNNING_MARK_FILE), { force: true });
    },
  };
}

/** The URL behind a target id, from the current config; null when the config no longer has that webhook. */
export function resolveTargetUrl(config: ClawsupConfig['alerts'], id: string): URL | null {
  if (id === 'alertmanager') {
    if (!config.alertmanager) return null;
    const base = new URL(config.alertmanager.url);
    if (!base.pathname.endsWith('/api/v2/alerts')) base.pathname = `${base.pathname.replace(/\/+$/, '')}/api/v2/alerts`;
    return base;
  }
  const match = /^webhook:(\d+):(slack|json)$/.exec(id);
  const webhook = match ? config.webhooks[Number(match[1])] : undefined;
  return webhook && webhook.format === match?.[2] ? new URL(webhook.url) : null;
}

function readCrashMark(statusDir: string, log: DaemonContext['log']): AlertFacts['daemonCrash'] {
  let text: string;
  try {
    text = readFileSync(join(statusDir, RUNNING_MARK_FILE), 'utf8');
  } catch {
    return null;
  }
  let before: { pid?: unknown; startedAt?: unknown } = {};
  try {
    before = JSON.parse(text) as typeof before;
  } catch {
    // A mark cut short is still a mark: the daemon before died while writing it, or after.
  }
  const detail = `the clawsupd before this one (pid ${String(before.pid ?? 'unknown')}, started ${String(before.startedAt ?? 'unknown')}) ended without stopping cleanly`;
  log.warn({ previousPid: before.pid, previousStartedAt: before.startedAt }, 'the clawsupd before this one did not stop cleanly');
  return { detectedAtMs: Date.now(), detail };
}

function writeRunningMark(statusDir: string, log: DaemonContext['log']): void {
  try {
    writeFileAtomic(join(statusDir, RUNNING_MARK_FILE), JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }), { mode: 0o600 });
  } catch (error) {
    log.warn({ err: describeError(error) }, 'cannot write the alerts running mark: a crash of this clawsupd will not be alerted');
  }
}
