import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSubscriptionHub } from '../../src/control/subscriptions.js';
import { configSchema } from '../../src/config/schema.js';
import type { DaemonContext } from '../../src/daemon/daemon-part.js';
import { createLivenessBoard } from '../../src/daemon/liveness-board.js';
import type { Supervisor } from '../../src/daemon/supervisor.js';
import { attachEvents } from '../../src/events/events-part.js';
import { createMemorySink } from '../../src/events/event-sink.js';
import { createInitialState, type SupervisorState } from '../../src/supervisor/supervisor-state.js';

const probe = { ok: true, state: 'live', latencyMs: null, checkedAt: null, consecutiveFailures: 0, detail: null };

function makeWorld() {
  let state: SupervisorState = createInitialState(0);
  let slackState = 'pending';
  const listeners: Array<(next: SupervisorState, previous: SupervisorState) => void> = [];
  const sectionListeners: Array<(name: string) => void> = [];
  const probes = () => ({ health: probe, startup: probe, ready: probe, slack: { ...probe, state: slackState } });
  const supervisor = {
    getState: () => state,
    getStatus: () => ({ daemon: { pid: 4242, version: '1.2.3', startedAt: 'x', host: 'node-a' }, probes: probes() }),
    getStatusSection: (name: string) => (name === 'probes' ? probes() : undefined),
    onStateChange: (listener: (typeof listeners)[number]) => listeners.push(listener),
    onSectionChange: (listener: (typeof sectionListeners)[number]) => sectionListeners.push(listener),
    setStatusSection: () => undefined,
  } as unknown as Supervisor;
  const sink = createMemorySink(() => Date.parse('2026-12-01T06:00:00.000Z'));
  const context: DaemonContext = {
    supervisor, config: configSchema.parse({ gateway: { command: ['x'] } }), configPath: '/x', log: pino({ level: 'silent' }), env: {},
    liveness: createLivenessBoard(), onConfigReloaded: () => undefined, events: sink,
  };
  return {
    context,
    sink,
    types: () => sink.events.map((event) => event.type),
    setState(next: Partial<SupervisorState>) {
      const previous = state;
      state = { ...state, ...next };
      for (const listener of listeners) listener(state, previous);
    },
    /** The probes part setting its section with Slack's new state (`name` another section: nothing Slack). */
    setSlack(next: string, name = 'probes') {
      slackState = next;
      for (const listener of sectionListeners) listener(name);
    },
  };
}

describe('the events part', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('journals the daemon start, then the supervisor steps it is told of, until detached', () => {
    const world = makeWorld();
    const part = attachEvents(world.context);
    expect(world.sink.events[0]).toEqual({ seq: 1, at: '2026-12-01T06:00:00.000Z', type: 'daemon-started', pid: 4242, version: '1.2.3', host: 'node-a' });
    world.setState({ mode: 'held', reasons: ['held-by-operator'] });
    expect(world.types()).toEqual(['daemon-started', 'mode-changed', 'held']);
    void part.detach();
    world.setState({ mode: 'starting' });
    expect(world.types()).toHaveLength(3);
  });

  it('sees a Slack change with no supervisor step when the probes section is set, once, and sets no timer', () => {
    const world = makeWorld();
    const part = attachEvents(world.context);
    expect(vi.getTimerCount()).toBe(0);
    world.setSlack('connected');
    world.setSlack('connected');
    expect(world.sink.events.slice(1)).toEqual([expect.objectContaining({ type: 'slack-changed', from: 'pending', to: 'connected' })]);
    void part.detach();
    world.setSlack('disconnected');
    expect(world.types()).toHaveLength(2);
  });

  it('does not look at Slack when another section is set', () => {
    const world = makeWorld();
    attachEvents(world.context);
    world.setSlack('connected', 'audit');
    expect(world.types()).toEqual(['daemon-started']);
  });
});

describe("subscribe's events topic", () => {
  it('pushes each event to the subscribers of the topic only', () => {
    const eventListeners: Array<(event: unknown) => void> = [];
    const hub = createSubscriptionHub({
      getStatus: () => ({}),
      getOutputLines: () => [],
      onStatusChange: () => undefined,
      onGatewayLine: () => undefined,
      onEvent: (listener) => eventListeners.push(listener),
    });
    const events = hub.open({ id: 1, topics: ['events'], n: 0 });
    const logs = hub.open({ id: 2, topics: ['logs'], n: 0 });
    expect(events.reply).toEqual({ v: 1, id: 1, ok: true, result: { topics: ['events'] } });
    const pushes: unknown[] = [];
    const logPushes: unknown[] = [];
    const close = events.open((message) => pushes.push(message));
    logs.open((message) => logPushes.push(message));
    const event = { seq: 7, at: '2026-12-01T06:00:00.000Z', type: 'held' };
    for (const listener of eventListeners) listener(event);
    expect(pushes).toEqual([{ v: 1, id: 1, topic: 'events', value: event }]);
    expect(logPushes).toEqual([]);
    close();
    for (const listener of eventListeners) listener({ ...event, seq: 8 });
    expect(pushes).toHaveLength(1);
  });
});
