import { describe, expect, it } from 'vitest';
import { INITIAL_NOTIFY_PHASE, planReloaded, planReloading, planStartExtension, planStateNotify } from '../../src/systemd/notify-plan.js';
import { enqueueNotify, formatNotifyArgs } from '../../src/systemd/notify-queue.js';
import { formatStatusLine } from '../../src/systemd/status-line.js';
import { createInitialState, type SupervisorState } from '../../src/supervisor/supervisor-state.js';
import type { Mode } from '../../src/supervisor/modes.js';

function stateIn(mode: Mode, extra: Partial<SupervisorState> = {}): SupervisorState {
  return { ...createInitialState(0), mode, ...extra };
}

const diagnosis = {
  reason: 'module-not-found',
  class: 'structural' as const,
  trigger: 'structural' as const,
  failuresInWindow: 1,
  since: '2026-01-01T00:00:00.000Z',
  evidence: [],
  hint: 'the gateway install is missing or moved (an upgrade?)\nreinstall openclaw',
  lastExit: null,
};

describe('formatStatusLine', () => {
  it.each([
    [stateIn('healthy'), 'healthy'],
    [stateIn('degraded', { reasons: ['slack-flapping', 'event-loop-degraded'] }), 'degraded: slack-flapping, event-loop-degraded'],
    [stateIn('diagnose', { diagnosis }), 'diagnose: module-not-found (the gateway install is missing or moved (an upgrade?) reinstall openclaw)'],
    [stateIn('starting'), 'starting'],
    [stateIn('held'), 'held: gateway stopped by clawctl stop'],
    [stateIn('stopped'), 'stopped'],
  ])('%#: one line for the mode', (state, expected) => {
    expect(formatStatusLine(state)).toBe(expected);
  });

  it('never exceeds one short line', () => {
    const line = formatStatusLine(stateIn('degraded', { reasons: Array.from({ length: 100 }, (_, i) => `skill-stale:skill-${i}`) }));
    expect(line.length).toBeLessThanOrEqual(240);
    expect(line).not.toContain('\n');
  });
});

describe('planStateNotify', () => {
  it('sends READY=1 only once the first start has an outcome, and only once', () => {
    const starting = planStateNotify(stateIn('starting'), null, INITIAL_NOTIFY_PHASE);
    expect(starting.fields).toEqual({ STATUS: 'starting' });
    const backoff = planStateNotify(stateIn('backoff'), stateIn('starting'), starting.phase);
    expect(backoff.fields.READY).toBeUndefined();
    const healthy = planStateNotify(stateIn('healthy'), stateIn('starting'), backoff.phase);
    expect(healthy.fields).toEqual({ STATUS: 'healthy', READY: '1' });
    const degraded = planStateNotify(stateIn('degraded', { reasons: ['slack-stale'] }), stateIn('healthy'), healthy.phase);
    expect(degraded.fields).toEqual({ STATUS: 'degraded: slack-stale' });
  });

  it.each<Mode>(['healthy', 'degraded', 'diagnose', 'held'])('%s is an outcome: READY=1', (mode) => {
    expect(planStateNotify(stateIn(mode), stateIn('starting'), INITIAL_NOTIFY_PHASE).fields.READY).toBe('1');
  });

  it('sends STOPPING=1 once, and never READY=1 after it', () => {
    const stopping = planStateNotify(stateIn('stopping'), stateIn('starting'), INITIAL_NOTIFY_PHASE);
    expect(stopping.fields).toEqual({ STATUS: 'stopping', STOPPING: '1' });
    const stopped = planStateNotify(stateIn('stopped'), stateIn('stopping'), stopping.phase);
    expect(stopped.fields).toEqual({ STATUS: 'stopped' });
  });

  it('says nothing when the line did not change', () => {
    expect(planStateNotify(stateIn('healthy'), stateIn('healthy'), { isReadySent: true, isStoppingSent: false }).fields).toEqual({});
  });
});

describe('start extension and reload', () => {
  it('extends the start timeout only until READY=1', () => {
    expect(planStartExtension(INITIAL_NOTIFY_PHASE, 30_000)).toEqual({ EXTEND_TIMEOUT_USEC: '30000000' });
    expect(planStartExtension({ isReadySent: true, isStoppingSent: false }, 30_000)).toEqual({});
  });

  it('RELOADING=1 carries MONOTONIC_USEC; READY=1 and the status follow', () => {
    const ready = { isReadySent: true, isStoppingSent: false };
    expect(planReloading(ready, 123_456n)).toEqual({ RELOADING: '1', MONOTONIC_USEC: '123456' });
    expect(planReloaded(ready, stateIn('healthy'))).toEqual({ READY: '1', STATUS: 'healthy' });
    expect(planReloading(INITIAL_NOTIFY_PHASE, 1n)).toEqual({});
  });
});

describe('enqueueNotify (coalescing while a send is in flight)', () => {
  it.each([
    ['status and pings merge, the latest status wins', [{ STATUS: 'a' }, { WATCHDOG: '1' }, { STATUS: 'b' }], [{ STATUS: 'b', WATCHDOG: '1' }]],
    ['lifecycle messages keep their order', [{ RELOADING: '1' }, { READY: '1' }], [{ RELOADING: '1' }, { READY: '1' }]],
    [
      'a repeated lifecycle message cancels what came between',
      [{ RELOADING: '1', MONOTONIC_USEC: '1' }, { READY: '1', STATUS: 'x' }, { RELOADING: '1', MONOTONIC_USEC: '2' }],
      [{ RELOADING: '1', MONOTONIC_USEC: '2', STATUS: 'x' }],
    ],
    ['READY=1 drops a waiting start extension', [{ EXTEND_TIMEOUT_USEC: '5' }, { READY: '1' }], [{ READY: '1' }]],
    ['an empty message adds nothing', [{ STATUS: 'a' }, {}], [{ STATUS: 'a' }]],
  ])('%s', (_name, messages, expected) => {
    const queue = messages.reduce<Record<string, string>[]>((sum, fields) => enqueueNotify(sum, fields as Record<string, string>), []);
    expect(queue).toEqual(expected);
  });

  it('stays bounded however many reloads pile up', () => {
    let queue: Record<string, string>[] = [];
    for (let i = 0; i < 1000; i += 1) {
      queue = enqueueNotify(queue, { RELOADING: '1' });
      queue = enqueueNotify(queue, { READY: '1' });
      queue = enqueueNotify(queue, { WATCHDOG: '1' });
    }
    expect(queue.length).toBeLessThanOrEqual(3);
  });

  it('formats one argument per field, newlines flattened', () => {
    expect(formatNotifyArgs({ READY: '1', STATUS: 'a\nb' })).toEqual(['READY=1', 'STATUS=a b']);
  });
});
