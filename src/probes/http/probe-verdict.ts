import type { HttpProbeResult } from '../probe-report.js';

export interface LivenessFacts {
  result: HttpProbeResult;
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
  state: 'live' | 'failing' | 'grace' | 'hung';
  detail: string;
}

/** Liveness: `failureThreshold` counted failures in a row mean the gateway is hung although its process lives. */
export function judgeLiveness(facts: LivenessFacts): LivenessVerdict {
  const { result } = facts;
  if (isSuccess(result)) return { isOk: true, consecutiveFailures: 0, isHung: false, state: 'live', detail: `HTTP ${result.statusCode}` };
  const detail = describeFailure(result);
  // Before /startupz says started, a gateway may not listen yet: the grace keeps a slow boot from counting as a hang.
  const isInGrace = !facts.isStarted && facts.atMs - facts.spawnedAtMs < facts.startupGraceMs;
  if (isInGrace) return { isOk: false, consecutiveFailures: 0, isHung: false, state: 'grace', detail };
  const consecutiveFailures = facts.consecutiveFailures + 1;
  const isHung = consecutiveFailures >= facts.failureThreshold;
  return { isOk: false, consecutiveFailures, isHung, state: isHung ? 'hung' : 'failing', detail };
}

export interface StartupFacts {
  result: HttpProbeResult;
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
  const status = readField(result.body, 'status');
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
  state: 'ready' | 'not-ready' | 'unreachable';
  reasons: string[];
  detail: string;
}

// Entries of /readyz `failing` that name a part of the gateway, not a channel.
const GATEWAY_PARTS = ['gateway-draining', 'state-database', 'plugin-reload', 'startup-sidecars'];

/** Readiness: failing and suppressed channels and a degraded event loop make the node degraded (never a restart). */
export function judgeReadiness(result: HttpProbeResult): ReadinessVerdict {
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
