import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  buildUnreachableTimeline,
  countRestarts,
  describeNode,
  describeSkills,
  describeUnreachable,
  fleetExitCode,
  formatSpan,
  type FleetEntry,
  type NodeView,
  type ViewEvent,
} from '../../src/fleet/fleet-view-model.js';

const HOUR = 3_600_000;
const nowMs = Date.parse('2026-12-01T12:00:00.000Z');
const fromMs = nowMs - 24 * HOUR;
const at = (hoursAgo: number): string => new Date(nowMs - hoursAgo * HOUR).toISOString();
const change = (hoursAgo: number, from: string, to: string): ViewEvent => ({ at: at(hoursAgo), type: 'mode-changed', from, to });
const seg = (state: string, startHoursAgo: number, endHoursAgo: number) => ({ state, startMs: nowMs - startHoursAgo * HOUR, endMs: nowMs - endHoursAgo * HOUR });

describe('buildTimeline', () => {
  it.each([
    ['no events, healthy for days: one healthy segment', [], { mode: 'healthy', since: at(72) }, [seg('healthy', 24, 0)]],
    ['no events and no status: unknown', [], null, [seg('unknown', 24, 0)]],
    ['the first change says what came before it', [change(10, 'healthy', 'backoff'), change(9, 'backoff', 'starting'), change(8.5, 'starting', 'healthy')],
      { mode: 'healthy', since: at(8.5) },
      [seg('healthy', 24, 10), seg('backoff', 10, 9), seg('starting', 9, 8.5), seg('healthy', 8.5, 0)]],
    ['a fresh node: unknown until its daemon started', [{ at: at(2), type: 'daemon-started' }, change(1.5, 'starting', 'healthy')],
      { mode: 'healthy', since: at(1.5) }, [seg('unknown', 24, 2), seg('starting', 2, 1.5), seg('healthy', 1.5, 0)]],
    ['stopped and stopping draw as down', [change(6, 'healthy', 'stopping'), change(5.9, 'stopping', 'stopped'), { at: at(3), type: 'daemon-started' }],
      { mode: 'starting', since: at(3) }, [seg('healthy', 24, 6), seg('down', 6, 3), seg('starting', 3, 0)]],
    ['diagnose and held', [change(20, 'healthy', 'diagnose'), change(12, 'diagnose', 'starting'), change(11, 'starting', 'held')],
      { mode: 'held', since: at(11) }, [seg('healthy', 24, 20), seg('diagnose', 20, 12), seg('starting', 12, 11), seg('held', 11, 0)]],
    ['events older than the window set the state at its start', [{ at: at(30), type: 'daemon-started' }, change(29, 'starting', 'degraded'), change(4, 'degraded', 'healthy')],
      { mode: 'healthy', since: at(4) }, [seg('degraded', 24, 4), seg('healthy', 4, 0)]],
    ['the status knows a change the events do not yet', [change(5, 'healthy', 'degraded')], { mode: 'diagnose', since: at(1) },
      [seg('healthy', 24, 5), seg('degraded', 5, 1), seg('diagnose', 1, 0)]],
    ['events out of order are sorted; other types ignored', [change(2, 'starting', 'healthy'), { at: at(3), type: 'gateway-exited' }, change(3, 'healthy', 'starting')],
      { mode: 'healthy', since: at(2) }, [seg('healthy', 24, 3), seg('starting', 3, 2), seg('healthy', 2, 0)]],
    ['an unknown mode is unknown, a bad time is skipped', [change(3, 'healthy', 'sideways'), { at: 'not a time', type: 'mode-changed', from: 'x', to: 'held' }],
      null, [seg('healthy', 24, 3), seg('unknown', 3, 0)]],
  ])('%s', (_name, events, current, expected) => {
    expect(buildTimeline(events as ViewEvent[], fromMs, nowMs, current)).toEqual(expected);
  });

  it('covers the window end to end, without gaps', () => {
    const segments = buildTimeline([change(23, 'healthy', 'backoff'), change(22, 'backoff', 'healthy'), change(1, 'healthy', 'degraded')], fromMs, nowMs, null);
    expect(segments[0]?.startMs).toBe(fromMs);
    expect(segments.at(-1)?.endMs).toBe(nowMs);
    segments.slice(1).forEach((segment, index) => expect(segment.startMs).toBe(segments[index]?.endMs));
  });
});

describe('countRestarts', () => {
  it.each([
    ['none', [], 0],
    ['restarts in the window count, starts do not', [{ at: at(1), type: 'gateway-restarted' }, { at: at(2), type: 'gateway-started' }, { at: at(3), type: 'gateway-restarted' }], 2],
    ['one older than 24 h does not', [{ at: at(25), type: 'gateway-restarted' }, { at: at(23), type: 'gateway-restarted' }], 1],
  ])('%s', (_name, events, count) => {
    expect(countRestarts(events, fromMs)).toBe(count);
  });
});

