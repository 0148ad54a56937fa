/** Components with a loop of their own (probes, skills) beat here; the systemd watchdog pings only while all of them do. */
export interface LivenessBoard {
  /** `maxSilenceMs`: how long the component may go without a beat before it counts as stuck; a function when a reload can change it. */
  register(name: string, maxSilenceMs: number | (() => number), nowMs: number): LivenessHandle;
  /** Names of registered components silent for longer than they promised. */
  findStalled(nowMs: number): string[];
}

export interface LivenessHandle {
  beat(nowMs: number): void;
  unregister(): void;
}

export function createLivenessBoard(): LivenessBoard {
  const entries = new Map<symbol, { name: string; maxSilenceMs: number | (() => number); lastBeatMs: number }>();
  return {
    register(name, maxSilenceMs, nowMs) {
      const id = Symbol(name);
      entries.set(id, { name, maxSilenceMs, lastBeatMs: nowMs });
      return {
        beat(atMs) {
          const entry = entries.get(id);
          if (entry !== undefined) entry.lastBeatMs = Math.max(entry.lastBeatMs, atMs);
        },
        unregister() {
          entries.delete(id);
        },
      };
    },
    findStalled(nowMs) {
      return [...entries.values()]
        .filter((entry) => nowMs - entry.lastBeatMs > (typeof entry.maxSilenceMs === 'function' ? entry.maxSilenceMs() : entry.maxSilenceMs))
        .map((entry) => entry.name);
    },
  };
}
