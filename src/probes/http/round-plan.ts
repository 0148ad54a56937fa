import type { ProbeAnswer } from './probe-verdict.js';

export interface RoundFacts {
  isStarted: boolean;
  intervalMs: number;
  timeoutMs: number;
  /** /readyz is served where health.url is (the default): its answer comes from the same server. */
  isReadyOnHealthOrigin: boolean;
}

/**
 * Which requests a round makes. Until started: health and /startupz at once. Started: health and /readyz at once, or
 * `ready-first`: /readyz alone, whose 2xx answer from the gateway proves liveness too, and /healthz right after only
 * when it did not. Only where two deadlines fit in one interval: a hang is then declared at the same moment as when
 * both are asked at once (the round that waited for both still ends before the next one is due).
 */
export function planRound(facts: RoundFacts): 'health-and-startup' | 'health-and-ready' | 'ready-first' {
  if (!facts.isStarted) return 'health-and-startup';
  return facts.isReadyOnHealthOrigin && 2 * facts.timeoutMs <= facts.intervalMs ? 'ready-first' : 'health-and-ready';
}

/** A /readyz answer that is also a live answer: a 2xx from the gateway itself (not from another process on its port). */
export function isLiveReadyAnswer(answer: ProbeAnswer): boolean {
  return (answer.heldBy ?? null) === null && answer.error === null && answer.statusCode !== null && answer.statusCode >= 200 && answer.statusCode < 300;
}