describe('formatSpan', () => {
  it.each([
    [0, '0s'],
    [800, '0s'],
    [65_000, '1m 5s'],
    [3 * HOUR, '3h'],
    [93_784_000, '1d 2h'],
    [-5, '0s'],
    [Number.NaN, '?'],
  ])('%s ms is %s', (ms, text) => {
    expect(formatSpan(ms)).toBe(text);
  });
});

describe('describeSkills', () => {
  it.each([
    ['no skills', undefined, 'none'],
    ['all ok', { a: { state: 'ok' }, b: { state: 'running' } }, '2 ok'],
    ['failing first, then stale, names sorted', { z: { state: 'stale' }, b: { state: 'failing' }, a: { state: 'stale' } }, 'failing: b; stale: a, z'],
  ])('%s', (_name, skills, text) => {
    expect(describeSkills(skills)).toBe(text);
  });
});

const view = (patch: Partial<NodeView['status']> = {}, events: ViewEvent[] = []): NodeView => ({
  node: { name: 'mini-1', version: '0.4.0' },
  status: {
    mode: 'healthy',
    since: at(2),
    reasons: [],
    gateway: { pid: 42, startedAt: at(2), restarts: 3, lastExit: null },
    ...patch,
  },
  events,
});

describe('describeNode', () => {
  it('a healthy node with a restart, Slack and a cron role', () => {
    const node = view(
      { probes: { slack: { state: 'connected' } }, cron: { role: 'leader', term: 7 }, skills: { daily: { state: 'stale' } } },
      [{ at: at(3), type: 'gateway-restarted' }, { at: at(30), type: 'gateway-restarted' }],
    );
    expect(describeNode(node, nowMs)).toEqual({
      name: 'mini-1', mode: 'healthy', since: '2h ago', uptime: '2h', restarts24h: '1', lastExit: 'none',
      slack: 'connected', skills: 'stale: daily', cron: 'leader (term 7)', version: '0.4.0',
    });
  });

  it.each([
    ['an exit code', { code: 78, signal: null }, 'structural: config-invalid (exit 78)'],
    ['a signal', { code: null, signal: 'SIGKILL' }, 'structural: config-invalid (SIGKILL)'],
  ])('a node in diagnose with %s', (_name, ending, lastExit) => {
    const exit = { ...ending, class: 'structural', reason: 'config-invalid', evidence: [], at: at(1) };
    const row = describeNode(view({ mode: 'diagnose', gateway: { pid: null, startedAt: at(1.1), restarts: 0, lastExit: exit } }), nowMs);
    expect(row).toMatchObject({ mode: 'diagnose', uptime: 'not running', lastExit, slack: 'not probed', skills: 'none', cron: '-' });
  });

  it('the view\'s own skills win over the status copy', () => {
    expect(describeNode({ ...view({ skills: { a: { state: 'ok' } } }), skills: { a: { state: 'failing' } } }, nowMs).skills).toBe('failing: a');
  });
});

describe('describeUnreachable', () => {
  it.each([
    ['answered before', { name: 'mac', reachable: false, error: 'timed out after 3000 ms', lastAnsweredAt: at(0.5) }, 'last answered 30m ago', 'timed out after 3000 ms'],
    ['never answered', { name: 'mac', reachable: false, error: 'HTTP 401 (token refused)' }, 'never answered', 'HTTP 401 (token refused)'],
  ])('%s', (_name, entry, since, lastExit) => {
    expect(describeUnreachable(entry, nowMs)).toMatchObject({ name: 'mac', mode: 'unreachable', since, lastExit, version: '-' });
  });
});

describe('fleetExitCode', () => {
  const answering = (mode: string): FleetEntry => ({ name: mode, reachable: true, view: view({ mode }) });
  const silent: FleetEntry = { name: 'gone', reachable: false, error: 'refused' };
  const cases: Array<[string, FleetEntry[], number]> = [
    ['all healthy', [answering('healthy'), answering('healthy')], 0],
    ['no nodes', [], 0],
    ...['degraded', 'starting', 'backoff', 'held', 'stopping'].map((mode): [string, FleetEntry[], number] => [`one ${mode}`, [answering('healthy'), answering(mode)], 1]),
    ...['diagnose', 'stopped'].map((mode): [string, FleetEntry[], number] => [`one ${mode}`, [answering('degraded'), answering(mode)], 2]),
    ['one unreachable', [answering('healthy'), silent], 2],
  ];
  it.each(cases)('%s: %i', (_name, entries, code) => {
    expect(fleetExitCode(entries)).toBe(code);
  });
});

describe('buildUnreachableTimeline', () => {
  it.each([
    ['never answered: down throughout', null, [seg('down', 24, 0)]],
    ['answered 2 h ago: unknown, then down', at(2), [seg('unknown', 24, 2), seg('down', 2, 0)]],
    ['answered before the window: down throughout', at(30), [seg('down', 24, 0)]],
    ['a damaged time: down throughout', 'yesterday', [seg('down', 24, 0)]],
  ])('%s', (_name, lastAnsweredAt, expected) => {
    expect(buildUnreachableTimeline(lastAnsweredAt, fromMs, nowMs)).toEqual(expected);
  });
});
