import type { ProbeAnswer } from './probe-verdict.js';

export interface RoundFacts {
  isStarted: boolean;
  intervalMs: number;
  timeoutMs: number;
  /** /readyz is served where health.url is (the default): its answer comes from the same server. */
  isReadyOnHealthOrigin: boolean;
  /** The last round's /readyz answer proved liveness (see isLiveReadyAnswer). */
  wasLastReadyLive: boolean;
}

/**
 * Which requests a round makes. Until started: health and /startupz at once. Started: health and /readyz at once, or
 * `ready-first` after a round whose /readyz proved liveness: /readyz alone, and /healthz right after only when its
 * answer does not prove liveness again. Only where two deadlines fit in one interval, and the round after such a miss
 * asks both at once: the failures of a hang are then counted in the same rounds, and the hang declared at the same
 * moment, as when both are always asked at once.
 */
export function planRound(facts: RoundFacts): 'health-and-startup' | 'health-and-ready' | 'ready-first' {
  if (!facts.isStarted) return 'health-and-startup';
  const canAskReadyFirst = facts.wasLastReadyLive && facts.isReadyOnHealthOrigin && 2 * facts.timeoutMs <= facts.intervalMs;
  return canAskReadyFirst ? 'ready-first' : 'health-and-ready';
}

/** A /readyz answer that is also a live answer: a 2xx from the gateway itself (not from another process on its port). */
export function isLiveReadyAnswer(answer: ProbeAnswer): boolean {
  return (answer.heldBy ?? null) === null && answer.error === null && answer.statusCode !== null && answer.statusCode >= 200 && answer.statusCode < 300;
}
