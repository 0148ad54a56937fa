import { describe, expect, it } from 'vitest';
import { formatEventJson, formatEventLine } from '../../src/events/format-event.js';
import { encodeEvent, parseEventLine, parseJournalText } from '../../src/events/journal-event.js';
import { isSelected, parseSince, parseTypes } from '../../src/events/select-events.js';

const AT = '2026-12-01T06:00:00.000Z';

describe('journal lines', () => {
  it('encodes one line with seq, at and type first', () => {
    expect(encodeEvent({ from: 'healthy', type: 'held', at: AT, seq: 3 })).toBe(`{"seq":3,"at":"${AT}","type":"held","from":"healthy"}\n`);
  });

  it.each([
    ['{"seq":1,"at":"2026-12-01T06:00:00.000Z","type":"held"}', true],
    ['{"seq":1,"at":"2026-12-01T06:00:00.000Z","type":"he', false],
    ['{"seq":0,"at":"2026-12-01T06:00:00.000Z","type":"held"}', false],
    ['{"seq":1.5,"at":"2026-12-01T06:00:00.000Z","type":"held"}', false],
    ['{"seq":1,"at":"yesterday","type":"held"}', false],
    ['{"seq":1,"at":"2026-12-01T06:00:00.000Z","type":""}', false],
    ['[1,2]', false],
    ['null', false],
  ])('%s is an event: %s', (line, isEvent) => {
    expect(parseEventLine(line) !== null).toBe(isEvent);
  });

  it('skips a torn line in the middle (a crash, then a new line) and notices an unfinished last line', () => {
    const text = [`{"seq":1,"at":"${AT}","type":"a"}`, '{"seq":2,"at":"2026-12', `{"seq":3,"at":"${AT}","type":"c"}`, '', '{"seq":4,"at'].join('\n');
    const parsed = parseJournalText(text);
    expect(parsed.events.map((event) => event.seq)).toEqual([1, 3]);
    expect(parsed.badLines).toEqual([2]);
    expect(parsed.hasUnfinishedLine).toBe(true);
    expect(parseJournalText(`${text}\n`).hasUnfinishedLine).toBe(false);
  });
});

describe('selecting events', () => {
  const NOW_MS = Date.parse(AT);
  it.each([
    ['2h', NOW_MS - 2 * 3_600_000],
    ['30m', NOW_MS - 30 * 60_000],
    ['45s', NOW_MS - 45_000],
    ['7d', NOW_MS - 7 * 86_400_000],
    ['2026-11-30T12:00:00Z', Date.parse('2026-11-30T12:00:00Z')],
    ['2026-11-30', Date.parse('2026-11-30')],
    ['2', null],
    ['2w', null],
    ['-2h', null],
    ['yesterday', null],
    ['2026-13-45', null],
  ])('--since %s', (text, expected) => {
    expect(parseSince(text, NOW_MS)).toBe(expected);
  });

  it('takes --type as repeated flags or comma lists, each once', () => {
    expect(parseTypes(['mode-changed,held', 'held', ' gateway-exited ', ''])).toEqual(['mode-changed', 'held', 'gateway-exited']);
  });

  it.each([
    [{ sinceMs: null, types: [] }, true],
    [{ sinceMs: NOW_MS, types: [] }, true],
    [{ sinceMs: NOW_MS + 1, types: [] }, false],
    [{ sinceMs: null, types: ['held'] }, true],
    [{ sinceMs: null, types: ['released'] }, false],
  ])('selection %j takes a held event at AT: %s', (selection, expected) => {
    expect(isSelected({ seq: 1, at: AT, type: 'held' }, selection)).toBe(expected);
  });
});

describe('formatting events', () => {
  it('prints one line per event with its fields, control characters escaped', () => {
    const line = formatEventLine({ seq: 12, at: AT, type: 'gateway-exited', reason: 'crash\u001b[2J\nfake line', code: null });
    expect(line).toBe(`${AT}  #12      gateway-exited        reason=crash\\u001b[2J\\u000afake line  code=null`);
    expect(line).not.toMatch(/[\u0000-\u001f]/);
  });

  it('prints JSON as the file has it', () => {
    expect(JSON.parse(formatEventJson({ seq: 1, at: AT, type: 'held', from: 'x' }))).toEqual({ seq: 1, at: AT, type: 'held', from: 'x' });
  });
});
