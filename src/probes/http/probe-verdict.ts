import type { HttpProbeResult } from '../probe-report.js';
import { describePortHolder, formatPortHeldReason, type PortHolder } from '../../gateway/socket-owner/socket-owner.js';
import { readEventLoop, type EventLoopVerdict } from './event-loop-verdict.js';

/** An answer, and who gave it: `heldBy` is set when the connection was served by a process not of the gateway's group. */
export interface ProbeAnswer extends HttpProbeResult {
  heldBy?: PortHolder | null;
  /** The socket error's code (`ECONNREFUSED`) when the request failed on one. */
  errorCode?: string | null;
}

export interface LivenessFacts {
  result: ProbeAnswer;
  atMs: number;
  spawnedAtMs: number;
  isStarted: boolean;
  consecutiveFailures: number;
  startupGraceMs: number;
  failureThreshold: number;
  /** Whether the gateway has answered this health URL at all since it was spawned. */
  hasAnsweredSinceSpawn: boolean;
}

export interface LivenessVerdict {
  isOk: boolean;
  /** Failures that count toward a hang: those inside the start-up grace of a gateway not yet started do not. */
  consecutiveFailures: number;
  isHung: boolean;
  /** `never-answered`: refused since spawn, a wrong health.url until proven otherwise ({@link judgeNeverAnswered} says which). */
  state: 'live' | 'failing' | 'grace' | 'hung' | 'port-held-by-another-process' | 'never-answered';
  detail: string;
}

/**
 * Liveness: `failureThreshold` counted failures in a row mean the gateway is hung although its process lives; unless
 * every one was a refusal and the URL never answered since spawn: then nothing listens there, which is no hang.
 */
export function judgeLiveness(facts: LivenessFacts): LivenessVerdict {
  const { result } = facts;
  const heldBy = result.heldBy ?? null;
  if (heldBy === null && isSuccess(result)) return { isOk: true, consecutiveFailures: 0, isHung: false, state: 'live', detail: `HTTP ${result.statusCode}` };
  // Another process on the gateway's port is no answer from the gateway: it fails, and counts, as a refusal would.
  const detail = heldBy === null ? describeFailure(result) : describePortHolder(heldBy);
  // Before /startupz says started, a gateway may not listen yet: the grace keeps a slow boot from counting as a hang.
  const isInGrace = !facts.isStarted && facts.atMs - facts.spawnedAtMs < facts.startupGraceMs;
  if (isInGrace) return { isOk: false, consecutiveFailures: 0, isHung: false, state: heldBy === null ? 'grace' : 'port-held-by-another-process', detail };
  const consecutiveFailures = facts.consecutiveFailures + 1;
  const isOverThreshold = consecutiveFailures >= facts.failureThreshold;
  if (isOverThreshold && heldBy === null && !facts.hasAnsweredSinceSpawn && result.errorCode === 'ECONNREFUSED') {
    return { isOk: false, consecutiveFailures, isHung: false, state: 'never-answered', detail };
  }
  const isHung = isOverThreshold;
  const state = isHung ? 'hung' : heldBy === null ? 'failing' : 'port-held-by-another-process';
  return { isOk: false, consecutiveFailures, isHung, state, detail };
}

export interface NeverAnsweredFacts {
  healthUrl: string;
  /** The TCP ports the gateway's process group listens on; null when this host cannot tell (no /proc). */
  listenPorts: readonly number[] | null;
  /** What the last refused probe said. */
  detail: string;
}

export interface NeverAnsweredVerdict {
  state: 'probe-misconfigured' | 'not-listening';
  reasons: string[];
  /** The gateway listens (on another port, or address): it is up, only the probe looks in the wrong place. */
  isListening: boolean;
  detail: string;
}

/**
 * A health URL refused since spawn while the gateway runs: a wrong health.url until proven otherwise, named with the
 * port(s) the gateway does listen on; a gateway listening nowhere yet is still starting (the start timeout ends it).
 */
export function judgeNeverAnswered(facts: NeverAnsweredFacts): NeverAnsweredVerdict {
  const url = new URL(facts.healthUrl);
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const ports = facts.listenPorts;
  if (ports === null) {
    return { state: 'probe-misconfigured', reasons: ['probe-misconfigured'], isListening: false, detail: `${facts.detail}; never answered since spawn: check health.url (this host cannot show which ports the gateway listens on)` };
  }
  if (ports.length === 0) {
    return { state: 'not-listening', reasons: [], isListening: false, detail: `${facts.detail}; the gateway listens on no TCP port yet` };
  }
  const listed = ports.length === 1 ? `port ${ports[0]}` : `ports ${ports.join(', ')}`;
  if (ports.includes(port)) {
    return { state: 'probe-misconfigured', reasons: ['probe-misconfigured'], isListening: true, detail: `${facts.detail}; the gateway listens on ${listed}, but not on ${url.hostname}: check the host of health.url` };
  }
  const suggested = new URL(url.href);
  suggested.port = String(ports[0]);
  return {
    state: 'probe-misconfigured',
    reasons: ['probe-misconfigured'],
    isListening: true,
    detail: `${facts.detail}; nothing listens on port ${port}: the gateway listens on ${listed} (health.url ${suggested.href}?)`,
  };
}

