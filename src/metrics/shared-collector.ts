import type { DaemonContext } from '../daemon/daemon-part.js';
import type { MetricsCollector } from './metrics-collector.js';
import { runAfterBurst } from '../run-after-burst.js';

// The sections the collector's counters come from: each probe answer, and the cron totals.
const SAMPLED_SECTIONS: ReadonlySet<string> = new Set(['probes', 'cron']);

interface Shared {
  collector: MetricsCollector;
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
      // One look per burst (a round sets several probes), after it: no answer is missed and nothing polls.
      const sampleSoon = runAfterBurst(() => collector.sample());
      context.supervisor.onSectionChange((name) => {
        if (SAMPLED_SECTIONS.has(name)) sampleSoon();
      });
      return { collector, users: 0 };
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
      shared.collector.stop();
      sharedBySupervisor.delete(key);
    },
  };
}
