import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/events/journal-event.js';
import { DEFAULT_EVENTS_LIMIT, MAX_EVENTS_LIMIT, parseEventsQuery } from '../../src/node-api/events-query.js';
import { buildAuditAnswer, buildNodeView, selectRecentEvents } from '../../src/node-api/node-view.js';
import type { StatusSnapshot } from '../../src/status/status-schema.js';

const NOW_MS = Date.parse('2026-12-01T12:00:00Z');
const HOUR_MS = 3_600_000;

describe('parseEventsQuery', () => {
  it.each([
    ['', { ok: true, sinceMs: NOW_MS - 24 * HOUR_MS, limit: DEFAULT_EVENTS_LIMIT }],
    ['since=2h', { ok: true, sinceMs: NOW_MS - 2 * HOUR_MS, limit: DEFAULT_EVENTS_LIMIT }],
    ['since=2026-12-01T06:00:00Z&limit=5', { ok: true, sinceMs: Date.parse('2026-12-01T06:00:00Z'), limit: 5 }],
    [`limit=${MAX_EVENTS_LIMIT}`, { ok: true, sinceMs: NOW_MS - 24 * HOUR_MS, limit: MAX_EVENTS_LIMIT }],
  ])('%j is %j', (query, expected) => {
    expect(parseEventsQuery(query, NOW_MS)).toEqual(expected);
  });

  it.each([
    ['since=yesterday', 'since takes 45s, 30m, 24h, 7d or an ISO 8601 time'],
    ['since=2', 'found "2"'],
    ['limit=0', `limit takes a whole number from 1 to ${MAX_EVENTS_LIMIT}, found "0"`],
    ['limit=-1', 'limit takes a whole number'],
    ['limit=1.5', 'limit takes a whole number'],
    [`limit=${MAX_EVENTS_LIMIT + 1}`, 'limit takes a whole number'],
    ['limit=99999999999', 'limit takes a whole number'],
    ['limit=5&limit=6', '"limit" is given more than once'],
    ['type=gateway-exited', 'unknown parameter "type": this path takes since and limit'],
  ])('%j is refused: %s', (query, why) => {
    const parsed = parseEventsQuery(query, NOW_MS);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toContain(why);
  });
});

const event = (seq: number, hoursAgo: number): JournalEvent => ({ seq, at: new Date(NOW_MS - hoursAgo * HOUR_MS).toISOString(), type: 'mode-changed' });

describe('selectRecentEvents', () => {
  const events = [event(1, 30), event(2, 20), event(3, 10), event(4, 5), event(5, 1)];
  it.each([
    ['the last day, newest last', 24, 100, [2, 3, 4, 5], 0],
    ['the newest within the limit; the oldest ones are counted as omitted', 24, 2, [4, 5], 2],
    ['none that recent', 0.5, 10, [], 0],
  ])('%s', (_name, hours, limit, seqs, omitted) => {
    const recent = selectRecentEvents(events, NOW_MS - hours * HOUR_MS, limit);
    expect(recent.events.map((each) => each.seq)).toEqual(seqs);
    expect(recent.omitted).toBe(omitted);
  });
});

describe('buildAuditAnswer and buildNodeView', () => {
  const summary = { lastRunAt: 'x', durationMs: 1, counts: {}, lost: [], baselineAt: null, isBaselineSaved: false } as unknown as StatusSnapshot['audit'];
  it('is null when no audit has run, else the summary and the latest snapshot', () => {
    expect(buildAuditAnswer(undefined, null)).toBeNull();
    expect(buildAuditAnswer(summary, null)).toEqual({ summary, latest: null });
  });

  const status = { mode: 'healthy', daemon: { pid: 1, version: '1.2.3', startedAt: 'x', host: 'mini-7' }, skills: { backup: { state: 'ok' } } } as unknown as StatusSnapshot;
  const recent = { events: [event(9, 1)], omitted: 0 };
  it('names the node by http.nodeName, else by its host, and carries status, events, skills and audit', () => {
    expect(buildNodeView({ configuredName: undefined, status, recent, audit: null })).toEqual({
      node: { name: 'mini-7', version: '1.2.3' },
      status,
      events: recent.events,
      eventsOmitted: 0,
      skills: { backup: { state: 'ok' } },
      audit: null,
    });
    expect(buildNodeView({ configuredName: 'kitchen', status, recent, audit: null }).node.name).toBe('kitchen');
  });

  it('shows no skills as an empty object', () => {
    expect(buildNodeView({ configuredName: undefined, status: { ...status, skills: undefined } as unknown as StatusSnapshot, recent, audit: null }).skills).toEqual({});
  });
});
