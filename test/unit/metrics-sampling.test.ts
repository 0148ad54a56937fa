import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import type { DaemonContext } from '../../src/daemon/daemon-part.js';
import { leaseCollector } from '../../src/metrics/shared-collector.js';

// The collector counts probe answers (latency histogram, failures) when the probes' section changes: one look per
// burst of changes, and no timer of its own while nothing happens.
function makeWorld() {
  let statusReads = 0;
  let checkedAt = '2026-12-01T06:00:00.000Z';
  const sectionListeners: Array<(name: string, isRoutine: boolean) => void> = [];
  const probe = () => ({ ok: true, state: 'live', latencyMs: 12, checkedAt, consecutiveFailures: 0, detail: null });
  const supervisor = {
    getStatus: () => {
      statusReads += 1;
      return {
        schemaVersion: 1,
        mode: 'healthy',
        since: '2026-12-01T06:00:00.000Z',
        reasons: [],
        updatedAt: checkedAt,
        gateway: { pid: 42, startedAt: '2026-12-01T06:00:00.000Z', restarts: 0, lastExit: null, nextAttemptAt: null, failuresInWindow: 0, failureLimit: 3 },
        diagnosis: null,
        daemon: { pid: 7, version: '0.1.0', startedAt: '2026-12-01T05:59:59.000Z', host: 'node-1' },
        probes: { health: probe(), startup: probe(), ready: probe(), slack: { ...probe(), state: 'connected' } },
      };
    },
    onStateChange: () => undefined,
    onSectionChange: (listener: (typeof sectionListeners)[number]) => sectionListeners.push(listener),
  };
  const context = { supervisor, config: configSchema.parse({ gateway: { command: ['x'] } }) } as unknown as DaemonContext;
  return {
    context,
    statusReads: () => statusReads,
    /** A probe round: each probe sets the section in turn, with its new answer's time. */
    answerRound(atIso: string) {
      checkedAt = atIso;
      for (const name of ['probes', 'probes', 'probes']) for (const listener of sectionListeners) listener(name, true);
    },
    setSection(name: string) {
      for (const listener of sectionListeners) listener(name, false);
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'setImmediate', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("the metrics collector's look at the probes", () => {
  it('looks once per round of answers, counts each answer, and not at all while nothing changes', async () => {
    const world = makeWorld();
    const lease = await leaseCollector(world.context);
    const afterStart = world.statusReads();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(world.statusReads()).toBe(afterStart);

    world.answerRound('2026-12-01T06:00:02.000Z');
    await vi.advanceTimersByTimeAsync(1);
    expect(world.statusReads()).toBe(afterStart + 1);
    world.answerRound('2026-12-01T06:00:04.000Z');
    await vi.advanceTimersByTimeAsync(1);
    world.setSection('skills');
    await vi.advanceTimersByTimeAsync(1);
    expect(world.statusReads()).toBe(afterStart + 2);

    const text = await lease.collector.render();
    // Two rounds of answers seen by the looks, the render's own look adding none (no new answer since).
    expect(text).toMatch(/clawsup_probe_latency_seconds_count\{probe="health"\} 2\b/);
    lease.release();
  });
});
