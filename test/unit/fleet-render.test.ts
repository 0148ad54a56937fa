import { describe, expect, it } from 'vitest';
import type { NodeRow } from '../../src/fleet/fleet-view-model.js';
import { formatFleetEventJson, formatFleetEventLine, mergeFleetEvents, renderFleetTable } from '../../src/fleet/render-fleet.js';
import { checkViewShape } from '../../src/fleet/view-shape.js';

const row = (name: string, patch: Partial<NodeRow> = {}): NodeRow => ({
  name, mode: 'healthy', since: '2h ago', uptime: '2h', restarts24h: '0', lastExit: 'none', slack: 'connected', skills: 'none', cron: '-', version: '0.9.0', ...patch,
});

describe('renderFleetTable', () => {
  it('pads each column to its widest cell', () => {
    expect(renderFleetTable([row('mini-1'), row('mac-mini-2', { mode: 'diagnose', lastExit: 'structural: config-invalid (exit 78)' })])).toBe(
      [
        'NODE        MODE      SINCE   UPTIME  RESTARTS 24H  LAST EXIT                             SLACK      SKILLS  CRON  VERSION',
        'mini-1      healthy   2h ago  2h      0             none                                  connected  none    -     0.9.0',
        'mac-mini-2  diagnose  2h ago  2h      0             structural: config-invalid (exit 78)  connected  none    -     0.9.0',
        '',
      ].join('\n'),
    );
  });

  it('cuts a long cell, gives it whole below, and keeps every cell on one line', () => {
    const long = `a reason ${'x'.repeat(60)}`;
    const table = renderFleetTable([row('n', { lastExit: long, skills: 'bad\nline\u001b[31m' })]);
    expect(table.split('\n')[1]).toContain(`${long.slice(0, 47)}…`);
    expect(table).toContain(`\nn last exit: ${long}\n`);
    expect(table).toContain('bad\\u000aline\\u001b[31m');
  });
});

const event = (seq: number, at: string, type = 'mode-changed') => ({ seq, at, type });

describe('mergeFleetEvents', () => {
  it('merges in time order, a node\'s own order and then names breaking ties, and drops older events', () => {
    const merged = mergeFleetEvents(
      [
        { node: 'b', events: [event(1, '2026-12-01T01:00:00.000Z'), event(2, '2026-12-01T03:00:00.000Z'), event(3, '2026-12-01T03:00:00.000Z')] },
        { node: 'a', events: [event(7, '2026-12-01T00:00:00.000Z'), event(8, '2026-12-01T03:00:00.000Z')] },
      ],
      Date.parse('2026-12-01T00:30:00.000Z'),
    );
    expect(merged.map(({ node, event: { seq } }) => `${node}#${seq}`)).toEqual(['b#1', 'a#8', 'b#2', 'b#3']);
  });

  it('formats a line with the node after the time, and JSON with the node first', () => {
    const fleetEvent = { node: 'mini-1', event: { seq: 4, at: '2026-12-01T03:00:00.000Z', type: 'mode-changed', from: 'healthy', to: 'backoff' } };
    expect(formatFleetEventLine(fleetEvent, 8)).toBe('2026-12-01T03:00:00.000Z  mini-1    #4       mode-changed          from=healthy  to=backoff');
    expect(formatFleetEventJson(fleetEvent)).toBe('{"node":"mini-1","seq":4,"at":"2026-12-01T03:00:00.000Z","type":"mode-changed","from":"healthy","to":"backoff"}');
  });
});

describe('checkViewShape', () => {
  const view = {
    node: { name: 'n', version: '1' },
    status: { mode: 'healthy', since: 'x', reasons: [], gateway: { pid: 1, startedAt: null, restarts: 0, lastExit: null }, extra: 1 },
    events: [{ seq: 1, at: 'x', type: 't', more: true }],
  };
  it.each([
    ['a view, extra fields kept', view, null],
    ['an array', [], /\(top level\)/],
    ['a status without a mode', { ...view, status: { ...view.status, mode: undefined } }, /status\.mode: expected string/],
    ['events that are not a list', { ...view, events: {} }, /events: expected array/],
    ['an event without seq', { ...view, events: [{ at: 'x', type: 't' }] }, /events\.0\.seq/],
  ])('%s', (_name, value, error) => {
    const result = checkViewShape(value);
    if (error === null) expect(result).toEqual({ ok: true, view });
    else expect(result.ok ? 'accepted' : result.error).toMatch(error);
  });
});
