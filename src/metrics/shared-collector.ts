import type { DaemonContext } from '../daemon/daemon-part.js';
import type { MetricsCollector } from './metrics-collector.js';

// Probes answer every 2 s by default: a look a second catches every answer's latency.
const PROBE_SAMPLE_INTERVAL_MS = 1_000;

interface Shared {
  collector: MetricsCollector;
  timer: NodeJS.Timeout;
  users: number;
}

// The listener's /metrics and the textfile show one set of counters: one collector per supervisor, counted by users.
const sharedBySupervisor = new WeakMap<object, Promise<Shared>>();

export interface CollectorLease {
  collector: MetricsCollector;
  release(): void;
}

/** The supervisor's metrics collector, made (and prom-client loaded) by the first feature that asks. */
export async function leaseCollector(context: DaemonContext): Promise<CollectorLease> {
  const key = context.supervisor;
  let pending = sharedBySupervisor.get(key);
  if (pending === undefined) {
    pending = (async () => {
      const { createMetricsCollector } = await import('./metrics-collector.js');
      const collector = createMetricsCollector(context.supervisor, { nodeVersion: process.versions.node, nowMs: () => Date.now(), isCronLeaderEnabled: context.config.cron.leader.enabled });
      const timer = setInterval(() => collector.sample(), PROBE_SAMPLE_INTERVAL_MS);
      timer.unref();
      return { collector, timer, users: 0 };
    })();
    sharedBySupervisor.set(key, pending);
  }
  const shared = await pending;
  shared.users += 1;
  let isReleased = false;
  return {
    collector: shared.collector,
    release() {
      if (isReleased) return;
      isReleased = true;
      shared.users -= 1;
      if (shared.users > 0) return;
      clearInterval(shared.timer);
      shared.collector.stop();
      sharedBySupervisor.delete(key);
    },
  };
}
