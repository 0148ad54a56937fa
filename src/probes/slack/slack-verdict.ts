import { pruneHour, type SlackObservation } from './slack-observation.js';
import { readTransportLink } from './slack-transport.js';

/** `probes.slack.state`, as the public contract names them. */
export const SLACK_STATES = ['not-configured', 'connected', 'disconnected', 'flapping', 'stale', 'duplicate', 'blocked', 'unknown'] as const;
export type SlackState = (typeof SLACK_STATES)[number];

export interface SlackLimits {
  nowMs: number;
  maxDisconnectsPerHour: number;
  staleAfterMs: number;
  /** Whether clawsupd has a gateway token to ask `channels.status` with. */
  hasToken: boolean;
}

export interface SlackVerdict {
  state: SlackState;
  isOk: boolean;
  reasons: string[];
  detail: string;
}

// A socket-mode start (apps.connections.open, then the WebSocket) that fails says so well within this.
const RECONNECT_CONFIRM_MS = 30_000;

/** Judges the Slack socket from what was observed; a quiet workspace is never stale for being quiet. */
export function judgeSlack(observation: SlackObservation, limits: SlackLimits): SlackVerdict {
  const { nowMs } = limits;
  const link = readTransportLink(observation.transport);
  const said = readIsConnected(observation, nowMs);
  // The gateway says connected while the SDK reconnects on its own: the kernel shows no socket, so it is down.
  const isLinkDown = said !== false && link?.isUp === false;
  const isConnected = isLinkDown ? false : said;
  const disconnectsInHour = Math.max(
    pruneHour(observation.logDisconnectTimesMs, nowMs).length,
    pruneHour(observation.rpcDisconnectTimesMs, nowMs).length,
    pruneHour(observation.transport.endTimesMs, nowMs).length,
  );
  const silentMs = observation.transportAtMs === null ? null : nowMs - observation.transportAtMs;
  const isKernelSilent = link?.silentMs !== null && link?.silentMs !== undefined && link.silentMs > limits.staleAfterMs;
  const isStale =
    isConnected === true &&
    (observation.healthState === 'stale-socket' || isKernelSilent || (observation.hasTransportClock && silentMs !== null && silentMs > limits.staleAfterMs));

  const found: Array<{ state: SlackState; reason: string; detail: string }> = [];
  if (observation.blockedDetail !== null) found.push({ state: 'blocked', reason: 'slack-blocked', detail: `blocked: ${observation.blockedDetail}` });
  if ((observation.activeConnections ?? 0) > 1) {
    found.push({ state: 'duplicate', reason: 'slack-duplicate-connection', detail: `Slack reports ${observation.activeConnections} active connections for this app` });
  }
  if (disconnectsInHour > limits.maxDisconnectsPerHour) {
    found.push({ state: 'flapping', reason: 'slack-flapping', detail: `${disconnectsInHour} disconnects in the last hour (limit ${limits.maxDisconnectsPerHour})` });
  }
  if (isConnected === false && observation.blockedDetail === null) {
    const detail = isLinkDown
      ? `the gateway holds no connection to Slack's socket host since ${iso(observation.transport.downSinceMs)} (the Slack SDK reconnects without a log line)`
      : `disconnected since ${iso(observation.connection?.atMs)}`;
    found.push({ state: 'disconnected', reason: 'slack-disconnected', detail });
  }
  if (isStale) {
    const detail = isKernelSilent
      ? `connected but the gateway's socket to Slack has received nothing for ${link?.silentMs} ms (limit ${limits.staleAfterMs})`
      : `connected but no transport activity for ${silentMs} ms (limit ${limits.staleAfterMs})`;
    found.push({ state: 'stale', reason: 'slack-stale', detail });
  }
  const [worst] = found;
  if (worst) return { state: worst.state, isOk: false, reasons: found.map((f) => f.reason), detail: found.map((f) => f.detail).join('; ') };
  if (isConnected === true) return { state: 'connected', isOk: true, reasons: [], detail: describeConnected(observation, nowMs) };
  if (observation.isConfigured === false) return { state: 'not-configured', isOk: true, reasons: [], detail: 'the gateway has no Slack account configured' };
  if (!limits.hasToken && observation.connection === null) {
    return { state: 'not-configured', isOk: true, reasons: [], detail: 'no gateway token for channels.status and no Slack lines in the gateway output' };
  }
  return { state: 'unknown', isOk: false, reasons: [], detail: observation.rpcError ?? 'no word on the Slack socket yet' };
}

function readIsConnected(observation: SlackObservation, nowMs: number): boolean | null {
  const { connection, reconnectDueAtMs } = observation;
  if (connection === null) return null;
  // The plugin logs its first connect only: a retry that ran without a failure line has reconnected.
  if (!connection.isConnected && connection.source === 'log' && reconnectDueAtMs !== null && nowMs > reconnectDueAtMs + RECONNECT_CONFIRM_MS) return true;
  return connection.isConnected;
}

function describeConnected(observation: SlackObservation, nowMs: number): string {
  const parts = [`connected (${observation.connection?.source ?? 'log'})`];
  if (observation.isDegradedIdentity) parts.push('degraded identity');
  const link = readTransportLink(observation.transport);
  if (link?.silentMs !== null && link?.silentMs !== undefined) parts.push(`socket received ${link.silentMs} ms ago (kernel)`);
  else if (observation.transportAtMs !== null) parts.push(`last transport activity ${nowMs - observation.transportAtMs} ms ago`);
  if (!observation.hasTransportClock && (link?.silentMs ?? null) === null) parts.push('no transport clock reported: staleness not judged from inbound silence');
  if (observation.lastInboundAtMs !== null) parts.push(`last inbound ${iso(observation.lastInboundAtMs)}`);
  return parts.join('; ');
}

function iso(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? 'unknown' : new Date(ms).toISOString();
}
