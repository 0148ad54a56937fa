import { describe, expect, it } from 'vitest';
import { chooseFilesToDelete, planRotation, shouldRotate, type JournalFileFacts } from '../../src/events/journal-retention.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const NOW_MS = 100 * DAY_MS;

describe('shouldRotate', () => {
  it.each([
    [0, 2_000, 1_024, false],
    [1_000, 24, 1_024, false],
    [1_000, 25, 1_024, true],
    [1_024, 1, 1_024, true],
  ])('a file of %i bytes and a line of %i bytes, maxBytes %i: %s', (sizeBytes, lineBytes, maxBytes, expected) => {
    expect(shouldRotate(sizeBytes, lineBytes, maxBytes)).toBe(expected);
  });
});

describe('planRotation', () => {
  it.each([
    [[0], [{ from: 0, to: 1 }]],
    [[0, 1, 2], [{ from: 2, to: 3 }, { from: 1, to: 2 }, { from: 0, to: 1 }]],
    [[2, 0, 5], [{ from: 5, to: 6 }, { from: 2, to: 3 }, { from: 0, to: 1 }]],
  ])('files %j move highest first', (indices, expected) => {
    expect(planRotation(indices)).toEqual(expected);
  });
});

describe('chooseFilesToDelete', () => {
  // File i's newest event was written `ages[i]` ago.
  const files = (...ages: number[]): JournalFileFacts[] => ages.map((ageMs, index) => ({ index, newestAtMs: NOW_MS - ageMs }));
  it.each<[string, JournalFileFacts[], number, number[]]>([
    ['within the bound: nothing', files(0, DAY_MS * 2, DAY_MS * 3), 3, []],
    ['over the bound, old: the oldest go', files(0, DAY_MS * 2, DAY_MS * 3, DAY_MS * 4, DAY_MS * 5), 3, [4, 3]],
    ['over the bound, all from the last day: kept past the bound', files(0, HOUR_MS, 2 * HOUR_MS, 3 * HOUR_MS), 2, []],
    ['over the bound, only the older ones deleted', files(0, HOUR_MS, 23 * HOUR_MS, 25 * HOUR_MS, 30 * HOUR_MS), 2, [4, 3]],
    ['exactly 24 hours old may go', files(0, HOUR_MS, DAY_MS), 2, [2]],
    ['the live file is never deleted', files(DAY_MS * 9, DAY_MS * 9), 1, [1]],
  ])('%s', (_name, facts, maxFiles, expected) => {
    expect(chooseFilesToDelete(facts, { maxFiles, keepMs: DAY_MS, nowMs: NOW_MS })).toEqual(expected);
  });
});
