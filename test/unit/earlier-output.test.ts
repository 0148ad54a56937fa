import { describe, expect, it } from 'vitest';
import { keepLastLines } from '../../src/gateway/earlier-output.js';

describe('keepLastLines', () => {
  it.each([
    { what: 'everything when it fits', lines: ['a', 'b', 'c'], maxLines: 10, maxChars: 100, kept: ['a', 'b', 'c'] },
    { what: 'the newest lines by count', lines: ['a', 'b', 'c'], maxLines: 2, maxChars: 100, kept: ['b', 'c'] },
    { what: 'the newest lines by size', lines: ['aaaa', 'bbbb', 'cccc'], maxLines: 10, maxChars: 9, kept: ['bbbb', 'cccc'] },
    { what: 'nothing when the newest line alone is too big', lines: ['a', 'x'.repeat(50)], maxLines: 10, maxChars: 10, kept: [] },
    { what: 'nothing from nothing', lines: [], maxLines: 10, maxChars: 10, kept: [] },
  ])('keeps $what', ({ lines, maxLines, maxChars, kept }) => {
    expect(keepLastLines(lines, maxLines, maxChars)).toEqual(kept);
  });
});
