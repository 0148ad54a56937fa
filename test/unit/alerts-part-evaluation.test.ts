import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { alertsPart } from '../../src/alerts/alerts-part.js';
import { configSchema } from '../../src/config/schema.js';
import type { DaemonContext } from '../../src/daemon/daemon-part.js';
import { createLivenessBoard } from '../../src/daemon/liveness-board.js';
import type { Supervisor } from '../../src/daemon/supervisor.js';
import { createMemorySink } from '../../src/events/event-sink.js';
import { createInitialState } from '../../src/supervisor/supervisor-state.js';
import { makeTempDir } from '../helpers/temp-dir.js';

// The rules are looked at when something changed; the clock alone wakes them only while something can expire.
const probe = { ok: true, state: 'live', latencyMs: 3, checkedAt: null, consecutiveFailures: 0, detail: null };

function makeWorld(statusDir: string) {
  let slackState = 'connected';
  let statusReads = 0;
  const sectionListeners: Array<(name: string, isRoutine: boolean) => void> = [];
  const alertSections: Array<{ firing: Array<{ key: string }> }> = [];
  const config = configSchema.parse({
    gateway: { command: ['x'] },
    status: { dir: statusDir },
    // Nothing listens on port 9: a delivery fails and waits for its retry, which is not what is counted here.
    alerts: { webhooks: [{ url: 'http://127.0.0.1:9/hook', format: 'json' }], resolveHoldMs: 0 },
  });
  const supervisor = {
    getState: () => createInitialState(0),
    getConfig: () => config,
    getStatus: () => {
      statusReads += 1;
      return {
        daemon: { pid: 4242, version: '1.2.3', startedAt: 'x', host: 'node-a' },
        mode: 'healthy',
        since: '2026-12-01T06:00:00.000Z',
        reasons: [],
        gateway: { lastExit: null },
        probes: { health: probe, startup: probe, ready: probe, slack: { ...probe, state: slackState, detail: slackState } },
      };
    },
    onStateChange: () => undefined,
    onSectionChange: (listener: (typeof sectionListeners)[number]) => sectionListeners.push(listener),
    setStatusSection: (name: string, value: unknown) => {
      if (name === 'alerts') alertSections.push(value as (typeof alertSections)[number]);
    },
  } as unknown as Supervisor;
  const context: DaemonContext = {
    supervisor,
    config,
    configPath: '/x',
    log: pino({ level: 'silent' }),
    env: {},
    liveness: createLivenessBoard(),
    onConfigReloaded: () => undefined,
    events: createMemorySink(() => Date.now()),
  };
  return {
    context,
    statusReads: () => statusReads,
    firing: () => alertSections.at(-1)?.firing.map((alert) => alert.key) ?? [],
    /** The probes part setting its section: `isRoutine` when only timings changed. */
    setSlack(next: string, isRoutine: boolean) {
      slackState = next;
      for (const listener of sectionListeners) listener('probes', isRoutine);
    },
  };
}

let dir: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'Date'] });
  dir = makeTempDir();
});
afterEach(() => {
  vi.useRealTimers();
  dir.remove();
});

describe('the alerts part', () => {
  it('looks at the rules once at start and then not at all while nothing changes and nothing can expire', async () => {
    const world = makeWorld(dir.path);
    const part = await alertsPart.attach(world.context);
    await vi.advanceTimersByTimeAsync(10);
    const afterStart = world.statusReads();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(world.statusReads()).toBe(afterStart);
    await part.detach();
  });

  it('looks again at a section that changed a verdict, not at one with new timings only', async () => {
    const world = makeWorld(dir.path);
    const part = await alertsPart.attach(world.context);
    await vi.advanceTimersByTimeAsync(10);
    const before = world.statusReads();
    world.setSlack('connected', true);
    await vi.advanceTimersByTimeAsync(10);
    expect(world.statusReads()).toBe(before);
    world.setSlack('flapping', false);
    await vi.advanceTimersByTimeAsync(10);
    expect(world.firing()).toEqual(['slack-flapping']);
    await part.detach();
  });

  it('while an alert is active, looks every second, so its resolution is seen when its section says so', async () => {
    const world = makeWorld(dir.path);
    const part = await alertsPart.attach(world.context);
    world.setSlack('flapping', false);
    await vi.advanceTimersByTimeAsync(10);
    const whileActive = world.statusReads();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(world.statusReads()).toBeGreaterThanOrEqual(whileActive + 4);
    world.setSlack('connected', false);
    await vi.advanceTimersByTimeAsync(1_100);
    expect(world.firing()).toEqual([]);
    await part.detach();
  });
});
