import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DaemonContext } from '../../src/daemon/daemon-part.js';
import { createSdNotifier } from '../../src/systemd/sd-notify.js';
import { createMemorySink } from '../../src/events/event-sink.js';
import { configSchema } from '../../src/config/schema.js';
import { createLivenessBoard, type LivenessBoard } from '../../src/daemon/liveness-board.js';
import type { Mode } from '../../src/supervisor/modes.js';
import { createInitialState, type SupervisorState } from '../../src/supervisor/supervisor-state.js';
import type { Supervisor } from '../../src/daemon/supervisor.js';
import { attachSystemdNotify, findWatchdogIntervalMs } from '../../src/systemd/systemd-notify-part.js';

const PID = 4242;
const log = pino({ level: 'silent' });

interface Harness {
  sent: Array<Record<string, string>>;
  setMode(mode: Mode): void;
  liveness: LivenessBoard;
  detach(): Promise<void>;
}

function attach(env: NodeJS.ProcessEnv): Harness {
  let state: SupervisorState = createInitialState(0);
  const listeners: Array<(next: SupervisorState, previous: SupervisorState) => void> = [];
  const supervisor = { getState: () => state, onStateChange: (listener: (typeof listeners)[number]) => listeners.push(listener) } as unknown as Supervisor;
  const sent: Array<Record<string, string>> = [];
  const liveness = createLivenessBoard();
  const context: DaemonContext = { supervisor, config: configSchema.parse({ gateway: { command: ['x'] } }), configPath: '/x', log, env, liveness, onConfigReloaded: () => undefined, events: createMemorySink(() => 0) };
  const detach = attachSystemdNotify(context, {
    createNotifier: () => ({ isEnabled: true, send: (fields) => sent.push(fields), drain: () => Promise.resolve() }),
    nowMs: () => Date.now(),
    monotonicUs: () => 77n,
    pid: PID,
  });
  return {
    sent,
    liveness,
    setMode(mode) {
      const previous = state;
      state = { ...state, mode };
      for (const listener of listeners) listener(state, previous);
    },
    detach: async () => detach.detach(),
  };
}

const countPings = (sent: Array<Record<string, string>>): number => sent.filter((fields) => fields.WATCHDOG === '1').length;

describe('the systemd notify attachment', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings at half of WATCHDOG_USEC, through gateway trouble, and READY=1 carries a ping', async () => {
    const harness = attach({ NOTIFY_SOCKET: '/run/n', WATCHDOG_USEC: '10000000', WATCHDOG_PID: String(PID) });
    harness.setMode('healthy');
    expect(harness.sent.at(-1)).toEqual({ STATUS: 'healthy', READY: '1', WATCHDOG: '1' });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(countPings(harness.sent)).toBe(2);
    harness.setMode('diagnose');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(countPings(harness.sent)).toBe(4);
    await harness.detach();
  });

  it('withholds pings while a registered loop is stuck, and resumes when it beats', async () => {
    const harness = attach({ NOTIFY_SOCKET: '/run/n', WATCHDOG_USEC: '2000000' });
    const probe = harness.liveness.register('probe', 1_500, Date.now());
    await vi.advanceTimersByTimeAsync(1_000);
    expect(countPings(harness.sent)).toBe(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(countPings(harness.sent)).toBe(1);
    probe.beat(Date.now());
    await vi.advanceTimersByTimeAsync(1_000);
    expect(countPings(harness.sent)).toBe(2);
    await harness.detach();
  });

  it('extends the start timeout until the first outcome, then stops extending', async () => {
    const harness = attach({ NOTIFY_SOCKET: '/run/n' });
    await vi.advanceTimersByTimeAsync(30_000);
    const extensions = harness.sent.filter((fields) => fields.EXTEND_TIMEOUT_USEC === '30000000').length;
    expect(extensions).toBe(3);
    harness.setMode('healthy');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(harness.sent.filter((fields) => fields.EXTEND_TIMEOUT_USEC !== undefined).length).toBe(extensions);
    expect(countPings(harness.sent)).toBe(0);
    await harness.detach();
  });

  it('brackets a SIGHUP reload with RELOADING=1 and READY=1, and says STOPPING=1 on detach', async () => {
    const harness = attach({ NOTIFY_SOCKET: '/run/n' });
    harness.setMode('healthy');
    process.emit('SIGHUP', 'SIGHUP');
    await vi.advanceTimersByTimeAsync(0);
    expect(harness.sent.slice(-2)).toEqual([{ RELOADING: '1', MONOTONIC_USEC: '77' }, { READY: '1', STATUS: 'healthy' }]);
    await harness.detach();
    expect(harness.sent.at(-1)).toEqual({ STOPPING: '1' });
  });
});

describe('findWatchdogIntervalMs', () => {
  it.each([
    [{ WATCHDOG_USEC: '30000000' }, 15_000],
    [{ WATCHDOG_USEC: '30000000', WATCHDOG_PID: String(PID) }, 15_000],
    [{ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '1' }, null],
    [{ WATCHDOG_USEC: 'soon' }, null],
    [{}, null],
  ])('%j -> %s', (env, expected) => {
    expect(findWatchdogIntervalMs(env, PID)).toBe(expected);
  });
});

describe('createSdNotifier', () => {
  it('without NOTIFY_SOCKET sends nothing and never fails', async () => {
    const notifier = createSdNotifier({ env: {}, log, sendTimeoutMs: 1_000, command: ['/nonexistent/systemd-notify'] });
    expect(notifier.isEnabled).toBe(false);
    notifier.send({ READY: '1' });
    await notifier.drain();
  });
});