export interface StartupFacts {
  result: ProbeAnswer;
  /** Whether liveness passed in the same round: a gateway without /startupz (404) counts as started once live. */
  isLive: boolean;
  atMs: number;
  spawnedAtMs: number;
  startTimeoutMs: number;
}

export interface StartupVerdict {
  state: 'started' | 'starting' | 'timed-out';
  detail: string;
}

/** Startup: `starting` until /startupz says started; no start within `startTimeoutMs` is a failure. */
export function judgeStartup(facts: StartupFacts): StartupVerdict {
  const { result } = facts;
  const heldBy = result.heldBy ?? null;
  const status = readField(result.body, 'status');
  if (heldBy !== null) {
    // Whatever another process says, the gateway has not started.
    const detail = describePortHolder(heldBy);
    if (facts.atMs - facts.spawnedAtMs >= facts.startTimeoutMs) return { state: 'timed-out', detail: `not started within ${facts.startTimeoutMs} ms (${detail})` };
    return { state: 'starting', detail };
  }
  if (isSuccess(result) && (status === 'started' || status === undefined)) return { state: 'started', detail: `HTTP ${result.statusCode}` };
  if (result.statusCode === 404 && facts.isLive) return { state: 'started', detail: 'no /startupz (404): started once live' };
  const detail = result.error === null ? `HTTP ${result.statusCode}${typeof status === 'string' ? ` ${status}` : ''}` : result.error;
  if (facts.atMs - facts.spawnedAtMs >= facts.startTimeoutMs) {
    return { state: 'timed-out', detail: `not started within ${facts.startTimeoutMs} ms (${detail})` };
  }
  return { state: 'starting', detail };
}

export interface ReadinessVerdict {
  isOk: boolean;
  state: 'ready' | 'not-ready' | 'unreachable' | 'port-held-by-another-process';
  reasons: string[];
  detail: string;
}

// Entries of /readyz `failing` that name a part of the gateway, not a channel.
const GATEWAY_PARTS = ['gateway-draining', 'state-database', 'plugin-reload', 'startup-sidecars'];

/**
 * Readiness: failing and suppressed channels and a degraded event loop make the node degraded (never a restart); the
 * loop only once `eventLoop` (from {@link judgeEventLoop}) says persistent; without it, a degraded loop counts at once.
 */
export function judgeReadiness(result: ProbeAnswer, eventLoop?: EventLoopVerdict): ReadinessVerdict {
  const heldBy = result.heldBy ?? null;
  if (heldBy !== null) return { isOk: false, state: 'port-held-by-another-process', reasons: [formatPortHeldReason(heldBy)], detail: describePortHolder(heldBy) };
  if (result.error !== null || !isObject(result.body)) {
    return { isOk: false, state: 'unreachable', reasons: [], detail: result.error ?? `HTTP ${result.statusCode}: no JSON body` };
  }
  const failing = readStrings(result.body, 'failing');
  const suppressed = readStrings(result.body, 'suppressed');
  const reading = readEventLoop(result.body);
  const isLoopDegraded = eventLoop?.isPersistent ?? reading.isDegraded;
  // A spell too short to count is still shown in the detail.
  const isLoopBriefly = reading.isDegraded && !isLoopDegraded;
  // A channel held down by the gateway's crash-loop breaker is as down as a failing one, though /readyz may say 200.
  const reasons = [
    ...failing.map((id) => (isGatewayPart(id) ? `ready-failing:${id}` : `channel-failing:${id}`)),
    ...suppressed.map((id) => `channel-suppressed:${id}`),
    ...(isLoopDegraded ? ['event-loop-degraded'] : []),
  ];
  // "Not ready" with nothing named is still not ready: say so rather than look healthy.
  if (reasons.length === 0 && (!isSuccess(result) || readField(result.body, 'ready') === false)) reasons.push('ready-failing:unknown');
  const delayP99Ms = reading.delayP99Ms;
  const delay = delayP99Ms === null ? '' : ` (p99 delay ${delayP99Ms} ms)`;
  const parts = [
    `HTTP ${result.statusCode}`,
    ...(failing.length > 0 ? [`failing: ${failing.join(', ')}`] : []),
    ...(suppressed.length > 0 ? [`suppressed: ${suppressed.join(', ')}`] : []),
    ...(isLoopDegraded ? [`event loop degraded${delay}`] : []),
    ...(isLoopBriefly ? [`event loop degraded for ${eventLoop?.degradedForMs ?? 0} ms${delay}, not counted yet`] : []),
  ];
  const isOk = reasons.length === 0 && isSuccess(result);
  return { isOk, state: isOk ? 'ready' : 'not-ready', reasons, detail: parts.join('; ') };
}

function isGatewayPart(id: string): boolean {
  return GATEWAY_PARTS.includes(id) || id.startsWith('agent-database:');
}

function isSuccess(result: HttpProbeResult): boolean {
  return result.error === null && result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
}

function describeFailure(result: HttpProbeResult): string {
  return result.error ?? `HTTP ${result.statusCode}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readField(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}

function readStrings(value: unknown, key: string): string[] {
  const field = readField(value, key);
  return Array.isArray(field) ? field.filter((item): item is string => typeof item === 'string') : [];
}
