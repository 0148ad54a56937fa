/** What /readyz said of the gateway's event loop: `degraded`, and how long by the gateway's own count (`degradedSinceMs`). */
export interface EventLoopReading {
  isDegraded: boolean;
  /** null when the gateway does not say (older gateways, other servers): clawsup's own count stands in. */
  gatewayDegradedForMs: number | null;
  delayP99Ms: number | null;
}

export interface EventLoopFacts {
  reading: EventLoopReading;
  atMs: number;
  /** When /startupz said started: a boot's busy spell before then is not counted. */
  startedAtMs: number;
  /** When clawsup first saw the current run of degraded answers; null after an answer that was not degraded. */
  firstSeenDegradedAtMs: number | null;
  /** `health.eventLoopDegradedAfterMs`: how long the loop must stay degraded before the node is; 0 counts at once. */
  degradedAfterMs: number;
}

export interface EventLoopVerdict {
  isDegraded: boolean;
  /** Degraded for at least `degradedAfterMs`: only then does the node show `event-loop-degraded`. */
  isPersistent: boolean;
  /** How long it has been degraded, counted from no earlier than the start. */
  degradedForMs: number;
  firstSeenDegradedAtMs: number | null;
}

export function readEventLoop(body: unknown): EventLoopReading {
  const eventLoop = isObject(body) ? body['eventLoop'] : undefined;
  if (!isObject(eventLoop)) return { isDegraded: false, gatewayDegradedForMs: null, delayP99Ms: null };
  const since = eventLoop['degradedSinceMs'];
  const p99 = eventLoop['delayP99Ms'];
  return {
    isDegraded: eventLoop['degraded'] === true,
    gatewayDegradedForMs: typeof since === 'number' && Number.isFinite(since) && since >= 0 ? since : null,
    delayP99Ms: typeof p99 === 'number' ? p99 : null,
  };
}

/**
 * The real gateway (openclaw 2026.9.6) says degraded for each ≥ 1 s window of a busy loop, and is busy for seconds
 * after its start; it calls a degradation persistent only after 60 s. Likewise here: a spell shorter than
 * `degradedAfterMs` since the start does not make the node degraded, a longer one does.
 */
export function judgeEventLoop(facts: EventLoopFacts): EventLoopVerdict {
  const { reading, atMs } = facts;
  if (!reading.isDegraded) return { isDegraded: false, isPersistent: false, degradedForMs: 0, firstSeenDegradedAtMs: null };
  const firstSeenDegradedAtMs = facts.firstSeenDegradedAtMs ?? atMs;
  // The gateway's own count sees every window; clawsup's sees only its probe rounds.
  const reportedForMs = reading.gatewayDegradedForMs ?? atMs - firstSeenDegradedAtMs;
  const degradedForMs = Math.max(0, Math.min(reportedForMs, atMs - facts.startedAtMs));
  return { isDegraded: true, isPersistent: degradedForMs >= facts.degradedAfterMs, degradedForMs, firstSeenDegradedAtMs };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
