import type { HttpProbeResult } from '../probe-report.js';
import { describePortHolder, formatPortHeldReason, type PortHolder } from '../../gateway/socket-owner/socket-owner.js';

/** An answer, and who gave it: `heldBy` is set when the connection was served by a process not of the gateway's group. */
export interface ProbeAnswer extends HttpProbeResult {
  heldBy?: PortHolder | null;
}

export interface LivenessFacts {
  result: ProbeAnswer;
  atMs: number;
  spawnedAtMs: number;
  isStarted: boolean;
  consecutiveFailures: number;
  startupGraceMs: number;
  failureThreshold: number;
}

export interface LivenessVerdict {
  isOk: boolean;
  /** Failures that count toward a hang: those inside the start-up grace of a gateway not yet started do not. */
  consecutiveFailures: number;
  isHung: boolean;
  state: 'live' | 'failing' | 'grace' | 'hung' | 'port-held-by-another-process';
  detail: string;
}

/** Liveness: `failureThreshold` counted failures in a row mean the gateway is hung although its process lives. */
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
  const isHung = consecutiveFailures >= facts.failureThreshold;
  const state = isHung ? 'hung' : heldBy === null ? 'failing' : 'port-held-by-another-process';
  return { isOk: false, consecutiveFailures, isHung, state, detail };
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

/** Readiness: failing and suppressed channels and a degraded event loop make the node degraded (never a restart). */
export function judgeReadiness(result: ProbeAnswer): ReadinessVerdict {
  const heldBy = result.heldBy ?? null;
  if (heldBy !== null) return { isOk: false, state: 'port-held-by-another-process', reasons: [formatPortHeldReason(heldBy)], detail: describePortHolder(heldBy) };
  if (result.error !== null || !isObject(result.body)) {
    return { isOk: false, state: 'unreachable', reasons: [], detail: result.error ?? `HTTP ${result.statusCode}: no JSON body` };
  }
  const failing = readStrings(result.body, 'failing');
  const suppressed = readStrings(result.body, 'suppressed');
  const eventLoop = readField(result.body, 'eventLoop');
  const isLoopDegraded = readField(eventLoop, 'degraded') === true;
  // A channel held down by the gateway's crash-loop breaker is as down as a failing one, though /readyz may say 200.
  const reasons = [
    ...failing.map((id) => (isGatewayPart(id) ? `ready-failing:${id}` : `channel-failing:${id}`)),
    ...suppressed.map((id) => `channel-suppressed:${id}`),
    ...(isLoopDegraded ? ['event-loop-degraded'] : []),
  ];
  // "Not ready" with nothing named is still not ready: say so rather than look healthy.
  if (reasons.length === 0 && (!isSuccess(result) || readField(result.body, 'ready') === false)) reasons.push('ready-failing:unknown');
  const delayP99Ms = readField(eventLoop, 'delayP99Ms');
  const parts = [
    `HTTP ${result.statusCode}`,
    ...(failing.length > 0 ? [`failing: ${failing.join(', ')}`] : []),
    ...(suppressed.length > 0 ? [`suppressed: ${suppressed.join(', ')}`] : []),
    ...(isLoopDegraded ? [`event loop degraded${typeof delayP99Ms === 'number' ? ` (p99 delay ${delayP99Ms} ms)` : ''}`] : []),
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
