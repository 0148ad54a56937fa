import type { AlertSeverity } from './alert-conditions.js';
import { describeTarget } from './alert-outbox.js';
import type { ActiveAlert } from './evaluate-alerts.js';

/** What delivery knows of one target (a webhook by its index, or Alertmanager), never its URL. */
export interface TargetDeliveryState {
  targetId: string;
  lastDeliveredAtMs: number | null;
  lastError: string | null;
  lastErrorAtMs: number | null;
}

/** status.json's `alerts` section (src/status/status-schema.ts declares it). */
export interface AlertsStatusSection {
  firing: Array<{ key: string; rule: string; subject: string | null; severity: AlertSeverity; since: string; clearedAt: string | null }>;
  outboxDepth: number;
  droppedMessages: number;
  targets: Array<{ target: string; pending: number; lastDeliveredAt: string | null; lastError: string | null; lastErrorAt: string | null }>;
}

export interface AlertsStatusInput {
  active: readonly ActiveAlert[];
  /** The target ids the config has now, in order: `webhook:0:slack`, ..., `alertmanager`. */
  configuredTargetIds: readonly string[];
  pendingTargetIds: readonly string[];
  droppedMessages: number;
  deliveryStates: readonly TargetDeliveryState[];
}

// Anything that looks like a URL (scheme://...) in an error: a webhook's URL is its secret, whatever wrote the error.
const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]*/gi;

/** An error text with every URL in it replaced by `<url>`. */
export function redactUrls(text: string): string {
  return text.replace(URL_PATTERN, '<url>');
}

/** The section from the alerts active and what delivery knows: every configured target has its row, in config order. */
export function buildAlertsStatus(input: AlertsStatusInput): AlertsStatusSection {
  const states = new Map(input.deliveryStates.map((state) => [state.targetId, state]));
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    firing: input.active.map((alert) => ({
      key: alert.key,
      rule: alert.rule,
      subject: alert.subject,
      severity: alert.severity,
      since: new Date(alert.startsAtMs).toISOString(),
      clearedAt: iso(alert.clearedAtMs),
    })),
    outboxDepth: input.pendingTargetIds.length,
    droppedMessages: input.droppedMessages,
    targets: input.configuredTargetIds.map((id) => {
      const state = states.get(id);
      return {
        target: describeTarget(id),
        pending: input.pendingTargetIds.filter((pending) => pending === id).length,
        lastDeliveredAt: iso(state?.lastDeliveredAtMs ?? null),
        lastError: state?.lastError == null ? null : redactUrls(state.lastError),
        lastErrorAt: iso(state?.lastErrorAtMs ?? null),
      };
    }),
  };
}
