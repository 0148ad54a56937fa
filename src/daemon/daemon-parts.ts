import type { DaemonContext, DaemonPart } from './daemon-part.js';
import { controlPart } from '../control/control-part.js';
import { eventsPart } from '../events/events-part.js';
import { logStatePart } from './log-state-part.js';
import { skillsPart } from '../skills/skills-part.js';

/**
 * A part whose feature is off at start costs no memory: its modules load only when `isWanted` (each part would
 * attach as a no-op then anyway; a reload does not turn these on, so the start-up config decides).
 */
function loadWhen(name: string, isWanted: (context: DaemonContext) => boolean, load: () => Promise<DaemonPart>): DaemonPart {
  return {
    name,
    async attach(context) {
      if (!isWanted(context)) return { detach: () => undefined };
      return (await load()).attach(context);
    },
  };
}

const systemdNotifyPart = loadWhen(
  'systemd-notify',
  ({ env }) => env.NOTIFY_SOCKET !== undefined && env.NOTIFY_SOCKET !== '',
  async () => (await import('../systemd/systemd-notify-part.js')).systemdNotifyPart,
);
const probesPart = loadWhen('probes', ({ config }) => config.health.enabled, async () => (await import('../probes/probes-part.js')).probesPart);
const logRotationPart = loadWhen(
  'log-rotation',
  ({ config }) => config.log.file !== undefined,
  async () => (await import('./log-rotation-part.js')).logRotationPart,
);
const httpPart = loadWhen('http', ({ config }) => config.http.listen !== undefined, async () => (await import('../http/http-part.js')).httpPart);
const alertsPart = loadWhen('alerts', ({ config }) => config.alerts.webhooks.length > 0 || config.alerts.alertmanager !== undefined, async () => (await import('../alerts/alerts-part.js')).alertsPart);
const cronPart = loadWhen('cron', ({ config }) => config.cron.leader.enabled, async () => (await import('../cron/cron-part.js')).cronPart);
const metricsTextfilePart = loadWhen('metrics-textfile', ({ config }) => config.metrics.textfile !== undefined, async () => (await import('../metrics/metrics-part.js')).metricsTextfilePart);

/** Everything clawsupd runs beside the core loop, attached in this order and detached in reverse. */
export const DAEMON_PARTS: readonly DaemonPart[] = [
  // First in, last out: systemd hears STOPPING=1 only after every other part has let go.
  systemdNotifyPart,
  controlPart,
  eventsPart,
  skillsPart,
  cronPart,
  probesPart,
  httpPart,
  metricsTextfilePart,
  alertsPart,
  loadWhen('audit', () => true, async () => (await import('../audit/audit-part.js')).auditPart),
  logRotationPart,
  // Drift of the gateway's own config against the last apply (clawctl gateway-config); the gate itself answers on the control socket.
  loadWhen('gateway-config', ({ config }) => config.gateway.openclawConfigPath !== undefined, async () => (await import('../gateway-config/gateway-config-part.js')).gatewayConfigPart),
  logStatePart,
];
