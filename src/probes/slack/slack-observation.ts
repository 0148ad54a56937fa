import { parseSlackLogLine } from './slack-log-line.js';
import type { SlackRpcFacts } from './slack-rpc-facts.js';
import { applySlackTransportSample, createSlackTransport, type SlackSocketFacts, type SlackTransport } from './slack-transport.js';

/** Everything clawsupd has seen of the current gateway's Slack socket, from its log lines and its `channels.status`. */
export interface SlackObservation {
  /** The newest word on the connection, from either source. */
  connection: { isConnected: boolean; atMs: number; source: 'log' | 'rpc' } | null;
  /** A log-only disconnect names its retry delay; no failure line after it means the retry worked (the plugin logs only its first connect). */
  reconnectDueAtMs: number | null;
  isDegradedIdentity: boolean;
  blockedDetail: string | null;
  /** The reason of the channel's last exit, kept for a terminal-disconnect line that follows it. */
  lastExitReason: string | null;
  activeConnections: number | null;
  logDisconnectTimesMs: number[];
  rpcDisconnectTimesMs: number[];
  /** The last transport-level sign of life: connects, disconnects, and the gateway's transport clock. */
  transportAtMs: number | null;
  /** True when the gateway reports a transport clock: only then can a quiet socket be told from a dead one. */
  hasTransportClock: boolean;
  /** Null until the RPC has answered. */
  isConfigured: boolean | null;
  healthState: string | null;
  lastInboundAtMs: number | null;
  rpcError: string | null;
  /** The kernel's view of the gateway's own connections to Slack's socket host. */
  transport: SlackTransport;
  evidence: string[];
}

const EVIDENCE_LIMIT = 8;
const HOUR_MS = 3_600_000;
const RETRY_DELAY = /(?:reconnecting|retry \S+) in (\d+)s/;

export function createSlackObservation(): SlackObservation {
  return {
    connection: null,
    reconnectDueAtMs: null,
    isDegradedIdentity: false,
    blockedDetail: null,
    lastExitReason: null,
    activeConnections: null,
    logDisconnectTimesMs: [],
    rpcDisconnectTimesMs: [],
    transportAtMs: null,
    hasTransportClock: false,
    isConfigured: null,
    healthState: null,
    lastInboundAtMs: null,
    rpcError: null,
    transport: createSlackTransport(),
    evidence: [],
  };
}

/** Folds one gateway output line in; returns the same object when the line says nothing about Slack. */
export function applySlackLine(observation: SlackObservation, line: string, atMs: number): SlackObservation {
  const event = parseSlackLogLine(line);
  if (event === null) return observation;
  const next: SlackObservation = {
    ...observation,
    transportAtMs: Math.max(observation.transportAtMs ?? 0, atMs),
    evidence: [...observation.evidence, `${new Date(atMs).toISOString()} ${line.trim()}`].slice(-EVIDENCE_LIMIT),
  };
  const retryDelayS = RETRY_DELAY.exec(line)?.[1];
  switch (event.kind) {
    case 'connected':
      return { ...next, connection: { isConnected: true, atMs, source: 'log' }, reconnectDueAtMs: null, blockedDetail: null, isDegradedIdentity: event.isDegradedIdentity };
    case 'disconnected':
    case 'start-failed': {
      const logDisconnectTimesMs = event.kind === 'disconnected' ? [...pruneHour(observation.logDisconnectTimesMs, atMs), atMs] : observation.logDisconnectTimesMs;
      const reconnectDueAtMs = retryDelayS === undefined ? null : atMs + Number(retryDelayS) * 1000;
      return { ...next, connection: { isConnected: false, atMs, source: 'log' }, reconnectDueAtMs, logDisconnectTimesMs };
    }
    case 'auth-error':
      return { ...next, connection: { isConnected: false, atMs, source: 'log' }, reconnectDueAtMs: null, blockedDetail: line.trim() };
    case 'connections':
      return { ...next, activeConnections: event.count };
    case 'channel-exited':
      return { ...next, lastExitReason: event.reason };
    case 'terminal':
      // The gateway gives up on the channel: blocked until a new gateway (or a connect) says otherwise.
      return {
        ...next,
        connection: { isConnected: false, atMs, source: 'log' },
        reconnectDueAtMs: null,
        blockedDetail: observation.blockedDetail ?? `terminal disconnect${observation.lastExitReason ? `: ${observation.lastExitReason}` : ''}`,
      };
  }
}

/** Folds one `channels.status` answer (already read into facts) in. */
export function applySlackRpc(observation: SlackObservation, facts: SlackRpcFacts, atMs: number): SlackObservation {
  const base = { ...observation, isConfigured: facts.isConfigured, rpcError: null };
  if (!facts.isConfigured || facts.accounts.length === 0) return base;
  const accounts = facts.accounts;
  const connectedFlags = accounts.map((account) => account.isConnected);
  const isConnected = connectedFlags.every((flag) => flag === true) ? true : connectedFlags.some((flag) => flag === false) ? false : null;
  const blocked = accounts.find((account) => account.lifecycle === 'blocked' && account.isConnected !== true);
  const disconnects = accounts.flatMap((account) => (account.lastDisconnectAtMs === null ? [] : [account.lastDisconnectAtMs]));
  const rpcDisconnectTimesMs = pruneHour([...new Set([...observation.rpcDisconnectTimesMs, ...disconnects])], atMs);
  // The stalest account decides: each account's clock is its newest transport-level timestamp.
  const clocks = accounts.map((account) => Math.max(account.lastTransportActivityAtMs ?? 0, account.lastConnectedAtMs ?? 0, account.lastDisconnectAtMs ?? 0));
  const rpcTransportAtMs = Math.min(...clocks);
  const inbound = accounts.map((account) => account.lastInboundAtMs ?? 0);
  return {
    ...base,
    connection: isConnected === null ? observation.connection : { isConnected, atMs, source: 'rpc' },
    reconnectDueAtMs: isConnected === null ? observation.reconnectDueAtMs : null,
    blockedDetail: blocked ? `lifecycle blocked${blocked.lastError ? `: ${blocked.lastError}` : ''}` : isConnected ? null : observation.blockedDetail,
    rpcDisconnectTimesMs,
    transportAtMs: rpcTransportAtMs > 0 ? Math.max(observation.transportAtMs ?? 0, rpcTransportAtMs) : observation.transportAtMs,
    hasTransportClock: accounts.every((account) => account.lastTransportActivityAtMs !== null),
    healthState: accounts.find((account) => account.healthState !== null && account.healthState !== 'healthy')?.healthState ?? accounts[0]?.healthState ?? null,
    lastInboundAtMs: Math.max(...inbound) || null,
  };
}

/** Folds one sample of the gateway's sockets to Slack's socket host in. */
export function applySlackTransport(observation: SlackObservation, sockets: readonly SlackSocketFacts[], atMs: number): SlackObservation {
  return { ...observation, transport: applySlackTransportSample(observation.transport, sockets, atMs) };
}

export function applySlackRpcError(observation: SlackObservation, error: string): SlackObservation {
  return { ...observation, rpcError: error };
}

export function pruneHour(timesMs: readonly number[], nowMs: number): number[] {
  return timesMs.filter((timeMs) => nowMs - timeMs < HOUR_MS);
}
